"""The demo workspace that ships: rich enough to show the product, and loaded exactly once."""

from __future__ import annotations

from pathlib import Path

from app.config.paths import resources_dir
from app.contract.demo_schema import load_demo
from app.domain.filters import InboxQuery
from app.domain.models import Status
from app.ops.demo import load_demo_into
from app.storage.store import Store
from tests.helpers.builders import NOW
from tests.helpers.sql import sql

DEMO = resources_dir() / "demo"


def test_demo_is_as_varied_as_a_real_cross_border_inbox() -> None:
    demo = load_demo(DEMO)
    customers = {c.id: c for c in demo.customers}
    conversations = demo.conversations
    languages = {customers[c.customer].language.split("-")[0] for c in conversations}
    countries = {customers[c.customer].country for c in conversations}
    assert len(conversations) >= 80
    assert {
        "en",
        "es",
        "pt",
        "ar",
        "ja",
        "hi",
        "id",
        "de",
        "fr",
        "ko",
        "th",
        "vi",
        "zh",
    } <= languages
    assert {customers[c.customer].language for c in conversations} >= {"es-MX", "es-ES", "pt-BR"}
    assert len(countries) >= 15
    assert len({c.channel for c in conversations}) >= 6
    assert {c.status for c in conversations} == set(Status)
    assert sum(len(c.messages) > 2 for c in conversations) >= 50  # real threads
    assert any(m.author.startswith("note:") for c in conversations for m in c.messages)
    assert any(c.assignee is None for c in conversations)


def test_loading_twice_never_duplicates(repo: Store, tmp_path: Path) -> None:
    first = load_demo_into(repo, DEMO, NOW)
    assert first.added >= 80
    count = repo.conversations.conversation_count()
    messages = sql(repo).execute("SELECT count(*) FROM messages").fetchone()[0]
    assert load_demo_into(repo, DEMO, NOW + 3600).added == 0  # unchanged files: skipped
    repo.meta.set("demo_fingerprint", "changed")  # files changed: re-read, nothing doubled
    again = load_demo_into(repo, DEMO, NOW + 7200)
    assert (again.added, again.skipped) == (0, count)
    assert repo.conversations.conversation_count() == count
    assert sql(repo).execute("SELECT count(*) FROM messages").fetchone()[0] == messages
    all_ids = repo.conversations.conversation_ids(InboxQuery(statuses=frozenset(Status)), None, NOW)
    assert len(all_ids) == count


def test_demo_team_language_data_is_loaded(repo: Store) -> None:

    load_demo_into(repo, DEMO, NOW)
    store = repo.translation
    macros = store.macros()
    assert len(macros) >= 16 and {m.language for m in macros} == {"zh", "en"}
    memory = store.memory()
    assert len(memory) >= 16 * 12
    assert all(row.origin == "macro" and row.macro_uid for row in memory)
    assert any(term.term == "Lumio" and term.rendering is None for term in store.glossary())
