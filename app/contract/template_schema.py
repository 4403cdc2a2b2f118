"""The approved message templates data file (``resources/demo/templates.yaml``): its
schema and validation. The demo workspace and the reference server's demo data both
load it, so the two offer the same templates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.contract.codes import Language
from app.contract.datafile import load_validated
from app.domain.datafiles import DataFileError, line_of
from app.domain.message_templates import (
    MAX_TEMPLATE_BODY,
    MAX_TEMPLATES,
    MAX_VARIABLES,
    MessageTemplate,
    placeholders,
)
from app.domain.models import Channel

TEMPLATES_FILE = "templates.yaml"


class TemplateSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
    name: Annotated[str, Field(min_length=1, max_length=512)]
    channel: Channel
    language: Language
    body: Annotated[str, Field(min_length=1, max_length=MAX_TEMPLATE_BODY)]
    variables: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]] = Field(
        default_factory=list, max_length=MAX_VARIABLES
    )

    @model_validator(mode="after")
    def _variables_match_body(self) -> TemplateSpec:
        if set(self.variables) != set(placeholders(self.body)):
            raise ValueError(
                f"variables {self.variables} do not match the body's placeholders "
                f"{list(placeholders(self.body))}"
            )
        return self


class TemplatesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    templates: list[TemplateSpec] = Field(max_length=MAX_TEMPLATES)


def load_templates(path: Path) -> tuple[MessageTemplate, ...]:
    """The file's templates; DataFileError naming file and line for anything wrong."""
    parsed, data = load_validated(TemplatesFile, path)
    seen: set[str] = set()
    for index, spec in enumerate(parsed.templates):
        if spec.id in seen:
            line = line_of(data, ("templates", index, "id"))
            raise DataFileError(path, line, f"template id '{spec.id}' is used twice")
        seen.add(spec.id)
    return tuple(
        MessageTemplate(t.id, t.name, t.channel.value, t.language, t.body, tuple(t.variables))
        for t in parsed.templates
    )
