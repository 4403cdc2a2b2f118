"""The application context: built once at start-up and passed explicitly.

No module-level singletons: a widget or service receives the context (or only
the parts of it that it needs). Tests build one around a temporary folder and
an inline task runner.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from app.i18n import I18n
from app.services.paths import Paths
from app.services.settings import Settings
from app.services.tasks import TaskRunner


def system_clock() -> int:
    """Seconds since the epoch (UTC); the one clock the app reads."""
    return int(time.time())


@dataclass(frozen=True)
class Workspace:
    """Which store is open and who the agent is in it."""

    name: str
    path_label: str
    me_id: int | None
    me_name: str | None


@dataclass(frozen=True)
class AppContext:
    """Everything shared by the whole application.

    Attributes:
        paths: file locations derived from the data folder.
        settings: the user's preferences.
        i18n: UI translations and locale-aware formatting.
        tasks: the task runner (store lane + compute lane).
        clock: returns "now" in epoch seconds; tests pass a fixed clock.
        workspace: the open workspace and the signed-in agent.
    """

    paths: Paths
    settings: Settings
    i18n: I18n
    tasks: TaskRunner
    clock: Callable[[], int] = field(default=system_clock)
    workspace: Workspace = field(default_factory=lambda: Workspace("demo", "", None, None))

    def with_(self, **changes: object) -> AppContext:
        """A copy with some parts replaced (a language switch builds a new context)."""
        return replace(self, **changes)  # type: ignore[arg-type]
