"""The sync engine: push the outbox, then pull the change feeds. Runs on a worker.

Push replays queued operations in order per conversation, each with the
idempotency key it was given when the agent acted, so a retry after a lost
response can never create a second reply. A permanent refusal parks the
operation as "needs attention" and the rest goes on. A 412 is a conflict only if
someone else changed what the agent changed: tag operations and untouched fields
are re-based automatically; a real conflict waits for the agent's decision.

Pull reads each feed from its saved cursor and stores the page and the new
cursor in one transaction; a 410 (expired cursor) re-reads that collection only.

All store access goes through ``store_call`` (the store lane): the engine itself
never opens the database, so the store lane stays the only writer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from app.contract import models as wire
from app.storage import remote
from app.storage.repository import InboxRepository
from app.storage.sync_store import PATCH, SEND, Operation, SyncStore
from app.sync.client import NetworkError, Page, ServerClient, ServerProblemError

log = logging.getLogger(__name__)
T = TypeVar("T")
StoreCall = Callable[[Callable[[InboxRepository], T]], T]

PAGE_SIZE = 500
MAX_PUSH_ROUNDS = 1000
RETRY_LATER_SECONDS = 60


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one sync cycle did, for the status bar."""

    online: bool
    pushed: int = 0
    pulled_conversations: int = 0
    pulled_messages: int = 0
    quarantined: int = 0
    pending: int = 0
    needs_attention: int = 0
    conflicts: int = 0
    error: str | None = None
    signed_out: bool = False
    finished_at: int = 0
    touched: frozenset[int] = frozenset()


