"""End to end against the reference server: a team lead signed in to the real app opens an
erasure request for a Brazilian customer (LGPD, 15 days shown), exports their data (one
zip: JSON with the conversation and the request, a PDF, a manifest), erases them from the
queue; their conversation leaves the inbox, the next sync asks the server, the server
forgets them, and the request's row says the server erased them too."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.server import auth
from app.ui.privacy.install import PrivacyRoom
from app.ui.shell.application import CrossDeskApp
from tests.helpers.keychain import MemoryKeyring
from tests.ui.helpers import thread_text
from tests.ui.sync.reference_app import ReferenceServer, wait_synced

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support raise")]

LEAD_ID = "privacy-lead"
LEAD_PASSWORD = "correct horse battery staple 17"


def add_lead(server: ReferenceServer) -> None:
    """A team lead who signs in with a password (leads and admins may erase)."""
    assert server.running is not None
    state = server.running.state
    with state.db.write() as conn:
        auth.create_account(
            conn,
            account_id=LEAD_ID,
            name="Privacy Lead",
            roles=["lead"],
            now=state.now(),
            password=LEAD_PASSWORD,
            languages=["en"],
        )


def test_a_lead_exports_then_erases_a_customer_here_and_on_the_server(
    qtbot: QtBot,
    memory_keyring: MemoryKeyring,
    launch: CrossDeskApp,
    server: ReferenceServer,
    tmp_path: Path,
) -> None:
    add_lead(server)
    conversation = server.admin.new_conversation(
        customer_id="cust-ana-erase", body="Please delete my data."
    )
    dialog = launch.open_sign_in()
    assert dialog is not None
    dialog.url.setText(server.base_url)
    dialog.username.setText(LEAD_ID)
    dialog.password.setText(LEAD_PASSWORD)
    dialog.submit()
    qtbot.waitUntil(
        lambda: launch.window is not None and launch.window.sync is not None, timeout=20_000
    )
    window = launch.window
    assert window is not None
    qtbot.waitUntil(lambda: window.inbox.model.rowCount() == 1, timeout=30_000)
    window.inbox.select_row(0)
    qtbot.waitUntil(lambda: "Please delete my data." in thread_text(window), timeout=10_000)
    room = window.privacy
    assert isinstance(room, PrivacyRoom)

    request = room.request_for_open()
    assert request is not None
    qtbot.waitUntil(lambda: request.ok_button.isEnabled(), timeout=20_000)
    assert "LGPD" in request.law.text()
    assert "(15 days)" in request.due.text()
    request.kind.setCurrentIndex(request.kind.findData("erase"))
    with qtbot.waitSignal(request.opened, timeout=10_000):
        request.ok_button.click()

    view = room.open_queue()
    qtbot.waitUntil(lambda: len(view.rows) == 1, timeout=10_000)
    view.select(view.rows[0].uid)
    # Export first (what the customer may ask for before being forgotten): one zip.
    view.choose_path = lambda name: tmp_path / name  # the file dialog's answer
    view.export()
    qtbot.waitUntil(lambda: view.notice.text().startswith("Exported to "), timeout=20_000)
    [archive] = tmp_path.glob("cust-ana-erase-data-*.zip")
    with zipfile.ZipFile(archive) as opened:
        assert {"customer.json", "customer.pdf", "manifest.json"} <= set(opened.namelist())
        exported = json.loads(opened.read("customer.json"))
    [held] = exported["conversations"]
    assert [m["body"] for m in held["messages"]] == ["Please delete my data."]
    [asked] = exported["data_requests"]
    assert asked["kind"] == "erase" and "LGPD" in json.dumps(asked, ensure_ascii=False)
    erase = view.erase()
    assert erase is not None
    qtbot.keyClicks(erase.typed, "Ana Souza")
    erase.erase_button.click()
    qtbot.waitUntil(lambda: window.inbox.model.rowCount() == 0, timeout=15_000)
    wait_synced(qtbot, window)
    qtbot.waitUntil(
        lambda: server.admin.conversation(str(conversation["id"])).status_code == 404,
        timeout=30_000,
    )
    view.refresh()
    qtbot.waitUntil(
        lambda: (
            (item := view.table.item(0, 5)) is not None
            and item.text().endswith("· erased on the server too")
        ),
        timeout=15_000,
    )
