"""Nothing the agent typed is thrown away, and a possibly truncated translation is never sent
as if it were complete (issue 9, sections 8 and 1)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.config.paths import Paths
from app.config.settings import Settings
from app.domain.changes import Changes
from app.domain.models import MessageKind
from app.ops.translation import SEND_BEAM, Preview, TranslationService
from app.storage.store import Store
from app.storage.translation_store import MacroRow
from app.sync.report import SyncReport
from app.translation.pipeline import Provenance
from app.ui.inbox.model import ROW_ROLE
from app.ui.shell.application import CrossDeskApp, LaunchOptions
from app.ui.shell.main_window import MainWindow
from app.ui.translation.held_reply_dialog import HeldReplyDialog
from app.ui.translation.reply_translation import ReplyTranslation
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.customers import lucia
from tests.helpers.translation import Packs
from tests.ui.conftest import SpanishDesk
from tests.ui.helpers import thread_text

pytestmark = pytest.mark.gui


@pytest.fixture
def conversations(repo: Store) -> tuple[int, int]:
    """Two Spanish-speaking customers."""
    agents = add_agents(repo)
    marta = add_conversation(
        repo,
        Conv(
            customer="Marta Ruiz",
            country="ES",
            language="es-ES",
            timezone="Europe/Madrid",
            messages=[(MessageKind.CUSTOMER, "hola, necesito ayuda.")],
            age=9000,
        ),
        agents,
    )
    mexico = add_conversation(
        repo, lucia((MessageKind.CUSTOMER, "gracias por la ayuda."), age=600), agents
    )
    return mexico, marta


@pytest.fixture
def window(conversations: tuple[int, int], spanish_desk: SpanishDesk, qtbot: QtBot) -> MainWindow:
    win = spanish_desk()
    assert win.inbox.select_conversation(conversations[0])
    qtbot.waitUntil(lambda: win.conversation.conversation_id == conversations[0], timeout=5000)
    qtbot.waitUntil(lambda: "GRACIAS POR LA AYUDA." in thread_text(win), timeout=5000)
    return win


def type_and_wait(window: MainWindow, qtbot: QtBot, text: str, preview: str) -> ReplyTranslation:
    """Type a reply and wait for its preview in the customer's language."""
    panel = window.conversation.reply_translation
    window.conversation.composer.editor.setFocus()
    qtbot.keyClicks(window.conversation.composer.editor, text)
    qtbot.waitUntil(lambda: panel.editor.toPlainText() == preview, timeout=5000)
    return panel


def edit_preview(panel: ReplyTranslation, qtbot: QtBot, text: str) -> None:
    """The agent fixes the translation by hand (and waits for its back-translation)."""
    panel.editor.setFocus()
    panel.editor.selectAll()
    qtbot.keyClicks(panel.editor, text)
    back = f"Back-translation: {text.upper()}"
    qtbot.waitUntil(lambda: panel.back.text() == back, timeout=5000)


# ---------------------------------------------------------------------- the edited preview
def test_changing_ones_text_after_editing_the_translation_never_overwrites_the_edit(
    window: MainWindow, qtbot: QtBot, repo: Store, conversations: tuple[int, int]
) -> None:
    composer = window.conversation.composer
    panel = type_and_wait(window, qtbot, "Thanks", "thanks")
    edit_preview(panel, qtbot, "mil gracias")
    count = len(repo.messages.messages(conversations[0]))

    composer.editor.setFocus()
    qtbot.keyClicks(composer.editor, " a lot")
    panel.refresh_now()  # what an attempt to send does: no new machine translation over the edit
    assert panel.editor.toPlainText() == "mil gracias"
    assert "Edited by you" in panel.provenance.text()
    assert panel.warning.isVisible()
    assert panel.warning.text() == "Your text changed after you edited the translation."
    assert panel.regenerate.isVisible()

    qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(repo.messages.messages(conversations[0])) == count  # out of date: not sent
    assert "Your text changed after you edited the translation" in window.conversation.notice.text()
    assert panel.editor.toPlainText() == "mil gracias"

    panel.regenerate.click()  # the agent asks for a new translation of their new text
    qtbot.waitUntil(lambda: panel.editor.toPlainText() == "thanks a lot", timeout=5000)
    assert not panel.warning.isVisible() and not panel.regenerate.isVisible()
    assert "Machine translation" in panel.provenance.text()


