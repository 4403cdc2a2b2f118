"""An administrator reads the review audit log in the app (View → Audit log…): the
entries the reference server recorded, page by page, as plain text; an agent's token is
told it may not; the entry is offered to administrators only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.domain.review import Role
from app.ops import review
from app.storage.store import Store
from app.sync import audit
from app.sync.client import ServerClient
from app.ui.review.audit_dialog import AuditDialog
from app.ui.shell.main_window import MainWindow
from tests.contract.client import Api, new_id
from tests.contract.server import AGENT_ID, AGENT_PASSWORD, RunningServer, reference_config, seed
from tests.helpers.builders import add_agents
from tests.ui.conftest import WindowFactory

pytestmark = pytest.mark.gui


class Server:
    def __init__(self, data: Path) -> None:
        self.running = RunningServer(reference_config(data, rate_limit=0)).start()
        self.url = self.running.base_url
        self.token = seed(self.running).admin_token
        self.admin = Api(self.url, self.token)
        self.clients: list[ServerClient] = []

    def client(self, **credentials: str) -> ServerClient:
        client = ServerClient(self.url, tokens=None, on_tokens=lambda _tokens: None)
        client.sign_in(**credentials)
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.admin.close()
        self.running.stop()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path / "server")
    yield running
    running.close()


def _reviews_of_the_agents_work(server: Server, count: int) -> str:
    conversation = server.admin.new_conversation(body="Mein Paket ist nicht angekommen")
    path = f"/v1/conversations/{conversation['id']}"
    assert server.admin.patch(path, {"assignee_id": AGENT_ID}, if_match="*").status_code == 200
    for _ in range(count):
        body = {"conversation_id": conversation["id"], "scores": {}, "comment": "Too slow"}
        assert server.admin.put(f"/v1/reviews/{new_id('rev')}", body).status_code == 201
    return str(conversation["id"])


def _cells(dialog: AuditDialog) -> list[list[str]]:
    table = dialog.table
    rows = []
    for r in range(table.rowCount()):
        items = [table.item(r, c) for c in range(table.columnCount())]
        rows.append([item.text() if item is not None else "" for item in items])
    return rows


def test_an_admin_reads_the_log_page_by_page(
    server: Server, window: MainWindow, qtbot: QtBot
) -> None:
    conversation_id = _reviews_of_the_agents_work(server, 3)
    client = server.client(api_token=server.token)
    dialog = AuditDialog(window._ctx, lambda since: audit.read_page(client, since, limit=2), window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)
    qtbot.waitUntil(lambda: dialog.more_button.isEnabled(), timeout=5_000)
    dialog.more_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 3 and not dialog.loading, timeout=10_000)
    assert not dialog.more_button.isEnabled()
    rows = _cells(dialog)
    assert {tuple(r[1:6]) for r in rows} == {
        ("conformance-admin", "admin", "Wrote a review", conversation_id, AGENT_ID)
    }
    assert all(r[0] for r in rows)  # a date and time
    assert dialog.status.text() == "3 entries, oldest first."
    assert "Too slow" not in str(rows) and "Paket" not in str(rows)


def test_an_agent_is_told_only_administrators_read_it(
    server: Server, window: MainWindow, qtbot: QtBot
) -> None:
    client = server.client(username=AGENT_ID, password=AGENT_PASSWORD)
    dialog = AuditDialog(window._ctx, lambda since: audit.read_page(client, since), window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10_000)
    assert dialog.status.text() == "Only administrators can read the audit log."
    assert dialog.table.rowCount() == 0


def _desk(repo: Store, open_window: WindowFactory, qtbot: QtBot, role: Role) -> MainWindow:
    agents = add_agents(repo)
    review.set_roles(repo, agents["me"], [role])
    shown = open_window()
    if role is Role.ADMIN:
        qtbot.waitUntil(lambda: shown.review.audit.is_admin, timeout=5_000)
    return shown


def test_the_menu_offers_it_to_administrators_only(
    repo: Store, open_window: WindowFactory, qtbot: QtBot
) -> None:
    window = _desk(repo, open_window, qtbot, Role.ADMIN)
    entry = window.review.audit
    assert entry.action.isEnabled() and entry.action.text() == "Audit log…"
    dialog = entry.open()  # a workspace that syncs with no server
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert "sign in" in dialog.status.text() and dialog.table.rowCount() == 0


def test_a_lead_does_not_get_the_entry(
    repo: Store, open_window: WindowFactory, qtbot: QtBot
) -> None:
    window = _desk(repo, open_window, qtbot, Role.LEAD)
    qtbot.waitUntil(lambda: window.review.is_lead, timeout=5_000)
    entry = window.review.audit
    assert not entry.action.isEnabled() and entry.open() is None
    assert entry.action.toolTip() == "Only administrators read the audit log."
