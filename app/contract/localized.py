"""Text shown to the agent, in each UI language CrossDesk ships (English, Simplified Chinese).

Built-in culture data carries both languages side by side (``{en: ..., zh_CN: ...}``) so that
nothing an agent reads falls back to English in a Chinese UI; the completeness tests load
the built-in files with ``BILINGUAL`` as validation context, which rejects a plain string.
A team's own overlay may write plain text in whatever language the team works in: it is
shown as written, in every UI language.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field, ValidationInfo

from app.contract.datafile import Strict
from app.domain.lang import wants_chinese

Text = Annotated[str, Field(min_length=1, max_length=2000)]
BILINGUAL = {"bilingual": True}  # validation context: built-in files must give both languages


class Localized(Strict):
    """A text shown to the agent, in each UI language CrossDesk ships."""

    en: Text
    zh_CN: Text  # noqa: N815 - the locale name as the files spell it

    def pick(self, ui_language: str) -> str:
        """The text for ``ui_language`` (``zh_CN``, ``zh-CN``, ``zh``...; else English)."""
        return self.zh_CN if wants_chinese(ui_language) else self.en

    def __str__(self) -> str:  # logs and English-only callers
        return self.en


def _plain_or_both(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, str):
        if info.context and info.context.get("bilingual"):
            raise ValueError("needs both languages: write it as {en: ..., zh_CN: ...}")
        return {"en": value, "zh_CN": value}  # a team's one-language text, shown as written
    return value


LocalText = Annotated[Localized, BeforeValidator(_plain_or_both)]


_LANGUAGE_SEGMENT = re.compile(r"^[a-z]{2}([-_][a-z]{2,4})?$", re.IGNORECASE)
_HOME_PAGE = re.compile(r"^(index|home|default|main|portal)(\.\w+)?$", re.IGNORECASE)


def is_deep_link(url: str) -> bool:
    """A page about the matter, not a site's home page (``/``, ``/en/``, ``/index.html``):
    a fact's source must let a reviewer find the sentence that backs it."""
    parts = urlsplit(url)
    segments = [
        segment
        for segment in parts.path.split("/")
        if segment and not _LANGUAGE_SEGMENT.match(segment) and not _HOME_PAGE.match(segment)
    ]
    return bool(segments) or bool(parts.query)