def test_editing_the_translation_again_brings_it_up_to_date_and_it_is_sent_as_edited(
    window: MainWindow, qtbot: QtBot, repo: Store, conversations: tuple[int, int]
) -> None:
    composer = window.conversation.composer
    panel = type_and_wait(window, qtbot, "Thanks", "thanks")
    edit_preview(panel, qtbot, "gracias")
    qtbot.keyClicks(composer.editor, " a lot")
    assert panel.stale
    panel.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(panel.editor, " de verdad")
    assert not panel.warning.isVisible()
    composer.request_send()
    sent = repo.messages.messages(conversations[0])[-1]
    assert (sent.body, sent.original_body) == ("gracias de verdad", "Thanks a lot")
    provenance = Provenance.from_json(sent.provenance)
    assert provenance is not None and provenance.kind == "human_edited"


def test_an_edit_made_while_the_better_translation_is_on_its_way_is_kept(
    window: MainWindow, qtbot: QtBot
) -> None:
    panel = type_and_wait(window, qtbot, "See you", "see you")
    edit_preview(panel, qtbot, "hasta pronto")
    panel._start_preview(beam=SEND_BEAM)  # the wider-beam pass started before the edit arrives
    assert panel.editor.toPlainText() == "hasta pronto"
    assert "Edited by you" in panel.provenance.text()


