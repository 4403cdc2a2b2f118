"""The sync engine: push the outbox, then pull the change feeds. Runs on a worker.

Push replays queued operations in order per conversation, each with the
idempotency key it was given when the agent acted, so a retry after a lost
response can never create a second reply. A permanent refusal parks the
operation as "needs attention" and the rest goes on. A 412 is a conflict only if
someone else changed what the agent changed: tag operations and untouched fields
are re-based automatically; a real conflict waits for the agent's decision.

Pull reads each feed from its saved cursor and stores the page and the new
cursor in one transaction; a 410 (expired cursor) re-reads that collection only,
and conversations that snapshot no longer lists (erased while their tombstones
were compacted away) are removed, unless the agent's changes to them are unsent.

All store access goes through ``store_call`` (the store lane): the engine itself
never opens the database, so the store lane stays the only writer.
"""

from __future__ import annotations

import gc
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from app.contract import models as wire
from app.storage import articles, remote
from app.storage.repository import InboxRepository
from app.storage.sync_store import PATCH, SEND, Operation, SyncStore
from app.sync.client import NetworkError, Page, ServerClient, ServerProblemError, retry_delay

log = logging.getLogger(__name__)
T = TypeVar("T")
StoreCall = Callable[[Callable[[InboxRepository], T]], T]

PAGE_SIZE = 500
SENT, REBASED, WAITING = "sent", "rebased", "waiting"  # what pushing one operation did
MAX_PUSH_ROUNDS = 1000
# A failed operation is tried again after retry_delay(attempts): full jitter under 30 s,
# 1, 2, 4... min, at most half an hour (and never sooner than the server's Retry-After).
OUTBOX_BACKOFF_BASE_SECONDS = 30.0
OUTBOX_BACKOFF_CAP_SECONDS = 30 * 60.0

