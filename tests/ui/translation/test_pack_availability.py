"""Said up front: when no pack can translate the reply, the composer says so before the
agent types (with the pack manager one click away), and the pack manager lists the pairs
this inbox needs, with their conversation counts, most needed first."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.models import MessageKind
from app.ops import packs as pack_ops
from app.ops.translation import TranslationService
from app.storage.store import Store
from app.ui.shell.main_window import MainWindow
from app.ui.translation.packs_dialog import DownloadDialog, PackManagerDialog
from tests.helpers.builders import Conv, add_agents, add_conversation
from tests.helpers.customers import lucia
from tests.helpers.loopback_http import serving_files
from tests.helpers.translation import Packs
from tests.ui.conftest import SpanishDesk
from tests.ui.helpers import visible_names

pytestmark = pytest.mark.gui


def japanese(name: str) -> Conv:
    return Conv(
        customer=name,
        country="JP",
        language="ja-JP",
        timezone="Asia/Tokyo",
        messages=[(MessageKind.CUSTOMER, "注文はどこですか")],
    )


@pytest.fixture
def window(repo: Store, spanish_desk: SpanishDesk, qtbot: QtBot) -> MainWindow:
    agents = add_agents(repo)
    add_conversation(repo, lucia((MessageKind.CUSTOMER, "hola, ¿dónde está mi pedido?")), agents)
    for name in ("山本 健", "佐藤 花子", "鈴木 一郎"):
        add_conversation(repo, japanese(name), agents)
    german = Conv(customer="Jonas Weber", country="DE", language="de-DE", timezone="Europe/Berlin")
    german.messages = [(MessageKind.CUSTOMER, "Wo ist meine Bestellung?")]
    add_conversation(repo, german, agents)
    win = spanish_desk()
    qtbot.waitUntil(lambda: "山本 健" in visible_names(win), timeout=5000)
    return win


def open_named(window: MainWindow, qtbot: QtBot, name: str) -> None:
    window.inbox.select_row(visible_names(window).index(name))
    qtbot.waitUntil(
        lambda: (
            window.conversation.detail is not None
            and window.conversation.detail.customer.name == name
        ),
        timeout=5000,
    )


def test_no_pack_is_said_before_typing_with_the_pack_manager_at_hand(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    open_named(window, qtbot, "山本 健")
    panel = window.conversation.reply_translation
    qtbot.waitUntil(lambda: panel.no_route is not None, timeout=5000)
    assert panel.title.text() == (
        "No pack can translate your reply into Japanese (Japan) yet: install one, or send"
        " without translation."
    )
    assert "will be translated" not in panel.title.text()
    assert panel.packs_link.isVisible()
    composer = window.conversation.composer
    composer.editor.setFocus()
    qtbot.keyClicks(composer.editor, "Your order ships today")
    qtbot.waitUntil(lambda: panel.problem is not None, timeout=5000)
    assert not panel.editor.isVisible()  # no empty preview box, no "Translating…"
    assert panel.status.text() == ""
    assert panel.title.text().startswith("No pack can translate your reply")
    cid = window.conversation.conversation_id
    assert cid is not None
    count = len(repo.messages.messages(cid))
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(repo.messages.messages(cid)) == count  # not sent untranslated by surprise
    assert composer.text() == "Your order ships today"  # nothing lost
    panel.untranslated.setChecked(True)  # the way out the title names
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert repo.messages.messages(cid)[-1].body == "Your order ships today"

    with qtbot.waitSignal(window.conversation.packs_requested, timeout=2000):
        qtbot.mouseClick(panel.packs_link, Qt.MouseButton.LeftButton)
    dialogs = window.findChildren(PackManagerDialog)
    assert dialogs and dialogs[-1].isVisible()


def test_spanish_with_its_packs_promises_the_translation(window: MainWindow, qtbot: QtBot) -> None:
    open_named(window, qtbot, "Lucía García")
    panel = window.conversation.reply_translation
    assert panel.no_route is None
    assert panel.title.text() == "Your reply will be translated into Spanish (Mexico)."
    assert not panel.packs_link.isVisible()


def test_the_pack_manager_lists_what_this_inbox_needs(
    window: MainWindow, qtbot: QtBot, packs: Packs
) -> None:
    open_named(window, qtbot, "山本 健")
    dialog = window.open_packs()
    qtbot.waitUntil(lambda: dialog.needed.count() == 4, timeout=5000)
    rows = [dialog.needed.item(i).text() for i in range(dialog.needed.count())]
    assert rows == [
        "Japanese → English: 3 conversations",
        "English → Japanese: 3 conversations",
        "German → English: 1 conversation",
        "English → German: 1 conversation",
    ]  # Spanish has its packs: not listed
    dialog.install(packs.get("en-ja", transform="lower"))
    qtbot.waitUntil(lambda: dialog.needed.count() == 3, timeout=10000)
    assert "English → Japanese" not in [dialog.needed.item(i).text() for i in range(3)]
    panel = window.conversation.reply_translation  # the open conversation learns it too
    qtbot.waitUntil(lambda: panel.no_route is None, timeout=5000)
    assert panel.title.text() == "Your reply will be translated into Japanese (Japan)."


def test_needed_pairs_skip_the_agents_own_language_and_unknown_ones(
    repo: Store, translation_service: TranslationService
) -> None:
    agents = add_agents(repo)
    add_conversation(repo, Conv(language="en-GB"), agents)
    add_conversation(repo, Conv(language="und"), agents)
    add_conversation(repo, japanese("A"), agents)
    got = pack_ops.needed_pairs(repo, translation_service, "en")
    assert [(p.source, p.target, p.conversations) for p in got] == [
        ("ja", "en", 1),
        ("en", "ja", 1),
    ]


def test_a_needed_pair_opens_the_download_with_that_pair_chosen(
    window: MainWindow, qtbot: QtBot
) -> None:
    index = [
        {
            "type": "translate",
            "from_code": code_from,
            "to_code": code_to,
            "package_version": "1.1",
            "links": [f"https://packs.example/translate-{code_from}_{code_to}-1_1.argosmodel"],
        }
        for code_from, code_to in (("de", "en"), ("en", "de"), ("ja", "en"), ("en", "ja"))
    ]

    with serving_files({"/index.json": json.dumps(index).encode()}) as server:
        packs_dialog = window.open_packs()
        qtbot.waitUntil(lambda: packs_dialog.needed.count() == 4, timeout=5000)
        first = packs_dialog.needed.item(0)
        assert first.text() == "Japanese → English: 3 conversations"
        packs_dialog.needed.itemActivated.emit(first)
        download = packs_dialog.findChildren(DownloadDialog)[-1]
        assert download.wanted == ("ja", "en")
        download.load_catalogue(f"{server}/index.json")
        assert download.catalogue.currentText() == "Japanese → English (1.1)"
        assert download.url.text() == "https://packs.example/translate-ja_en-1_1.argosmodel"
        download.close()