# ---------------------------------------------------------------------- incomplete
@pytest.fixture
def truncating(translation_service: TranslationService, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real preview, flagged as possibly truncated (as the pipeline flags a cut-off one)."""
    real = translation_service.preview

    def preview(*args: object, **kwargs: object) -> Preview:
        made = real(*args, **kwargs)  # type: ignore[arg-type]
        flagged = dataclasses.replace(made.provenance, incomplete=True)
        return dataclasses.replace(made, provenance=flagged)

    monkeypatch.setattr(translation_service, "preview", preview)


@pytest.mark.usefixtures("truncating")
def test_an_incomplete_translation_is_marked_and_blocks_send_until_confirmed(
    window: MainWindow, qtbot: QtBot, repo: Store, conversations: tuple[int, int]
) -> None:
    composer = window.conversation.composer
    panel = type_and_wait(window, qtbot, "Your order ships today", "your order ships today")
    assert panel.warning.isVisible()
    assert panel.warning.text() == (
        "This translation may be incomplete: check it against your text."
    )
    assert "low confidence" in panel.provenance.text()
    assert "high confidence" not in panel.provenance.text()
    assert panel.send_anyway.isVisible()
    count = len(repo.messages.messages(conversations[0]))

    qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(repo.messages.messages(conversations[0])) == count
    notice = window.conversation.notice
    assert notice.isVisible() and "may be incomplete" in notice.text()
    assert "Send anyway" in notice.text()
    composer.request_send()
    assert len(repo.messages.messages(conversations[0])) == count

    panel.send_anyway.click()  # the agent checked it: it goes out, flagged as it was
    sent = repo.messages.messages(conversations[0])[-1]
    assert sent.body == "your order ships today"
    provenance = Provenance.from_json(sent.provenance)
    assert provenance is not None and provenance.kind == "mt" and provenance.incomplete
    assert composer.text() == "" and not notice.isVisible()


@pytest.mark.usefixtures("truncating")
def test_editing_an_incomplete_translation_unblocks_send(
    window: MainWindow, qtbot: QtBot, repo: Store, conversations: tuple[int, int]
) -> None:
    panel = type_and_wait(window, qtbot, "Your order ships today", "your order ships today")
    edit_preview(panel, qtbot, "su pedido sale hoy mismo")
    assert not panel.warning.isVisible() and not panel.send_anyway.isVisible()
    window.conversation.composer.request_send()
    sent = repo.messages.messages(conversations[0])[-1]
    assert sent.body == "su pedido sale hoy mismo"
    provenance = Provenance.from_json(sent.provenance)
    assert provenance is not None and provenance.kind == "human_edited"
    assert not provenance.incomplete


# ---------------------------------------------------------------------- canned replies
def macro_action(window: MainWindow, qtbot: QtBot, repo: Store, title: str, body: str) -> None:
    """Pick the canned reply in the picker (Ctrl+Shift+K), as the agent would."""
    repo.translation.save_macro(MacroRow("m1", title, "en", body), NOW)
    window.conversation.canned.open_picker()
    picker = window.conversation.canned.picker
    qtbot.waitUntil(picker.isVisible, timeout=3000)
    qtbot.keyClicks(picker.search, title)
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)


def test_a_canned_reply_is_inserted_at_the_cursor(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    composer = window.conversation.composer
    qtbot.keyClicks(composer.editor, "Hi Lucia! Best, Mei")
    cursor = composer.editor.textCursor()
    cursor.setPosition(len("Hi Lucia! "))
    composer.editor.setTextCursor(cursor)
    macro_action(window, qtbot, repo, "Thanks for waiting", "Thank you for waiting. ")
    assert composer.text() == "Hi Lucia! Thank you for waiting. Best, Mei"


def test_a_canned_reply_replaces_only_the_selection(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    composer = window.conversation.composer
    qtbot.keyClicks(composer.editor, "Hi Lucia! XXX Best, Mei")
    cursor = composer.editor.textCursor()
    cursor.setPosition(len("Hi Lucia! "))
    cursor.setPosition(len("Hi Lucia! XXX"), QTextCursor.MoveMode.KeepAnchor)
    composer.editor.setTextCursor(cursor)
    macro_action(window, qtbot, repo, "Order {order}", "Your order {order_number} ships today.")
    assert composer.text() == "Hi Lucia! Your order {order_number} ships today. Best, Mei"


# ---------------------------------------------------------------------- other ways to lose work
def test_switching_conversation_mid_edit_keeps_the_draft_and_the_edited_translation(
    window: MainWindow, qtbot: QtBot, conversations: tuple[int, int]
) -> None:
    lucia, marta = conversations
    pane = window.conversation
    panel = type_and_wait(window, qtbot, "Thanks", "thanks")
    edit_preview(panel, qtbot, "mil gracias")

    assert window.inbox.select_conversation(marta)
    qtbot.waitUntil(lambda: pane.detail is not None and pane.detail.row.id == marta, timeout=5000)
    assert pane.composer.text() == "" and panel.editor.toPlainText() == ""

    assert window.inbox.select_conversation(lucia)
    qtbot.waitUntil(lambda: pane.detail is not None and pane.detail.row.id == lucia, timeout=5000)
    assert pane.composer.text() == "Thanks"
    panel.refresh_now()
    assert panel.editor.toPlainText() == "mil gracias"
    assert "Edited by you" in panel.provenance.text()
    assert panel.back.text() == "Back-translation: MIL GRACIAS"
    assert not panel.warning.isVisible()
    out = panel.outgoing("Thanks")
    assert out is not None and out.text == "mil gracias"
    assert out.provenance.kind == "human_edited"


def test_a_sync_refresh_while_typing_keeps_the_composer_and_the_edited_translation(
    window: MainWindow, qtbot: QtBot, repo: Store, conversations: tuple[int, int]
) -> None:
    pane = window.conversation
    panel = type_and_wait(window, qtbot, "Thanks", "thanks")
    edit_preview(panel, qtbot, "mil gracias")
    qtbot.keyClicks(pane.composer.editor, " again")  # not saved yet: within the typing pause
    with repo.transaction():
        repo.messages.add_message(conversations[0], MessageKind.CUSTOMER, "¿y el reembolso?", NOW)
    pulled = Changes.of(conversations[0], list_membership=True, messages=True)
    window._synced(SyncReport(online=True, pulled_messages=1, changes=pulled))
    qtbot.waitUntil(lambda: "¿Y EL REEMBOLSO?" in thread_text(window), timeout=5000)
    assert pane.composer.text() == "Thanks again"
    assert panel.editor.toPlainText() == "mil gracias"
    assert panel.stale  # the agent's text changed after the edit: still marked, still kept


def test_a_held_reply_keeps_the_agents_text_visible(
    window: MainWindow, qtbot: QtBot, repo: Store, conversations: tuple[int, int]
) -> None:
    pane = window.conversation
    qtbot.keyClicks(pane.composer.editor, "We will refund the full amount today.")
    pane.reply_translation.human.click()
    held = repo.messages.messages(conversations[0])[-1]
    assert held.held and held.body == "We will refund the full amount today."
    assert "We will refund the full amount today." in thread_text(window)
    assert pane.composer.text() == ""
    assert pane.reply_translation.editor.toPlainText() == ""


def test_a_held_reply_keeps_the_translation_the_agent_edited_for_the_translator(
    window: MainWindow, qtbot: QtBot, repo: Store, conversations: tuple[int, int]
) -> None:
    pane = window.conversation
    panel = type_and_wait(window, qtbot, "Thanks", "thanks")
    edit_preview(panel, qtbot, "mil gracias")
    qtbot.keyClicks(pane.composer.editor, " a lot")  # out of date now, but still their work
    panel.human.click()

    held = repo.messages.messages(conversations[0])[-1]
    assert held.held and held.original_body == "Thanks a lot"
    assert held.body == "mil gracias"
    provenance = Provenance.from_json(held.provenance)
    assert provenance is not None and provenance.kind == "human_edited"
    assert "Thanks a lot" in thread_text(window)  # the thread shows the agent's words
    assert pane.composer.text() == "" and panel.editor.toPlainText() == ""

    pane.thread_view.held_reply_requested.emit(held.id)  # a colleague opens it to translate
    dialog = pane.findChild(HeldReplyDialog)
    assert dialog is not None
    assert dialog.original.toPlainText() == "Thanks a lot"
    assert dialog.translation.toPlainText() == "mil gracias"  # their starting point
    assert "agent's own edit" in dialog.status.text()
    dialog.translation.setPlainText("muchas gracias")
    dialog.send.click()
    sent = repo.messages.messages(conversations[0])[-1]
    assert sent.id == held.id and not sent.held and sent.body == "muchas gracias"
    released = Provenance.from_json(sent.provenance)
    assert released is not None and released.kind == "human"


def test_a_ui_language_change_keeps_the_draft_and_the_edited_translation(
    qtbot: QtBot, tmp_path: Path, packs: Packs
) -> None:
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    crossdesk = CrossDeskApp(
        qt_app, Paths(tmp_path / "data"), Settings(), LaunchOptions(demo=True, ui_language="en")
    )
    try:
        crossdesk.start()
        crossdesk.translation.engine.install(packs.get("en-es", transform="lower"))
        crossdesk.translation.engine.install(packs.get("es-en", transform="upper"))
        qtbot.waitUntil(
            lambda: crossdesk.window is not None and crossdesk.window.inbox.model.rowCount() > 0,
            timeout=20_000,
        )
        old = crossdesk.window
        assert old is not None
        model = old.inbox.model
        rows = [model.data(model.index(i), ROW_ROLE) for i in range(model.rowCount())]
        spanish = next(r.id for r in rows if r is not None and r.language.startswith("es"))
        assert old.inbox.select_conversation(spanish)
        panel = old.conversation.reply_translation
        qtbot.waitUntil(lambda: old.conversation.conversation_id == spanish, timeout=10_000)
        qtbot.waitUntil(lambda: old.conversation.detail is not None, timeout=10_000)
        qtbot.waitUntil(lambda: panel.active, timeout=10_000)
        old.conversation.composer.editor.setPlainText("Thanks")
        qtbot.waitUntil(lambda: panel.editor.toPlainText() == "thanks", timeout=20_000)
        panel.editor.setPlainText("mil gracias")

        crossdesk.apply_settings(Settings(ui_language="zh_CN"))
        new = crossdesk.window
        assert new is not None and new is not old
        again = new.conversation.reply_translation
        qtbot.waitUntil(lambda: new.conversation.composer.text() == "Thanks", timeout=10_000)
        qtbot.waitUntil(lambda: again.editor.toPlainText() == "mil gracias", timeout=10_000)
        assert again.edited and not again.stale
    finally:
        crossdesk.shutdown()
        if crossdesk.window is not None:
            crossdesk.window.close()
