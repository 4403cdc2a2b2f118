"""Retention against the reference server: the team's N comes from ``GET /v1/me``; a
conversation removed here stays on the server and is not synced back (not even by a full
re-snapshot) until it changes there."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.models import Status
from app.ops import retention
from tests.contract.client import Api
from tests.contract.server import AGENT_ID, AGENT_PASSWORD, RunningServer, reference_config, seed
from tests.helpers.keychain import MemoryKeyring
from tests.sync.harness import Desk, customer_writes

DAY = 86_400


@pytest.fixture
def team(tmp_path: Path) -> Iterator[tuple[RunningServer, Api]]:
    """A reference server whose team keeps conversations on agents' computers 30 days."""
    server = RunningServer(
        reference_config(tmp_path / "server", rate_limit=0, client_retention_days=30)
    ).start()
    try:
        token = seed(server).admin_token
        signer = Api(server.base_url, None)
        answer = signer.post(
            "/v1/auth/token", {"grant_type": "api_token", "api_token": token}, key=None
        )
        signer.close()
        admin = Api(server.base_url, answer.json()["access_token"])
        yield server, admin
        admin.close()
    finally:
        server.stop()


def test_retention_from_the_server_and_no_download_of_what_it_removed(
    tmp_path: Path,
    team: tuple[RunningServer, Api],
    memory_keyring: MemoryKeyring,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, admin = team
    old = admin.new_conversation(body="Quokkaparcel never came")["id"]
    kept = admin.new_conversation(body="Zebrafinch order")["id"]
    desk = Desk.open(
        tmp_path / "desk.sqlite3", server.base_url, agent_id=AGENT_ID, password=AGENT_PASSWORD
    )
    try:
        desk.synced()
        assert desk.runner.store_call(lambda repo: retention.effective_days(repo, 0)) == 30
        desk.set_status(old, Status.RESOLVED)
        desk.synced()  # the resolution is on the server; nothing waits in the outbox
        assert desk.outbox() == []

        local = desk.conversation_id(old)
        later = desk.clock() + 31 * DAY
        gone = desk.runner.store_call(lambda repo: retention.run_due(repo, later, 0))
        assert gone.conversation_ids == {local}
        assert desk.query("SELECT uid FROM conversations") == [(kept,)]
        assert admin.conversation(old).status_code == 200  # still on the server

        third = admin.new_conversation(body="Hello again")["id"]  # the cursors fall behind
        assert admin.post("/v1/admin/compact").status_code == 200  # a 410: full re-snapshot
        with caplog.at_level(logging.INFO, logger="app.sync.engine"):
            desk.synced()
        assert "cursor expired for conversations" in caplog.text
        assert "cursor expired for messages" in caplog.text
        assert sorted(desk.query("SELECT uid FROM conversations")) == sorted([(kept,), (third,)])
        assert desk.query("SELECT count(*) FROM messages WHERE body LIKE 'Quokka%'") == [(0,)]

        customer_writes(admin, old, "Quokkaparcel: any news?")  # it changes on the server
        desk.synced()
        back = sorted(desk.query("SELECT uid FROM conversations"))
        assert back == sorted([(kept,), (third,), (old,)])
        bodies = desk.query(
            "SELECT m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id"
            " WHERE c.uid = ? ORDER BY m.seq",
            (old,),
        )
        assert bodies == [("Quokkaparcel: any news?",)]  # the history past retention stays away
    finally:
        desk.close()
