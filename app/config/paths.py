"""Where CrossDesk keeps its files, following each OS's conventions.

The data folder comes from platformdirs (``~/.local/share/CrossDesk`` on Linux,
``%LOCALAPPDATA%\\CrossDesk`` on Windows, ``~/Library/Application Support/CrossDesk``
on macOS) unless ``--data-dir`` or ``CROSSDESK_DATA_DIR`` says otherwise; settings go to
the OS config folder and logs to the OS log folder. A data folder chosen on the command
line or in the environment holds all three (a self-contained, portable setup).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

import app

DATA_DIR_ENV = "CROSSDESK_DATA_DIR"
_PACKAGE = Path(app.__file__).resolve().parent


def _bundled(name: str) -> Path:
    # In a wheel the top-level folders are packaged inside app/ as _<name>;
    # in a source checkout (editable install) they sit beside app/.
    inside = _PACKAGE / f"_{name}"
    return inside if inside.is_dir() else _PACKAGE.parent / name


def resources_dir() -> Path:
    """The read-only data shipped with the app (demo workspace, icons, ...)."""
    return _bundled("resources")


def translations_dir() -> Path:
    """The gettext catalogs of the user interface."""
    return _bundled("translations")


@dataclass(frozen=True, slots=True)
class Paths:
    """Every file location the app writes, derived from one data folder."""

    data_dir: Path
    config_dir: Path | None = None  # None: inside the data folder
    log_dir: Path | None = None  # None: data folder/logs

    @classmethod
    def resolve(cls, cli_value: str | None, environ: dict[str, str] | None = None) -> Paths:
        """Command line first, then the environment, then the OS convention."""
        env = os.environ if environ is None else environ
        chosen = cli_value or env.get(DATA_DIR_ENV)
        if chosen:
            return cls(Path(chosen).expanduser().absolute())
        paths = cls(
            Path(platformdirs.user_data_dir("CrossDesk", False)).absolute(),
            Path(platformdirs.user_config_dir("CrossDesk", False)).absolute(),
            Path(platformdirs.user_log_dir("CrossDesk", False)).absolute(),
        )
        paths.adopt_legacy_settings()  # every entry point (app, CLI) then reads one file
        return paths

    @property
    def settings_file(self) -> Path:
        return (self.config_dir or self.data_dir) / "settings.json"

    def adopt_legacy_settings(self) -> None:
        """Move a settings.json that older versions kept in the data folder to the OS
        config folder (once; a file already there wins, and a failed move leaves the
        old file in place, to be read again next time)."""
        legacy = self.data_dir / "settings.json"
        if self.config_dir is None or self.settings_file.exists() or not legacy.is_file():
            return
        try:
            self.config_dir.mkdir(parents=True, exist_ok=True)
            legacy.replace(self.settings_file)
        except OSError:
            return

    @property
    def demo_workspace(self) -> Path:
        return self.data_dir / "workspaces" / "demo.sqlite3"

    @property
    def argos_home(self) -> Path:
        """CrossDesk's private argostranslate folders: packs and caches."""
        return self.data_dir / "translation"

    @property
    def team_etiquette(self) -> Path:
        """The team's own etiquette data: ``profiles/``, ``overlays/`` and ``rules/``
        (layered over the built-in files; a bad file is named and skipped)."""
        return self.data_dir / "etiquette"

    @property
    def logs(self) -> Path:
        """The log folder: crossdesk.log (rotated) and crash.log (native crashes)."""
        return self.log_dir or self.data_dir / "logs"

    @property
    def log_file(self) -> Path:
        return self.logs / "crossdesk.log"


def attachments_folder(store_file: Path) -> Path:
    """The attachments of a workspace, beside its file: ``demo.sqlite3`` keeps them in
    ``demo.attachments/`` (copied, backed up and deleted together with it)."""
    return store_file.with_name(f"{store_file.stem}.attachments")
