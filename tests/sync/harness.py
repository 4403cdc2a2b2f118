"""An agent's desk without Qt: a local store bound to a server, its client and engine.

Wired the way the application wires them (``app.ui.shell.application``: ``_make_engine`` and
``mark_server_workspace``): the store marked as a server workspace, tokens in the
keychain (the test's in-memory one), the store lane as the engine's ``store_call``,
and the agent's actions through the same use-cases the window calls.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from app.domain.models import MessageKind, Status
from app.ops import inbox, outbox, reply
from app.ops.reply import Reply
from app.ops.tasks import InlineTaskRunner
from app.storage.store import Store
from app.storage.sync_store import Operation
from app.sync import auth
from app.sync.client import ServerClient
from app.sync.engine import SyncEngine, SyncReport
from tests.contract.client import Api, new_id
from tests.helpers.sql import sql


class Clock:
    """Wall-clock seconds, plus whatever the test adds (retry_later is in whole seconds)."""

    def __init__(self) -> None:
        self.offset = 0

    def __call__(self) -> int:
        return int(time.time()) + self.offset


@dataclass
class SleepLog:
    """The client's ``sleep``: records every wait; really sleeps only when asked to."""

    real: bool = False
    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.real:
            time.sleep(seconds)


def mark_server_workspace(repo: Store, server_url: str, agent_id: str) -> None:
    """What ``app.ui.shell.application.mark_server_workspace`` does, without Qt."""
    outbox.mark_server_workspace(repo, server_url, agent_id, None)


@dataclass
class Desk:
    """One agent's workspace: store, signed-in client and sync engine."""

    path: Path
    url: str
    agent_id: str
    runner: InlineTaskRunner
    client: ServerClient
    engine: SyncEngine
    clock: Clock

    @classmethod
    def open(
        cls,
        path: Path,
        url: str,
        *,
        agent_id: str,
        password: str | None = None,
        api_token: str | None = None,
        sleep: Callable[[float], None] | None = None,
        verify: bool | str = True,
        transport: httpx.BaseTransport | None = None,
    ) -> Desk:
        """Open (or create) the store, bind it to the server, sign in, keep the tokens
        in the keychain, build the engine on the store lane."""
        runner = InlineTaskRunner(lambda: Store.open(path))
        runner.store_call(lambda repo: mark_server_workspace(repo, url, agent_id))
        client = ServerClient(
            url,
            tokens=auth.load(url, agent_id),
            on_tokens=lambda tokens: auth.save(url, agent_id, tokens),
            verify=verify,
            transport=transport,
            sleep=sleep or SleepLog(),
        )
        if client.tokens is None:
            client.sign_in(username=agent_id, password=password, api_token=api_token)
        clock = Clock()
        engine = SyncEngine(client, runner.store_call, clock)
        return cls(path, url, agent_id, runner, client, engine, clock)

    def close(self) -> None:
        self.client.close()
        self.runner.shutdown()

    # ---------------------------------------------------------------- sync
    def sync(self) -> SyncReport:
        return self.engine.sync_once()

    def synced(self) -> SyncReport:
        """A sync cycle that must go through cleanly."""
        report = self.sync()
        assert report.online and report.error is None, report
        return report

    # ---------------------------------------------------------------- the agent's actions
    def conversation_id(self, uid: str) -> int:
        local = self.runner.store_call(lambda repo: repo.conversations.conversation_id_by_uid(uid))
        assert local is not None, f"{uid} is not in the local store"
        return local

    def _me(self, repo: Store) -> int | None:
        agent = repo.conversations.agent_by_uid(self.agent_id)
        return agent.id if agent else None

    def reply(self, uid: str, body: str) -> None:
        """The agent sends a reply (stored, then queued, in one transaction)."""
        local = self.conversation_id(uid)
        self.runner.store_call(
            lambda repo: reply.send(
                repo, local, Reply(MessageKind.AGENT, body), self._me(repo), self.clock()
            )
        )

    def set_status(self, uid: str, status: Status) -> None:
        local = self.conversation_id(uid)
        self.runner.store_call(lambda repo: inbox.set_status(repo, local, status, self.clock()))

    def add_tag(self, uid: str, tag: str) -> None:
        local = self.conversation_id(uid)
        self.runner.store_call(lambda repo: inbox.add_tag(repo, local, tag, self.clock()))

    # ---------------------------------------------------------------- what the store holds
    def query(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self.runner.store_call(lambda repo: sql(repo).execute(statement, params).fetchall())

    def outbox(self) -> list[Operation]:
        return self.runner.store_call(lambda repo: repo.outbox.pending())

    def agent_replies(self, uid: str) -> list[tuple[str, str, str | None]]:
        """(uid, body, delivery) of the agent's replies in a conversation, in local order."""
        return [
            (r[0], r[1], r[2])
            for r in self.query(
                "SELECT m.uid, m.body, m.delivery FROM messages m JOIN conversations c"
                " ON c.id = m.conversation_id WHERE c.uid = ? AND m.kind = 'agent'"
                " ORDER BY m.seq",
                (uid,),
            )
        ]


def integrity(path: Path) -> str:
    """``PRAGMA integrity_check`` on a fresh connection (what a restart would see)."""
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def server_messages(admin: Api, conversation_id: str) -> list[dict[str, Any]]:
    """Every message of a conversation on the server, in its seq order."""
    items: list[dict[str, Any]] = []
    after = 0
    while True:
        response = admin.get(
            f"/v1/conversations/{conversation_id}/messages",
            params={"after_seq": after, "limit": 500},
        )
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        if not page["has_more"]:
            return items
        after = items[-1]["seq"]


def new_conversations(admin: Api, count: int, body: str = "Hello, where is my order?") -> list[str]:
    """``count`` conversations started by customers (inbound channel messages)."""
    return [admin.new_conversation(body=body)["id"] for _ in range(count)]


def customer_writes(admin: Api, conversation_id: str, body: str) -> None:
    """A customer message in an existing conversation (same customer)."""
    current = admin.conversation(conversation_id).json()
    response = admin.inbound(
        conversation_id, customer_id=current["customer"]["id"], body=body, message_id=new_id("m")
    )
    assert response.status_code == 201, response.text
