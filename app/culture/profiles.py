"""Loading etiquette profiles: every file validated, a bad one named and skipped.

Layers: the built-in folder (``resources/etiquette/profiles``), then a team folder,
then region overlays; a later layer's file for the same country merges over the
earlier (:func:`merge_layers`). A file that fails the schema is reported with its
path and line and the others still load.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.contract.datafile import problem_text
from app.culture.profile_schema import Profile, merge_layers
from app.domain.datafiles import DataFileError, line_of, load_yaml


@dataclass
class ProfileSet:
    """The profiles that loaded, and the files that did not (shown to the user)."""

    profiles: dict[str, Profile] = field(default_factory=dict)
    errors: list[DataFileError] = field(default_factory=list)

    def get(self, country: str | None) -> Profile | None:
        return self.profiles.get((country or "").upper())


def _validation_error(path: Path, data: Any, error: ValidationError) -> DataFileError:
    first = error.errors()[0]
    return DataFileError(path, line_of(data, first["loc"]), problem_text(first))


def load_profiles(*folders: Path) -> ProfileSet:
    """Profiles from each folder in layer order (missing folders are skipped).

    Each layer is validated merged over the layers below it; a layer that breaks the
    profile is reported and skipped, so a team's bad file never loses the built-in one."""
    valid: dict[str, dict[str, Any]] = {}
    result = ProfileSet()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            try:
                data = load_yaml(path)
            except DataFileError as error:
                result.errors.append(error)
                continue
            if not isinstance(data, dict):
                result.errors.append(DataFileError(path, 1, "a profile must be a mapping"))
                continue
            code = path.stem.upper()
            merged = merge_layers(valid.get(code, {}), data)
            try:
                profile = Profile.model_validate(merged)
            except ValidationError as error:
                result.errors.append(_validation_error(path, data, error))
                continue
            if profile.country != code:
                result.errors.append(
                    DataFileError(
                        path, 1, f"the file is named {code} but says country {profile.country}"
                    )
                )
                continue
            valid[code] = merged
            result.profiles[code] = profile
    result.profiles = dict(sorted(result.profiles.items()))
    return result


def main(argv: list[str]) -> int:
    """``python -m app.culture.profiles DIR...``: check profile folders by hand."""
    loaded = load_profiles(*(Path(arg) for arg in argv))
    for error in loaded.errors:
        print(error, file=sys.stderr)
    print(f"{len(loaded.profiles)} profiles valid, {len(loaded.errors)} with errors")
    return 1 if loaded.errors else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
