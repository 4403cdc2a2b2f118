"""pytest fixtures (registered from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.config.paths import Paths, translations_dir
from app.config.settings import Settings
from app.i18n import I18n
from app.ops import inbox
from app.ops.context import AppContext
from app.ops.tasks import InlineTaskRunner
from app.ops.translation import TranslationService
from app.storage.store import Store
from tests.helpers.builders import NOW, STANDARD_INBOX, add_agents, add_conversation


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "workspaces" / "test.sqlite3"


@pytest.fixture
def repo(store_path: Path) -> Iterator[Store]:
    repository = Store.open(store_path)
    yield repository
    repository.close()


@pytest.fixture
def standard_inbox(repo: Store) -> dict[str, int]:
    """The STANDARD_INBOX conversations, by customer name -> conversation id."""
    agents = add_agents(repo)
    return {c.customer: add_conversation(repo, c, agents) for c in STANDARD_INBOX}


ContextFactory = Callable[..., AppContext]


@pytest.fixture
def make_ctx(store_path: Path, tmp_path: Path) -> Iterator[ContextFactory]:
    """Build an AppContext on the test store with the inline runner (fixed clock)."""
    runners: list[InlineTaskRunner] = []

    def factory(
        lang: str = "en",
        clock: Callable[[], int] = lambda: NOW,
        translation: TranslationService | None = None,
        agent_language: str = "auto",
    ) -> AppContext:
        runner = InlineTaskRunner(lambda: Store.open(store_path))
        runners.append(runner)
        ctx = AppContext(
            paths=Paths(tmp_path / "data"),
            settings=Settings(agent_language=agent_language),
            i18n=I18n(lang, translations_dir()),
            tasks=runner,
            clock=clock,
            translation=translation,
        )
        return ctx.with_(workspace=inbox.workspace_info(runner.repository, "test", str(store_path)))

    yield factory
    for runner in runners:
        runner.shutdown()
