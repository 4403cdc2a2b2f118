"""A message the backend deleted (moderation) leaves the open thread and the inbox row's
preview at the next sync (real window, real reference server on loopback)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.ui.inbox.model import ROW_ROLE
from app.ui.shell.application import CrossDeskApp
from app.ui.shell.main_window import MainWindow
from tests.contract.client import new_id
from tests.helpers.keychain import MemoryKeyring
from tests.ui.helpers import thread_text
from tests.ui.sync.reference_app import ReferenceServer, open_one_conversation, wait_synced

pytestmark = pytest.mark.gui


def _preview(window: MainWindow) -> str:
    model = window.inbox.model
    return str(model.data(model.index(0), ROW_ROLE).last_message_preview)


def test_the_open_thread_drops_a_deleted_message(
    qtbot: QtBot,
    launch: CrossDeskApp,
    server: ReferenceServer,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    conversation, window = open_one_conversation(
        qtbot, launch, server, "Olá, meu pedido ainda não chegou."
    )
    cid = str(conversation["id"])
    customer = conversation["customer"]
    assert isinstance(customer, dict)
    abusive = new_id("m")
    delivered = server.admin.inbound(
        cid, customer_id=customer["id"], body="Spam spam SPAM", message_id=abusive
    )
    assert delivered.status_code == 201, delivered.text
    wait_synced(qtbot, window)
    qtbot.waitUntil(lambda: "Spam spam SPAM" in thread_text(window), timeout=10_000)
    assert _preview(window) == "Spam spam SPAM"

    removed = server.admin.delete(f"/v1/conversations/{cid}/messages/{abusive}", if_match=None)
    assert removed.status_code == 204, removed.text
    wait_synced(qtbot, window)

    qtbot.waitUntil(lambda: "Spam spam SPAM" not in thread_text(window), timeout=10_000)
    assert "Olá, meu pedido ainda não chegou." in thread_text(window)
    qtbot.waitUntil(lambda: _preview(window) == "Olá, meu pedido ainda não chegou.")
