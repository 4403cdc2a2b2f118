"""User preferences: each declared once with its default, kept in ``settings.json``.

Preferences are small and human-readable, so a JSON file beside the workspaces
is enough; it is written atomically (temp file + rename) so a crash never
leaves half a file. Secrets never go here (they belong in the OS keychain).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

UI_LANGUAGES = ("system", "en", "zh_CN")


@dataclass(frozen=True, slots=True)
class Settings:
    """The user's preferences (UI state such as splitter sizes lives elsewhere)."""

    ui_language: str = "system"  # "system" follows the OS locale
    workspace: str | None = None  # None until a server workspace is set up: the demo opens
    agent_language: str = "auto"  # the language the agent reads and writes; auto: the UI's
    workspace_agent_name: str | None = None  # the signed-in agent's name (shown at once)
    ca_bundle: str | None = None  # a team's own CA certificate for its server (TLS stays on)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


class SettingsError(Exception):
    """settings.json cannot be read or written; the message says which file and why."""


def load_settings(path: Path) -> tuple[Settings, str | None]:
    """Read preferences; on a bad file return defaults and a warning (never crash)."""
    if not path.exists():
        return Settings(), None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("the top level is not an object")
    except (OSError, ValueError) as exc:
        return Settings(), f"{path}: {exc}"
    known = {f.name for f in fields(Settings)}
    values = {k: v for k, v in raw.items() if k in known}
    settings = Settings(**values)
    if settings.ui_language not in UI_LANGUAGES:
        return settings.with_(ui_language="system"), (
            f"{path}: ui_language '{settings.ui_language}' is not one of {', '.join(UI_LANGUAGES)}"
        )
    return settings, None


def save_settings(path: Path, settings: Settings) -> None:
    """Write preferences atomically; raise SettingsError naming the file on failure."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".settings-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(settings), handle, ensure_ascii=False, indent=2)
        Path(tmp).replace(path)
    except OSError as exc:
        raise SettingsError(f"{path}: {exc.strerror or exc}") from exc