_collector = threading.Lock()
_collector_pauses = 0  # cycles running now
_collector_was_enabled = False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a cycle runs (then as it was).

    A full collection walks every long-lived object of the app (Qt wrappers, pydantic's
    validators: 40-80 ms) holding the GIL, so the window freezes meanwhile; and a pull,
    with the thousands of short-lived objects each page is made of, sets one off every few
    pages. Those are freed by reference counting anyway; the few cycles a sync makes are
    freed by :func:`_collect_young` as it goes, or once it is over.
    """
    global _collector_pauses, _collector_was_enabled
    with _collector:
        if _collector_pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _collector_pauses += 1
    try:
        yield
    finally:
        with _collector:
            _collector_pauses -= 1
            if _collector_pauses == 0 and _collector_was_enabled:
                gc.enable()


def _collect_young() -> None:
    """While collection is paused: collect the youngest objects only (a few milliseconds),
    as each HTTP response, a reference cycle holding the body it read, is garbage."""
    if _collector_pauses and _collector_was_enabled:
        gc.collect(0)


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
    retrying: int = 0  # operations the server failed transiently, waiting for their next try
    retry_attempts: int = 0  # the soonest one's failed tries so far
    next_retry_at: int | None = None  # and when it is tried again
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
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.client = client
        self.store_call = store_call
        self.clock = clock
        self.rand = rand  # the backoff's jitter (tests pin it)
        # During a pull: each conversation's newest message (its seq) as the conversations
        # feed told it, and the conversations whose search document waits for it.
        self._newest: dict[str, int] = {}
        self._unindexed: set[str] = set()

    def sync_once(self) -> SyncReport:
        """Push, then pull; offline is a normal outcome, not an error."""
        pushed = pulled_c = pulled_m = quarantined = 0
        touched: set[int] = set()
        error: str | None = None
        online, signed_out = True, False
        try:
            with _collector_paused():
                pushed = self.push()
                pulled_c, pulled_m, quarantined, touched = self.pull()
        except NetworkError as exc:
            online, error = False, str(exc)
        except ServerProblemError as exc:
            error = str(exc)
            signed_out = exc.status == 401
            online = exc.status < 500 or exc.status == 501
        counts = self.store_call(lambda repo: SyncStore(repo).counts())
        retry = self.store_call(lambda repo: SyncStore(repo).next_retry())
        return SyncReport(
            online,
            pushed,
            pulled_c,
            pulled_m,
            quarantined,
            counts["pending"],
            counts["needs_attention"],
            counts["conflict"],
            retry.waiting if retry else 0,
            retry.attempts if retry else 0,
            retry.at if retry else None,
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
                outcome = self._send(operation)
                sent += outcome == SENT
                progress = progress or outcome != WAITING
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

    def _send(self, op: Operation) -> str:
        """SENT (acknowledged), REBASED (to be sent again now) or WAITING."""
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
                return SENT
            if op.op == PATCH:
                # If-Match is the version the agent saw (or re-based onto), never a newer one
                # a pull brought meanwhile: that would overwrite someone else's change unseen
                version = op.base_version or self._server_version(op.conversation_uid) or 1
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
                return SENT
            self.store_call(lambda repo: SyncStore(repo).park(op.id, f"unknown op {op.op}"))
        except ServerProblemError as problem:
            return self._refused(op, problem)
        return WAITING

    def _refused(self, op: Operation, problem: ServerProblemError) -> str:
        now = self.clock()
        store = self.store_call
        if problem.status == 412 and op.op == PATCH and problem.problem.current:
            try:
                current = wire.Conversation.model_validate(problem.problem.current)
            except ValueError:
                store(lambda repo: SyncStore(repo).park(op.id, "412 without a usable current"))
                return WAITING
            expected = op.payload.get("expected", {})
            others_changed = any(
                getattr(current, field_name) != value for field_name, value in expected.items()
            )
            if others_changed:
                store(lambda repo: self._conflict(repo, op, current, now))
                log.info("conflict on %s: %s", op.conversation_uid, expected)
                return WAITING

            def rebase(repo: InboxRepository) -> None:
                with repo.transaction():
                    repo.conn.execute(
                        "UPDATE conversations SET server_version = ? WHERE uid = ?",
                        (current.version, op.conversation_uid),
                    )
                    SyncStore(repo).rebase(op.id, current.version)

            store(rebase)  # nobody touched what the agent changed: send again on top
            return REBASED
        if problem.status == 401:
            raise problem
        if problem.transient or problem.status >= 500:
            delay = retry_delay(
                op.attempts + 1,
                problem.retry_after,
                base=OUTBOX_BACKOFF_BASE_SECONDS,
                cap=OUTBOX_BACKOFF_CAP_SECONDS,
                rand=self.rand,
            )
            at = now + max(1, math.ceil(delay))  # whole seconds, never this same cycle
            store(lambda repo: SyncStore(repo).retry_later(op.id, at, str(problem)))
            log.info(
                "operation %s failed (try %s): again in %s s", op.id, op.attempts + 1, at - now
            )
            return WAITING
        store(lambda repo: SyncStore(repo).park(op.id, str(problem)))
        log.warning("parked operation %s on %s: %s", op.id, op.conversation_uid, problem)
        return WAITING

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
        self._newest.clear()
        conversations, quarantined = self._feed(
            "conversations", wire.Conversation, self._apply_conversations, touched
        )
        try:
            messages, more = self._feed("messages", wire.Message, self._apply_messages, touched)
        finally:
            self._newest.clear()
            if self._unindexed:  # their last message did not come (an erased one, a failure)
                unindexed, self._unindexed = self._unindexed, set()
                self.store_call(lambda repo: remote.reindex_conversations(repo, unindexed))
        return conversations, messages, quarantined + more + self._pull_articles(), touched

    def _pull_articles(self) -> int:
        """The knowledge feed (a server article overrides the bundled one with its id). A
        backend without it (404) still syncs conversations; returns records quarantined."""
        try:
            _count, quarantined = self._feed("articles", wire.Article, self._apply_articles, set())
        except ServerProblemError as problem:
            if problem.status != 404:
                raise
            log.info("this server has no articles feed")
            return 0
        return quarantined

    def _apply_articles(self, page: Page, collection: str, _touched: set[int]) -> int:
        now = self.clock()

        def write(repo: InboxRepository) -> None:
            with repo.transaction():
                articles.apply_server_page(repo, page.items, [t.id for t in page.deleted])
                SyncStore(repo).set_cursor(collection, page.next_cursor, now)

        self.store_call(write)
        return len(page.items)

    def _feed(
        self,
        collection: str,
        model: type[Any],
        apply: Callable[[Page, str, set[int]], int],
        touched: set[int],
    ) -> tuple[int, int]:
        count = quarantined = 0
        restarted = False
        listed: set[str] | None = None  # during a re-snapshot: every id the server lists
        # The next page is read (on a thread of its own) while this one is stored, and used
        # if the stored cursor is the one it was read from: the server's work and ours
        # overlap, pages are still stored in order, each with its cursor.
        reader = ThreadPoolExecutor(1, thread_name_prefix="crossdesk-sync-read")
        ahead: tuple[str, Future[Page]] | None = None
        try:
            while True:
                cursor = self.store_call(lambda repo: SyncStore(repo).cursor(collection))
                next_page, ahead = ahead, None
                try:
                    if next_page is not None and next_page[0] == cursor:
                        page = next_page[1].result()
                    else:
                        page = self._read(collection, model, cursor)
                except ServerProblemError as problem:
                    if problem.status == 410 and not restarted:
                        restarted = True  # cursor expired: this collection only, from a snapshot
                        listed = set()
                        log.info("cursor expired for %s: re-reading it", collection)
                        self.store_call(lambda repo: remote.forget_collection(repo, collection))
                        continue
                    raise
                if page.has_more and page.next_cursor == cursor:
                    raise ServerProblemError(  # a feed that never advances would loop forever
                        502,
                        wire.Problem(title="Feed does not advance", status=502, code="stuck_feed"),
                        None,
                        None,
                    )
                if listed is not None:  # a quarantined record's id is unknown: prune nothing
                    listed = None if page.quarantined else listed | {item.id for item in page.items}
                if page.has_more:
                    ahead = (
                        page.next_cursor,
                        reader.submit(self._read, collection, model, page.next_cursor),
                    )
                count += apply(page, collection, touched)
                quarantined += page.quarantined
                if not page.has_more:
                    if listed is not None and collection == "conversations":
                        # deletions whose tombstones were compacted away show only as absence
                        self.store_call(
                            lambda repo, kept=listed: remote.keep_listed_conversations(repo, kept)
                        )
                    return count, quarantined
        finally:
            reader.shutdown(wait=False)  # a page read ahead and not used is dropped

    def _read(self, collection: str, model: type[Any], cursor: str | None) -> Page:
        page = self.client.changes(collection, model, cursor, PAGE_SIZE)
        _collect_young()
        return page

    def _apply_conversations(self, page: Page, collection: str, touched: set[int]) -> int:
        now = self.clock()

        def write(repo: InboxRepository) -> set[int]:
            with repo.transaction():
                ids = remote.upsert_conversations(repo, page.items, now)
                remote.remove_conversations(repo, page.deleted)
                SyncStore(repo).set_cursor(collection, page.next_cursor, now)
            return ids

        touched |= self.store_call(write)
        self._newest.update((item.id, item.last_message_seq) for item in page.items)
        return len(page.items)

    def _search_plan(self, messages: list[wire.Message]) -> tuple[set[str], set[str]]:
        """Which conversations' search documents to leave until a later page brings their
        newest message (a document is rewritten whole: once per page would cost each
        conversation as many rewrites as the pages it spans), and which left earlier to
        write now (this page has their newest message)."""
        newest_here: dict[str, int] = {}
        for m in messages:
            newest_here[m.conversation_id] = max(newest_here.get(m.conversation_id, 0), m.seq)
        later = {uid for uid, seq in newest_here.items() if seq < self._newest.get(uid, 0)}
        return later, (self._unindexed & newest_here.keys()) - later

    def _apply_messages(self, page: Page, collection: str, touched: set[int]) -> int:
        now = self.clock()
        later, ready = self._search_plan(page.items)

        def write(repo: InboxRepository) -> tuple[set[str], set[int]]:
            with repo.transaction():
                unknown = remote.upsert_messages(repo, page.items, defer=later | ready)
                remote.reindex_conversations(repo, ready)
                if unknown:  # the cursor waits until their conversations are here
                    return unknown, set()
                SyncStore(repo).set_cursor(collection, page.next_cursor, now)
                ids = remote.conversation_ids(repo, (m.conversation_id for m in page.items))
                return unknown, set(ids.values())

        unknown, ids = self.store_call(write)
        self._unindexed = (self._unindexed - ready) | later
        touched |= ids
        if unknown:  # messages of conversations created after our conversations pull
            fetched = []
            for uid in sorted(unknown):
                try:
                    fetched.append(self.client.conversation(uid)[0])
                except ServerProblemError as problem:  # erased since, or a bogus record:
                    if problem.status != 404 and problem.code != "malformed_response":
                        raise  # its messages are skipped (logged below), the feed goes on
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
                ids = remote.conversation_ids(repo, (m.conversation_id for m in page.items))
                return set(ids.values())

            touched |= self.store_call(write_cursor)
        return len(page.items)

    @staticmethod
    def _write_messages(repo: InboxRepository, messages: list[wire.Message]) -> set[str]:
        return remote.upsert_messages(repo, messages)
