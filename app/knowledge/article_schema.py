"""Schema of an article's front matter (pydantic: imported only when files are read).

The bundled articles promise more than a team's or a server's: a Chinese title and a
summary for agents in both languages, search keywords in the languages agents and
customers type (Chinese, Spanish, Arabic, Japanese at least), sources and the date
someone last checked them. ``BILINGUAL`` as validation context enforces that.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from app.contract.localized import LocalText, is_deep_link

ArticleId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{2,80}$")]
Region = Annotated[str, Field(pattern=r"^(global|EU|[A-Z]{2})$")]
KeywordLanguage = Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
Keyword = Annotated[str, Field(min_length=1, max_length=80)]
SEARCH_LANGUAGES = ("zh", "es", "ar", "ja")  # every bundled article is findable in these


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
    title_zh_CN: Annotated[str, Field(min_length=1, max_length=500)] | None = None  # noqa: N815
    summary: LocalText | None = None  # for agents: what the article tells them to do
    keywords: dict[KeywordLanguage, list[Keyword]] = Field(default_factory=dict, max_length=40)
    tags: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(default_factory=list)
    updated: dt.date
    verified: dt.date | None = None  # facts last checked against the sources
    version: Annotated[int, Field(ge=1)] = 1
    overlays: ArticleId | None = None
    overlay_mode: Literal["extend", "replace"] = "extend"
    snippet: Annotated[str, Field(max_length=2000)] = ""
    sources: list[ArticleSource] = Field(default_factory=list)

    @model_validator(mode="after")
    def _complete_when_bundled(self, info: ValidationInfo) -> ArticleMeta:
        if not (info.context and info.context.get("bilingual")):
            return self
        missing = [
            name
            for name, value in (
                ("title_zh_CN", self.title_zh_CN),
                ("summary", self.summary),
                ("verified", self.verified),
                ("sources", self.sources),
            )
            if not value
        ]
        missing += [f"keywords.{lang}" for lang in SEARCH_LANGUAGES if not self.keywords.get(lang)]
        missing += [
            f"a deep link instead of {s.url}" for s in self.sources if not is_deep_link(s.url)
        ]
        if missing:
            raise ValueError(f"a bundled article needs {', '.join(missing)}")
        return self
