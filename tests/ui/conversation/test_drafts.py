"""Nothing the agent wrote is lost: drafts survive switching, closing and restarting."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.domain.models import MessageKind
from app.storage.store import Store
from tests.helpers.fixtures import ContextFactory
from tests.ui.conftest import WindowFactory
from tests.ui.helpers import visible_names

pytestmark = pytest.mark.gui


def select(window, name: str) -> None:
    window.inbox.select_row(visible_names(window).index(name))


def test_draft_survives_switching_and_a_restart(
    standard_inbox: dict[str, int],
    open_window: WindowFactory,
    make_ctx: ContextFactory,
    qtbot: QtBot,
    repo: Store,
) -> None:
    window = open_window()
    select(window, "Jonas Müller")
    composer = window.conversation.composer
    qtbot.keyClicks(composer.editor, "Sehr geehrter Herr Mueller, ")
    select(window, "Ana Souza")  # switching saves the draft at once
    assert composer.text() == ""
    select(window, "Jonas Müller")
    assert composer.text() == "Sehr geehrter Herr Mueller, "

    composer.set_kind(MessageKind.NOTE)
    qtbot.keyClicks(composer.editor, "und noch etwas")
    window.close()  # closing saves too, without waiting for the pause in typing

    restarted = open_window(ctx=make_ctx())  # a new context and connection: a restart
    select(restarted, "Jonas Müller")
    again = restarted.conversation.composer
    assert again.text() == "Sehr geehrter Herr Mueller, und noch etwas"
    assert again.kind is MessageKind.NOTE
    draft = repo.drafts.draft(standard_inbox["Jonas Müller"])
    assert draft is not None and draft.body == again.text()


def test_draft_is_saved_after_a_pause_in_typing(
    standard_inbox: dict[str, int],
    open_window: WindowFactory,
    qtbot: QtBot,
    repo: Store,
) -> None:
    window = open_window()
    composer = window.conversation.composer
    with qtbot.waitSignal(composer.draft_changed, timeout=3000):
        qtbot.keyClicks(composer.editor, "Oi Ana")
    draft = repo.drafts.draft(standard_inbox["Ana Souza"])
    assert draft is not None and draft.body == "Oi Ana"


def test_sending_clears_the_draft(
    standard_inbox: dict[str, int],
    open_window: WindowFactory,
    qtbot: QtBot,
    repo: Store,
) -> None:
    window = open_window()
    composer = window.conversation.composer
    qtbot.keyClicks(composer.editor, "Oi Ana, tudo bem?")
    composer.flush_draft()
    assert repo.drafts.draft(standard_inbox["Ana Souza"]) is not None
    composer.request_send()
    assert repo.drafts.draft(standard_inbox["Ana Souza"]) is None
