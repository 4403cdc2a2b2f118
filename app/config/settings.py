"""User preferences: each declared once with its default, kept in ``settings.json``.

Preferences are small and human-readable, so a JSON file beside the workspaces
is enough; it is written atomically (temp file + rename) so a crash never
leaves half a file. Secrets never go here (they belong in the OS keychain).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

# "system" follows the OS; the others are the catalogues app.i18n ships (UI_LOCALES; a
# test checks the two agree: config sits below i18n and does not import it).
UI_LANGUAGES = ("system", "en", "zh_CN", "zh_TW", "ja", "ko", "es", "ar")
APPEARANCES = ("system", "light", "dark", "high_contrast")
LOG_LEVELS = ("debug", "info", "warning", "error")


@dataclass(frozen=True, slots=True)
class ServerWorkspace:
    """A team's server and the agent signed in to it (``workspace`` in settings.json).

    Written as ``{"server_url": ..., "agent_id": ...}``; the older ``"url|agent"`` text
    is still read (and written back in the new form on the next save)."""

    server_url: str
    agent_id: str

    @classmethod
    def parse(cls, text: str) -> ServerWorkspace | None:
        """The old ``"url|agent"`` form; None if it is not one (the demo opens)."""
        if "|" not in text:
            return None
        url, agent = text.rsplit("|", 1)
        return cls(url, agent)

    @property
    def account(self) -> str:
        """``url|agent``: names the workspace's local store file, as it always has."""
        return f"{self.server_url}|{self.agent_id}"


@dataclass(frozen=True, slots=True)
class Settings:
    """The user's preferences (UI state such as splitter sizes lives elsewhere)."""

    ui_language: str = "system"  # "system" follows the OS locale
    workspace: ServerWorkspace | None = None  # None until signed in to a server: the demo
    agent_language: str = "auto"  # the language the agent reads and writes; auto: the UI's
    workspace_agent_name: str | None = None  # the signed-in agent's name (shown at once)
    ca_bundle: str | None = None  # a team's own CA certificate for its server (TLS stays on)
    # Desktop notifications (issue 14), per kind; quiet hours "22:00-07:00" in local time
    notify_assigned: bool = True
    notify_messages: bool = True
    notify_sla: bool = True
    notify_held: bool = True
    notify_sound: bool = False
    quiet_hours: str | None = None
    appearance: str = "system"  # follows the OS colour scheme (and its contrast setting)
    log_level: str = "info"  # what goes into crossdesk.log (debug for a support case)
    first_run_done: bool = False  # the welcome dialog has been answered (or skipped)
    # Resolved conversations older than this many days leave this computer (0: all kept);
    # a server's retention (GET /v1/me), when signed in, wins. See app.ops.retention.
    retention_days: int = 0
    lock_after_minutes: int = 15  # the screen lock after this long without input; 0: never

    def __post_init__(self) -> None:
        if isinstance(self.workspace, str):  # the old "url|agent" text (scripts, benchmarks)
            object.__setattr__(self, "workspace", ServerWorkspace.parse(self.workspace))

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


class SettingsError(Exception):
    """settings.json cannot be read or written; the message says which file and why."""


# Bounds for what is read back: settings.json may have been edited by hand or damaged.
MAX_SETTINGS_BYTES = 1_000_000
_MAX_TEXT = {
    "ui_language": 16,
    "workspace": 2048,
    "agent_language": 35,  # a BCP 47 tag
    "workspace_agent_name": 200,
    "ca_bundle": 4096,
    "quiet_hours": 11,
    "appearance": 16,
    "log_level": 10,
}
_OPTIONAL = frozenset({"workspace", "workspace_agent_name", "ca_bundle", "quiet_hours"})
_FLAGS = frozenset(
    {
        "notify_assigned",
        "notify_messages",
        "notify_sla",
        "notify_held",
        "notify_sound",
        "first_run_done",
    }
)
MAX_LOCK_MINUTES = 24 * 60
_QUIET = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)")


