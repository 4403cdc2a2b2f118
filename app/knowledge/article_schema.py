"""Schema of an article's front matter (pydantic: imported only when files are read)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

ArticleId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{2,80}$")]
Region = Annotated[str, Field(pattern=r"^(global|EU|[A-Z]{2})$")]


class ArticleSource(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str = Field(min_length=1, max_length=500)
    url: Annotated[str, Field(pattern=r"^https://\S+$")]


class ArticleMeta(BaseModel):
    """The front matter."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: ArticleId
    locale: Annotated[str, Field(min_length=2, max_length=35)]
    region: Region
    title: Annotated[str, Field(min_length=1, max_length=500)]
    tags: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(default_factory=list)
    updated: dt.date
    version: Annotated[int, Field(ge=1)] = 1
    overlays: ArticleId | None = None
    overlay_mode: Literal["extend", "replace"] = "extend"
    snippet: Annotated[str, Field(max_length=2000)] = ""
    sources: list[ArticleSource] = Field(default_factory=list)
