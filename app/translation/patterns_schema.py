"""Schema of resources/translation/protected.yaml (imported only when the file is loaded)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator


class PatternSpec(BaseModel):
    """One kind of text that is never translated (data: resources/translation/protected.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    description: str
    regex: str
    examples: list[str] = Field(min_length=1)

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from exc
        return value


class PatternsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    patterns: list[PatternSpec] = Field(min_length=1)