def quiet_minutes(text: str | None) -> tuple[int, int] | None:
    """Quiet hours "22:00-07:00" as minutes after midnight (1320, 420); None: none (or the
    same start and end, which would silence nothing)."""
    match = _QUIET.fullmatch(text or "")
    if match is None:
        return None
    start, end = (int(match[1]) * 60 + int(match[2]), int(match[3]) * 60 + int(match[4]))
    return None if start == end else (start, end)


MAX_RETENTION_DAYS = 36_500  # a hundred years: more is a typing slip, not a policy


def check_setting(name: str, value: object) -> str | None:
    """Why ``value`` cannot be the setting ``name`` (None: it can)."""
    if name == "retention_days":
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be a whole number of days"
        if not 0 <= value <= MAX_RETENTION_DAYS:
            return f"must be between 0 (keep everything) and {MAX_RETENTION_DAYS} days"
        return None
    if name in _FLAGS:
        return None if isinstance(value, bool) else "must be true or false"
    if name == "lock_after_minutes":
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be a whole number of minutes"
        inside = 0 <= value <= MAX_LOCK_MINUTES
        return None if inside else f"must be 0 (never) to {MAX_LOCK_MINUTES} minutes"
    if name == "workspace" and isinstance(value, dict):
        if set(value) != {"server_url", "agent_id"} or not all(
            isinstance(v, str) and v for v in value.values()
        ):
            return "must have a server_url and an agent_id (text)"
        return check_setting("workspace", value["server_url"]) or check_setting(
            "workspace_agent_name", value["agent_id"]
        )
    if value is None:
        return None if name in _OPTIONAL else "must be text"
    if not isinstance(value, str):
        shown = json.dumps(value, ensure_ascii=False)
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        return f"must be text{' or null' if name in _OPTIONAL else ''}, not {shown}"
    if len(value) > _MAX_TEXT[name]:
        return f"is longer than {_MAX_TEXT[name]} characters"
    if not value.isprintable():
        return "contains control characters"
    if name == "ui_language" and value not in UI_LANGUAGES:
        return f"'{value}' is not one of {', '.join(UI_LANGUAGES)}"
    choices = {"appearance": APPEARANCES, "log_level": LOG_LEVELS}.get(name)
    if choices is not None and value not in choices:
        return f"'{value}' is not one of {', '.join(choices)}"
    if name == "agent_language" and not value.replace("-", "").replace("_", "").isalnum():
        return f"'{value}' is not a language tag such as zh or pt-BR"
    if name == "quiet_hours" and _QUIET.fullmatch(value) is None:
        return f"'{value}' is not a time range such as 22:00-07:00"
    return None


def load_settings(path: Path) -> tuple[Settings, str | None]:
    """Read preferences; on a bad file or field, defaults and a warning (never crash).

    Each field is checked on its own: a wrongly typed value falls back to its default
    and is named in the warning; the other fields are kept."""
    try:
        if not path.exists():
            return Settings(), None
        if path.stat().st_size > MAX_SETTINGS_BYTES:
            raise ValueError(f"larger than {MAX_SETTINGS_BYTES} bytes")
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("the top level is not an object")
    except (OSError, ValueError, RecursionError) as exc:
        return Settings(), f"{path}: {exc}"
    values: dict[str, Any] = {}
    problems: list[str] = []
    for f in fields(Settings):
        if f.name not in raw:
            continue
        problem = check_setting(f.name, raw[f.name])
        if problem is None:
            values[f.name] = _workspace(raw[f.name]) if f.name == "workspace" else raw[f.name]
        else:
            problems.append(f"{f.name} {problem}")
    if problems:
        return Settings(**values), f"{path}: {'; '.join(problems)} (default used)"
    return Settings(**values), None


def _workspace(value: object) -> ServerWorkspace | None:
    """settings.json's workspace, either form (checked by :func:`check_setting` already)."""
    if isinstance(value, dict):
        return ServerWorkspace(value["server_url"], value["agent_id"])
    return ServerWorkspace.parse(value) if isinstance(value, str) else None


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
