"""Where CrossDesk keeps its files, following each OS's conventions.

The data folder comes from platformdirs (``~/.local/share/CrossDesk`` on Linux,
``%LOCALAPPDATA%\\CrossDesk`` on Windows, ``~/Library/Application Support/CrossDesk``
on macOS) unless ``--data-dir`` or ``CROSSDESK_DATA_DIR`` says otherwise.
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

    @classmethod
    def resolve(cls, cli_value: str | None, environ: dict[str, str] | None = None) -> Paths:
        """Command line first, then the environment, then the OS convention."""
        env = os.environ if environ is None else environ
        chosen = cli_value or env.get(DATA_DIR_ENV)
        base = (
            Path(chosen).expanduser()
            if chosen
            else Path(platformdirs.user_data_dir("CrossDesk", False))
        )
        return cls(base.absolute())

    @property
    def settings_file(self) -> Path:
        return self.data_dir / "settings.json"

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
    def log_file(self) -> Path:
        return self.data_dir / "logs" / "crossdesk.log"


def attachments_folder(store_file: Path) -> Path:
    """The attachments of a workspace, beside its file: ``demo.sqlite3`` keeps them in
    ``demo.attachments/`` (copied, backed up and deleted together with it)."""
    return store_file.with_name(f"{store_file.stem}.attachments")
