"""A YAML data file validated against its pydantic model: every data file reports its
first problem the same way (file, line and the field's path), and hands back the raw
data too, so checks after the schema's can name lines as well."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from app.domain.datafiles import DataFileError, line_of, load_yaml

M = TypeVar("M", bound=BaseModel)


def load_validated(model: type[M], path: Path) -> tuple[M, Any]:
    """The file parsed as ``model`` and its loaded data (which knows its lines);
    DataFileError naming file, line and field for the first thing wrong."""
    data = load_yaml(path)
    try:
        return model.model_validate(data), data
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first["loc"]
        where = ".".join(str(part) for part in loc) or "(top level)"
        raise DataFileError(path, line_of(data, loc), f"{where}: {first['msg']}") from exc
