"""What the agent sees and does with translation: incoming, replies, holds, packs, memory."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QUrl
from pytestqt.qtbot import QtBot

from app.ops import inbox
from app.ops.translation import TranslationService
from app.storage.store import Store
from app.storage.translation_store import MacroRow, MemoryRow
from app.translation.pipeline import Provenance
from app.ui.conversation.thread_view import FLIP_SCHEME, HELD_SCHEME
from app.ui.shell.main_window import MainWindow
from app.ui.translation.held_reply_dialog import HeldReplyDialog
from app.ui.translation.packs_dialog import PackManagerDialog
from tests.helpers.builders import NOW, add_agents, add_conversation
from tests.helpers.customers import lucia_asks_for_her_order
from tests.helpers.fixtures import ContextFactory
from tests.helpers.loopback_http import serving_files
from tests.helpers.translation import Packs
from tests.ui.conftest import SpanishDesk, WindowFactory
from tests.ui.helpers import thread_text

pytestmark = pytest.mark.gui


@pytest.fixture
def conversation(repo: Store) -> int:
    return add_conversation(repo, lucia_asks_for_her_order(), add_agents(repo))


@pytest.fixture
def window(conversation: int, spanish_desk: SpanishDesk, qtbot: QtBot) -> MainWindow:
    win = spanish_desk()
    qtbot.waitUntil(lambda: "GRACIAS POR LA AYUDA." in thread_text(win), timeout=5000)
    return win


def test_customer_messages_are_shown_translated_with_their_origin(
    window: MainWindow, repo: Store, conversation: int
) -> None:
    text = thread_text(window)
    assert "HOLA, ¿DÓNDE ESTÁ MI PEDIDO LM-2026-104233?" in text
    assert "Machine translation (offline) · high confidence" in text
    assert "packs" not in text and "es-en" not in text  # the route is for the tooltip
    assert "hola, ¿dónde" not in text  # the original is one click away
    detected = {m.detected_language for m in repo.messages.messages(conversation)}
    assert detected == {"es"}


def test_the_original_is_one_click_away(window: MainWindow) -> None:
    thread = window.conversation.thread_view
    first = thread.messages[0].id
    thread.anchorClicked.emit(QUrl(f"{FLIP_SCHEME}:{first}"))
    text = thread_text(window)
    assert "hola, ¿dónde está mi pedido LM-2026-104233?" in text
    assert "Show translation" in text
    thread.anchorClicked.emit(QUrl(f"{FLIP_SCHEME}:{first}"))
    assert "HOLA, ¿DÓNDE" in thread_text(window)


def test_reopening_uses_the_cache(
    window: MainWindow,
    repo: Store,
    conversation: int,
    translation_service: TranslationService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert repo.translation.cache_size() == 2
    window.conversation.show_conversation(None)

    def no_model(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a cached translation was computed again")

    monkeypatch.setattr(translation_service.engine, "translate", no_model)
    window.conversation.show_conversation(conversation)
    assert "GRACIAS POR LA AYUDA." in thread_text(window)  # from the cache, at once


def test_a_reply_is_previewed_back_translated_and_sent_exactly_as_shown(
    window: MainWindow, qtbot: QtBot, repo: Store, conversation: int
) -> None:
    composer = window.conversation.composer
    panel = window.conversation.reply_translation
    assert panel.isVisible()
    assert panel.title.text() == "Your reply will be translated into Spanish (Mexico)."
    assert not panel.editor.isVisible()  # collapsed until there is something to translate
    composer.editor.setFocus()
    qtbot.keyClicks(composer.editor, "Your ORDER Ships Today")
    assert panel.title.text() == "The customer will read (Spanish (Mexico)):"
    qtbot.waitUntil(lambda: panel.editor.toPlainText() == "your order ships today", timeout=5000)
    assert panel.back.text() == "Back-translation: YOUR ORDER SHIPS TODAY"
    assert panel.provenance.text().startswith("Machine translation (offline)")
    assert "English → Spanish" in panel.provenance.toolTip()
    assert "Language packs: en → es 1.0" in panel.provenance.toolTip()
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    sent = repo.messages.messages(conversation)[-1]
    assert (sent.body, sent.original_body) == ("your order ships today", "Your ORDER Ships Today")
    assert (sent.language, sent.original_language) == ("es-MX", "en")
    assert Provenance.from_json(sent.provenance).kind == "mt"  # type: ignore[union-attr]
    assert composer.text() == ""
    assert "Show your words" in thread_text(window)


def test_an_edited_preview_is_sent_as_edited_and_labelled(
    window: MainWindow, qtbot: QtBot, repo: Store, conversation: int
) -> None:
    composer = window.conversation.composer
    panel = window.conversation.reply_translation
    qtbot.keyClicks(composer.editor, "Thanks")
    qtbot.waitUntil(lambda: panel.editor.toPlainText() == "thanks", timeout=5000)
    panel.editor.setPlainText("¡Muchas gracias!")
    qtbot.waitUntil(lambda: panel.back.text() == "Back-translation: ¡MUCHAS GRACIAS!", timeout=5000)
    composer.request_send()
    sent = repo.messages.messages(conversation)[-1]
    assert sent.body == "¡Muchas gracias!"
    assert Provenance.from_json(sent.provenance).kind == "human_edited"  # type: ignore[union-attr]


def test_sending_before_the_preview_is_ready_is_refused_with_a_reason(
    window: MainWindow, qtbot: QtBot, repo: Store, conversation: int
) -> None:
    composer = window.conversation.composer
    count = len(repo.messages.messages(conversation))
    composer.editor.setPlainText("Hello there")
    composer.request_send()  # within the typing pause: no preview yet
    assert len(repo.messages.messages(conversation)) == count
    assert "not ready yet" in window.conversation.notice.text()
    assert composer.text() == "Hello there"


def test_send_without_translation(
    window: MainWindow, qtbot: QtBot, repo: Store, conversation: int
) -> None:
    panel = window.conversation.reply_translation
    panel.untranslated.setChecked(True)
    window.conversation.composer.editor.setPlainText("Hello Lucía!")
    window.conversation.composer.request_send()
    sent = repo.messages.messages(conversation)[-1]
    assert (sent.body, sent.language) == ("Hello Lucía!", "en")
    assert Provenance.from_json(sent.provenance).kind == "untranslated"  # type: ignore[union-attr]


def test_needs_human_translation_holds_the_reply_until_a_colleague_translates_it(
    window: MainWindow, qtbot: QtBot, repo: Store, conversation: int
) -> None:
    window.conversation.composer.editor.setPlainText("We will refund the full amount.")
    window.conversation.reply_translation.human.click()
    held = repo.messages.messages(conversation)[-1]
    assert held.held and held.original_body == "We will refund the full amount."
    assert "needs-human-translation" in repo.conversations.conversation_row(conversation).tags
    assert "Not sent yet — waiting for a translator" in thread_text(window)
    window.conversation.thread_view.anchorClicked.emit(QUrl(f"{HELD_SCHEME}:{held.id}"))
    dialog = window.conversation.findChild(HeldReplyDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.suggest.click()
    assert dialog.translation.toPlainText() == "we will refund the full amount."
    dialog.translation.setPlainText("Le reembolsaremos el importe completo.")
    dialog.send.click()
    sent = repo.messages.messages(conversation)[-1]
    assert not sent.held and sent.body == "Le reembolsaremos el importe completo."
    assert "Human translation" in thread_text(window)


def test_a_canned_reply_gets_its_approved_translation(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    store = repo.translation
    store.save_macro(MacroRow("m1", "Thanks for waiting", "en", "Thank you for waiting."), NOW)
    store.save_memory(
        MemoryRow("", "en", "es", "Thank you for waiting.", "Gracias por esperar.", "macro", "m1"),
        NOW,
    )
    window._ctx.translation.load_team_data(repo)
    window.conversation.canned.open_picker()  # the canned-reply picker (Ctrl+Shift+K)
    picker = window.conversation.canned.picker
    qtbot.waitUntil(picker.isVisible, timeout=3000)
    qtbot.keyClicks(picker.search, "Thanks for waiting")
    picker.choose()
    panel = window.conversation.reply_translation
    qtbot.waitUntil(lambda: panel.editor.toPlainText() == "Gracias por esperar.", timeout=5000)
    assert panel.provenance.text() == "From translation memory (100% match)"


def test_without_a_pack_the_agent_is_told_what_to_install(
    conversation: int,
    open_window: WindowFactory,
    make_ctx: ContextFactory,
    translation_service: TranslationService,
    qtbot: QtBot,
) -> None:
    window = open_window(ctx=make_ctx(translation=translation_service, agent_language="zh"))
    banner = window.conversation.banner_text
    expected = "Messages are shown as written. No Spanish → Chinese language pack is installed."
    qtbot.waitUntil(lambda: banner.text() == expected, timeout=5000)
    assert window.conversation.translation_banner.isVisible()
    assert "hola, ¿dónde está mi pedido" in thread_text(window)  # shown as written, not faked
    assert "Translating…" not in thread_text(window) and "Not translated" not in thread_text(window)
    panel = window.conversation.reply_translation
    window.conversation.composer.editor.setPlainText("你好")
    qtbot.waitUntil(lambda: panel.problem is not None, timeout=5000)
    # Said up front in the title (not promised, then failed after typing).
    assert panel.title.text().startswith("No pack can translate your reply into Spanish")
    assert panel.status.text() == ""  # not said twice
    assert "No Chinese → Spanish language pack is installed." in panel.problem  # type: ignore[operator]


def test_the_pack_manager_installs_lists_and_removes(
    conversation: int,
    open_window: WindowFactory,
    make_ctx: ContextFactory,
    translation_service: TranslationService,
    packs: Packs,
    qtbot: QtBot,
) -> None:
    window = open_window(ctx=make_ctx(translation=translation_service, agent_language="en"))
    dialog = window.open_packs()
    assert isinstance(dialog, PackManagerDialog)
    assert dialog.table.rowCount() == 0
    with qtbot.waitSignal(dialog.changed, timeout=5000):
        dialog.install(packs.get("es-en", transform="upper"))
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == "Spanish → English"
    assert dialog.table.item(0, 1).text() == "1.0"
    qtbot.waitUntil(lambda: "GRACIAS POR LA AYUDA." in thread_text(window), timeout=5000)
    dialog.install(packs.get("es-en", transform="upper").parent / "missing.argosmodel")
    assert dialog.status.text().startswith("Not done:")
    assert dialog.table.rowCount() == 1
    dialog.table.selectRow(0)
    with qtbot.waitSignal(dialog.changed, timeout=5000):
        dialog.remove_button.click()
    assert dialog.table.rowCount() == 0
    dialog.close()


def test_the_agent_can_override_the_conversation_language(
    window: MainWindow, qtbot: QtBot, repo: Store, conversation: int
) -> None:
    window.conversation.set_language("pt-BR")
    assert inbox.conversation_detail(repo, conversation).language_override == "pt-BR"
    qtbot.waitUntil(
        lambda: (
            "No Portuguese → English language pack is installed."
            in window.conversation.banner_text.text()
        ),
        timeout=5000,
    )
    assert window.conversation.header.language_button.text().startswith("Portuguese (Brazil)")
    window.conversation.set_language(None)
    qtbot.waitUntil(lambda: "GRACIAS POR LA AYUDA." in thread_text(window), timeout=5000)
    assert not window.conversation.translation_banner.isVisible()


def test_glossary_and_memory_are_edited_in_dialogs_and_used_at_once(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    glossary = window.open_glossary()
    glossary.add_row(["Aurora", "", "", "", "product"])
    with qtbot.waitSignal(glossary.saved, timeout=5000):
        glossary.save()
    assert [r.term for r in repo.translation.glossary()] == ["Aurora"]
    memory = window.open_memory()
    memory.add_row(["en", "es", "See you soon", "Hasta pronto", "lead"])
    with qtbot.waitSignal(memory.saved, timeout=5000):
        memory.save()
    panel = window.conversation.reply_translation
    window.conversation.composer.editor.setPlainText("see you soon!")
    qtbot.waitUntil(lambda: panel.editor.toPlainText() == "Hasta pronto", timeout=5000)
    window.conversation.composer.editor.setPlainText("the aurora lamp")
    qtbot.waitUntil(lambda: panel.editor.toPlainText() == "the aurora lamp", timeout=5000)
    reopened = window.open_memory()
    assert reopened.table.rowCount() == 1
    reopened.table.selectRow(0)
    reopened._remove_selected()
    with qtbot.waitSignal(reopened.saved, timeout=5000):
        reopened.save()
    assert repo.translation.memory() == []


def test_a_pack_without_a_sentence_model_translates_at_once(
    conversation: int,
    open_window: WindowFactory,
    make_ctx: ContextFactory,
    translation_service: TranslationService,
    packs: Packs,
    qtbot: QtBot,
) -> None:
    """Official Argos packs carry no MiniSBD model; CrossDesk splits sentences itself, so the
    pack translates as installed and the pack manager asks for nothing more."""
    translation_service.engine.install(packs.get("es-en", transform="upper", with_sbd=False))
    window = open_window(ctx=make_ctx(translation=translation_service, agent_language="en"))
    qtbot.waitUntil(lambda: "GRACIAS POR LA AYUDA." in thread_text(window), timeout=5000)
    dialog = window.open_packs()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=5000)
    assert dialog.table.columnCount() == 3  # languages, version, size: no sentence model
    dialog.close()


def test_the_download_dialog_lists_an_index_when_asked(
    open_window: WindowFactory,
    make_ctx: ContextFactory,
    translation_service: TranslationService,
    qtbot: QtBot,
) -> None:
    import json

    from app.ui.translation.packs_dialog import DownloadDialog

    index = [
        {
            "type": "translate",
            "from_code": "es",
            "to_code": "en",
            "package_version": "1.9",
            "links": ["https://packs.example/translate-es_en-1_9.argosmodel"],
        }
    ]

    with serving_files({"/index.json": json.dumps(index).encode()}) as server:
        window = open_window(ctx=make_ctx(translation=translation_service))
        dialog = DownloadDialog(window._ctx, window)
        assert not dialog.catalogue.isEnabled()  # nothing is fetched until asked
        dialog.load_catalogue(f"{server}/index.json")
        assert dialog.catalogue.itemText(0) == "Spanish → English (1.9)"
        assert dialog.url.text() == "https://packs.example/translate-es_en-1_9.argosmodel"
        assert "publishes no checksum" in dialog.catalogue_note.text()
        dialog.close()
