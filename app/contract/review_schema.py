"""The default QA rubric data file (``resources/review/rubric.yaml``): its schema and
validation, so a broken edit of the file names its line instead of scoring wrongly."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.contract.codes import Country
from app.contract.datafile import load_validated
from app.domain.datafiles import DataFileError
from app.domain.errors import N_
from app.domain.review import (
    MAX_CRITERIA,
    MAX_RUBRIC_NAME_CHARS,
    MAX_SCALE,
    Criterion,
    ReviewError,
    Rubric,
    check_rubric,
)

Weight = Annotated[float, Field(ge=0, le=100)]

# The shipped rubric's name and labels, marked here so the catalog extraction (Python
# sources only) finds them: the UI shows ``_(label)``. A test keeps this list and
# resources/review/rubric.yaml in step.
SHIPPED_MSGIDS = (
    N_("Cross-border QA scorecard"),
    N_("Greeting"),
    N_("Empathy"),
    N_("Etiquette for the customer's culture"),
    N_("Solution"),
    N_("Tone"),
    N_("Translation accuracy"),
    N_("Closing"),
    N_("Speed"),
)


class CriterionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    label: Annotated[str, Field(min_length=1, max_length=MAX_RUBRIC_NAME_CHARS)]
    weight: Weight
    scale: Annotated[int, Field(ge=1, le=MAX_SCALE)] = 4
    region_weights: dict[Country, Weight] = Field(default_factory=dict, max_length=250)


class RubricFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    uid: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")]
    name: Annotated[str, Field(min_length=1, max_length=MAX_RUBRIC_NAME_CHARS)]
    criteria: list[CriterionSpec] = Field(min_length=1, max_length=MAX_CRITERIA)


def load_rubric(path: Path) -> Rubric:
    """The file's rubric (version 1); DataFileError naming file and line if anything is wrong."""
    parsed, _data = load_validated(RubricFile, path)
    rubric = Rubric(
        parsed.uid,
        parsed.name,
        tuple(
            Criterion(c.key, c.label, c.weight, c.scale, dict(c.region_weights))
            for c in parsed.criteria
        ),
    )
    try:
        return check_rubric(rubric)
    except ReviewError as exc:
        raise DataFileError(path, None, str(exc)) from exc
