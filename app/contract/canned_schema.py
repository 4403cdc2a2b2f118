"""The canned replies data file (``resources/demo/canned.yaml``): canned replies with
variables, the conversations they are suggested for, and what sending one also does.
Checked here once, with the same rules the canned-reply editor applies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from app.contract.codes import Language
from app.contract.datafile import load_validated
from app.domain.canned import (
    MAX_TEMPLATE_CHARS,
    CannedActions,
    CannedDataError,
    SuggestWhen,
    parse_actions,
    parse_suggest_when,
)
from app.domain.datafiles import DataFileError, line_of

CANNED_FILE = "canned.yaml"
MAX_CANNED = 500


class CannedSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    language: Language
    body: Annotated[str, Field(min_length=1, max_length=MAX_TEMPLATE_CHARS)]
    suggest_when: dict[str, Any] = Field(default_factory=dict)
    actions: dict[str, Any] = Field(default_factory=dict)


class CannedFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    canned_replies: list[CannedSpec] = Field(max_length=MAX_CANNED)


def load_canned(path: Path) -> list[tuple[CannedSpec, CannedActions, SuggestWhen]]:
    """The file's canned replies; DataFileError naming file and line for anything wrong."""
    parsed, data = load_validated(CannedFile, path)
    seen: set[str] = set()
    loaded = []
    for index, spec in enumerate(parsed.canned_replies):
        if spec.id in seen:
            line = line_of(data, ("canned_replies", index, "id"))
            raise DataFileError(path, line, f"canned reply id '{spec.id}' is used twice")
        seen.add(spec.id)
        try:
            actions = parse_actions(spec.actions, strict=True)
            when = parse_suggest_when(spec.suggest_when, strict=True)
        except CannedDataError as exc:
            line = line_of(data, ("canned_replies", index, "id"))
            raise DataFileError(path, line, f"canned reply '{spec.id}': {exc}") from exc
        loaded.append((spec, actions, when))
    return loaded