class SyncEngine:
    """One signed-in workspace's synchronisation."""

    def __init__(
        self,
        client: ServerClient,
        store_call: StoreCall[Any],
        clock: Callable[[], int] = lambda: int(time.time()),
    ) -> None:
        self.client = client
        self.store_call = store_call
        self.clock = clock

    def sync_once(self) -> SyncReport:
        """Push, then pull; offline is a normal outcome, not an error."""
        pushed = pulled_c = pulled_m = quarantined = 0
        touched: set[int] = set()
        error: str | None = None
        online, signed_out = True, False
        try:
            pushed = self.push()
            pulled_c, pulled_m, quarantined, touched = self.pull()
        except NetworkError as exc:
            online, error = False, str(exc)
        except ServerProblemError as exc:
            error = str(exc)
            signed_out = exc.status == 401
            online = exc.status < 500 or exc.status == 501
        counts = self.store_call(lambda repo: SyncStore(repo).counts())
        return SyncReport(
            online,
            pushed,
            pulled_c,
            pulled_m,
            quarantined,
            counts["pending"],
            counts["needs_attention"],
            counts["conflict"],
            error,
            signed_out,
            self.clock(),
            frozenset(touched),
        )

    # ------------------------------------------------------------------ push
    def push(self) -> int:
        """Send every due operation; returns how many the server acknowledged."""
        sent = 0
        for _ in range(MAX_PUSH_ROUNDS):
            now = self.clock()
            due = self.store_call(lambda repo, now=now: SyncStore(repo).due(now))
            if not due:
                break
            progress = False
            for operation in due:
                if self._send(operation):
                    sent += 1
                    progress = True
            if not progress:
                break
        return sent

    def _server_version(self, conversation_uid: str) -> int | None:
        def read(repo: InboxRepository) -> int | None:
            row = repo.conn.execute(
                "SELECT server_version FROM conversations WHERE uid = ?", (conversation_uid,)
            ).fetchone()
            return row[0] if row else None

        return self.store_call(read)

    def _send(self, op: Operation) -> bool:
        try:
            if op.op == SEND:
                message = self.client.post_message(
                    op.conversation_uid, op.payload, op.idempotency_key
                )

                def ack_message(repo: InboxRepository) -> None:
                    with repo.transaction():
                        remote.acknowledge_message(repo, message)
                        SyncStore(repo).done(op.id)

                self.store_call(ack_message)
                return True
            if op.op == PATCH:
                version = self._server_version(op.conversation_uid) or op.base_version or 1
                body = op.payload["patch"]
                conversation = self.client.patch(
                    op.conversation_uid, body, version, op.idempotency_key
                )
                now = self.clock()

                def ack_patch(repo: InboxRepository) -> None:
                    with repo.transaction():
                        SyncStore(repo).done(op.id)
                        remote.upsert_conversations(repo, [conversation], now)

                self.store_call(ack_patch)
                return True
            self.store_call(lambda repo: SyncStore(repo).park(op.id, f"unknown op {op.op}"))
        except ServerProblemError as problem:
            return self._refused(op, problem)
        return False

    def _refused(self, op: Operation, problem: ServerProblemError) -> bool:
        now = self.clock()
        store = self.store_call
        if problem.status == 412 and op.op == PATCH and problem.problem.current:
            try:
                current = wire.Conversation.model_validate(problem.problem.current)
            except ValueError:
                store(lambda repo: SyncStore(repo).park(op.id, "412 without a usable current"))
                return False
            expected = op.payload.get("expected", {})
            others_changed = any(
                getattr(current, field_name) != value for field_name, value in expected.items()
            )
            if others_changed:
                store(lambda repo: self._conflict(repo, op, current, now))
                log.info("conflict on %s: %s", op.conversation_uid, expected)
                return False

            def rebase(repo: InboxRepository) -> None:
                with repo.transaction():
                    repo.conn.execute(
                        "UPDATE conversations SET server_version = ? WHERE uid = ?",
                        (current.version, op.conversation_uid),
                    )
                    SyncStore(repo).rebase(op.id, current.version)

            store(rebase)  # nobody touched what the agent changed: send again on top
            return True
        if problem.status == 401:
            raise problem
        if problem.transient or problem.status >= 500:
            delay = max(problem.retry_after or 0, RETRY_LATER_SECONDS)
            store(lambda repo: SyncStore(repo).retry_later(op.id, now + int(delay), str(problem)))
            return False
        store(lambda repo: SyncStore(repo).park(op.id, str(problem)))
        log.warning("parked operation %s on %s: %s", op.id, op.conversation_uid, problem)
        return False

    @staticmethod
    def _conflict(
        repo: InboxRepository, op: Operation, current: wire.Conversation, now: int
    ) -> None:
        with repo.transaction():
            SyncStore(repo).mark_conflict(op.id, current.model_dump(mode="json"))
            repo.conn.execute(
                "UPDATE conversations SET server_version = ? WHERE uid = ?",
                (current.version, op.conversation_uid),
            )

    # ------------------------------------------------------------------ pull
    def pull(self) -> tuple[int, int, int, set[int]]:
        """Read the feeds from their cursors; returns counts and the conversations touched."""
        agents = self.client.agents()
        self.store_call(lambda repo: remote.upsert_agents(repo, agents))
        touched: set[int] = set()
        conversations, quarantined = self._feed(
            "conversations", wire.Conversation, self._apply_conversations, touched
        )
        messages, more = self._feed("messages", wire.Message, self._apply_messages, touched)
        return conversations, messages, quarantined + more, touched

    def _feed(
        self,
        collection: str,
        model: type[Any],
        apply: Callable[[Page, str, set[int]], int],
        touched: set[int],
    ) -> tuple[int, int]:
        count = quarantined = 0
        restarted = False
        while True:
            cursor = self.store_call(lambda repo: SyncStore(repo).cursor(collection))
            try:
                page = self.client.changes(collection, model, cursor, PAGE_SIZE)
            except ServerProblemError as problem:
                if problem.status == 410 and not restarted:
                    restarted = True  # cursor expired: this collection only, from a snapshot
                    log.info("cursor expired for %s: re-reading it", collection)
                    self.store_call(lambda repo: remote.forget_collection(repo, collection))
                    continue
                raise
            count += apply(page, collection, touched)
            quarantined += page.quarantined
            if not page.has_more:
                return count, quarantined

    def _apply_conversations(self, page: Page, collection: str, touched: set[int]) -> int:
        now = self.clock()

        def write(repo: InboxRepository) -> set[int]:
            with repo.transaction():
                ids = remote.upsert_conversations(repo, page.items, now)
                remote.remove_conversations(repo, page.deleted)
                SyncStore(repo).set_cursor(collection, page.next_cursor, now)
            return ids

        touched |= self.store_call(write)
        return len(page.items)

    def _apply_messages(self, page: Page, collection: str, touched: set[int]) -> int:
        now = self.clock()
        unknown = self.store_call(lambda repo: self._write_messages(repo, page.items))
        if unknown:  # messages of conversations created after our conversations pull
            fetched = [self.client.conversation(uid)[0] for uid in sorted(unknown)]
            self.store_call(lambda repo: remote.upsert_conversations(repo, fetched, now))
            still = self.store_call(
                lambda repo: self._write_messages(
                    repo, [m for m in page.items if m.conversation_id in unknown]
                )
            )
            if still:
                log.warning("messages for unknown conversations skipped: %s", sorted(still))

        def write_cursor(repo: InboxRepository) -> set[int]:
            with repo.transaction():
                SyncStore(repo).set_cursor(collection, page.next_cursor, now)
            return {
                cid
                for m in page.items
                if (cid := repo.conversation_id_by_uid(m.conversation_id)) is not None
            }

        touched |= self.store_call(write_cursor)
        return len(page.items)

    @staticmethod
    def _write_messages(repo: InboxRepository, messages: list[wire.Message]) -> set[str]:
        return remote.upsert_messages(repo, messages)
