"""The application context: built once at start-up and passed explicitly.

No module-level singletons: a widget or service receives the context (or only
the parts of it that it needs). Tests build one around a temporary folder and
an inline task runner.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from app.config.paths import Paths
from app.config.settings import Settings
from app.domain.models import Workspace
from app.i18n import I18n
from app.ops.tasks import TaskRunner
from app.ops.translation import TranslationService


def system_clock() -> int:
    """Seconds since the epoch (UTC); the one clock the app reads."""
    return int(time.time())


def clock_from(start: int) -> Callable[[], int]:
    """A clock that starts at ``start`` and runs at normal speed (``--now``: trainers and
    tests see a given day, e.g. Ramadan in Riyadh, with time still moving)."""
    began = time.monotonic()
    return lambda: start + int(time.monotonic() - began)


@dataclass(frozen=True)
class AppContext:
    """Everything shared by the whole application.

    Attributes:
        paths: file locations derived from the data folder.
        settings: the user's preferences.
        i18n: UI translations and locale-aware formatting.
        tasks: the task runner (store lane + compute lane).
        translation: offline translation (None only in tests that do not need it).
        clock: returns "now" in epoch seconds; tests pass a fixed clock.
        workspace: the open workspace and the signed-in agent.
    """

    paths: Paths
    settings: Settings
    i18n: I18n
    tasks: TaskRunner
    clock: Callable[[], int] = field(default=system_clock)
    workspace: Workspace = field(default_factory=lambda: Workspace("demo", "", None, None))
    translation: TranslationService | None = None

    @property
    def agent_language(self) -> str:
        """The language the agent reads and writes (BCP 47): the setting, else the UI's."""
        chosen = self.settings.agent_language
        if chosen and chosen != "auto":
            return chosen
        return "zh" if self.i18n.ui_locale.startswith("zh") else "en"

    def with_(self, **changes: object) -> AppContext:
        """A copy with some parts replaced (a language switch builds a new context)."""
        return replace(self, **changes)  # type: ignore[arg-type]
