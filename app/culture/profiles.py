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
from app.contract.localized import BILINGUAL
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


_LOADED: dict[tuple[object, ...], ProfileSet] = {}  # by the files' paths, sizes and times


def _signature(folders: tuple[Path, ...], context: dict[str, Any] | None) -> tuple[object, ...]:
    files = []
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            try:
                stat = path.stat()
            except OSError:
                continue
            files.append((str(path), stat.st_size, stat.st_mtime_ns))
    return (tuple(files), tuple(sorted((context or {}).items())))


def load_profiles(*folders: Path, context: dict[str, Any] | None = None) -> ProfileSet:
    """Profiles from each folder in layer order (missing folders are skipped).

    Each layer is validated merged over the layers below it; a layer that breaks the
    profile is reported and skipped, so a team's bad file never loses the built-in one.
    Parsing and validating ~80 profiles takes most of a second: unchanged files (same
    paths, sizes and modification times) are not read again in this process."""
    key = _signature(folders, context)
    if key in _LOADED:
        done = _LOADED[key]
        return ProfileSet(dict(done.profiles), list(done.errors))
    loaded = _load(folders, context)
    if len(_LOADED) >= 8:
        _LOADED.clear()
    _LOADED[key] = loaded
    return ProfileSet(dict(loaded.profiles), list(loaded.errors))


def _load(folders: tuple[Path, ...], context: dict[str, Any] | None) -> ProfileSet:
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
                profile = Profile.model_validate(merged, context=context)
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
    """``python -m app.culture.profiles [--bilingual] DIR...``: check profile folders by hand
    (``--bilingual``: as the built-in ones must be, every text in English and Chinese)."""
    bilingual = "--bilingual" in argv
    folders = [Path(arg) for arg in argv if arg != "--bilingual"]
    loaded = load_profiles(*folders, context=BILINGUAL if bilingual else None)
    for error in loaded.errors:
        print(error, file=sys.stderr)
    print(f"{len(loaded.profiles)} profiles valid, {len(loaded.errors)} with errors")
    return 1 if loaded.errors else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
