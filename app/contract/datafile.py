"""A YAML data file validated against its pydantic model: every data file reports its
first problem the same way (file, line and the field's path), and hands back the raw
data too, so checks after the schema's can name lines as well."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from app.domain.datafiles import DataFileError, line_of, load_yaml

M = TypeVar("M", bound=BaseModel)

# pydantic's wording for the mistakes authors make most, said the way an author reads it
_FRIENDLY = {
    "extra_forbidden": "not a field here (check its spelling and indentation)",
    "missing": "is required here",
}


class Strict(BaseModel):
    """A data file's part: unknown keys are mistakes (a typo must not be ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def reject_yaml_no(value: Any) -> Any:
    """A country field's guard: YAML 1.1 reads a bare NO (Norway) as false."""
    if value is False:
        raise ValueError('YAML reads NO as false: write Norway as "NO" in quotes')
    return value


def problem_text(error: Mapping[str, Any], loc: tuple[int | str, ...] | None = None) -> str:
    """``where: what`` for one pydantic error (``loc``: the path to name, else the error's)."""
    where = ".".join(str(part) for part in (error["loc"] if loc is None else loc))
    message = _FRIENDLY.get(error["type"]) or str(error["msg"]).removeprefix("Value error, ")
    return f"{where or '(top level)'}: {message}"


def load_validated(model: type[M], path: Path) -> tuple[M, Any]:
    """The file parsed as ``model`` and its loaded data (which knows its lines);
    DataFileError naming file, line and field for the first thing wrong."""
    data = load_yaml(path)
    try:
        return model.model_validate(data), data
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DataFileError(path, line_of(data, first["loc"]), problem_text(first)) from exc
