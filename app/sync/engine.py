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

import logging
import math
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from typing import Any, TypeVar

from app.contract import models as wire
from app.domain import collector
from app.domain.cancel import CancelToken
from app.domain.changes import ChangeLog, Changes
from app.domain.message_templates import MessageTemplate
from app.storage.store import Store
from app.storage.sync_store import PATCH, SEND, Operation
from app.sync import attachments, choices, message_tombstones, privacy, reviews, training
from app.sync.client import NetworkError, Page, ServerClient, ServerProblemError, retry_delay
from app.sync.report import Outcome, SyncReport
from app.sync.server_retention import pull_once as pull_server_retention

log = logging.getLogger(__name__)
T = TypeVar("T")
StoreCall = Callable[[Callable[[Store], T]], T]

PAGE_SIZE = 500


MAX_PUSH_ROUNDS = 1000
# A failed operation is tried again after retry_delay(attempts): full jitter under 30 s,
# 1, 2, 4... min, at most half an hour (and never sooner than the server's Retry-After).
OUTBOX_BACKOFF_BASE_SECONDS = 30.0
OUTBOX_BACKOFF_CAP_SECONDS = 30 * 60.0


def _read_ahead(read: Callable[[], Page]) -> Future[Page]:
    """Read the next page on a daemon thread of its own: unlike a thread pool's, it is
    not joined at exit, so a read stuck on a hung server never keeps a quitting
    process alive; it ends with its request (the client's timeout)."""
    future: Future[Page] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(read())
        except BaseException as exc:  # handed to whoever waits for the page
            future.set_exception(exc)

    threading.Thread(target=run, name="crossdesk-sync-read", daemon=True).start()
    return future


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
        self._token = CancelToken()
        self._log = ChangeLog()
        self._menus = choices.MenuValues()  # what the filter menus offer, as seen so far
        # Conversation uid -> "customer typing until" (the backend's indicator): ephemeral,
        # kept here and reported, never stored.
        self._typing: dict[str, int] = {}

    def sync_once(self, token: CancelToken | None = None) -> SyncReport:
        """Push, then pull; offline is a normal outcome, not an error.

        ``token`` (the task runner's) is checked between operations and pages: a cancelled
        cycle (the workspace closing) raises ``TaskCancelledError`` at the next step."""
        self._token = token or CancelToken()
        self._log = ChangeLog()
        pushed = pulled_c = pulled_m = quarantined = 0
        error: str | None = None
        online, signed_out = True, False
        try:
            with collector.paused():
                pushed = self.push()
                pulled_c, pulled_m, quarantined, _touched = self.pull()
        except NetworkError as exc:
            online, error = False, str(exc)
        except ServerProblemError as exc:
            error = str(exc)
            signed_out = exc.status == 401
            online = exc.status < 500 or exc.status == 501
        counts = self.store_call(lambda repo: repo.outbox.counts())
        retry = self.store_call(lambda repo: repo.outbox.next_retry())
        return SyncReport(
            online,
            pushed=pushed,
            pulled_conversations=pulled_c,
            pulled_messages=pulled_m,
            quarantined=quarantined,
            pending=counts["pending"],
            needs_attention=counts["needs_attention"],
            conflicts=counts["conflict"],
            retrying=retry.waiting if retry else 0,
            retry_attempts=retry.attempts if retry else 0,
            next_retry_at=retry.at if retry else None,
            error=error,
            signed_out=signed_out,
            finished_at=self.clock(),
            changes=self._log.changes(),
            typing=self._typing_now(),
        )

    # ------------------------------------------------------------------ push
    def push(self) -> int:
        """Send every due operation; returns how many the server acknowledged."""
        sent = 0
        reviews.collect(self)  # the lead's review edits join the outbox
        training.collect(self)  # so do the training records
        for _ in range(MAX_PUSH_ROUNDS):
            now = self.clock()
            due = self.store_call(lambda repo: repo.outbox.due(now))  # noqa: B023 - run at once
            if not due:
                break
            progress = False
            for operation in due:
                self._token.raise_if_cancelled()
                outcome = self._send(operation)
                sent += outcome is Outcome.SENT
                progress = progress or outcome is not Outcome.WAITING
            if not progress:
                break
        return sent

    def _server_version(self, conversation_uid: str) -> int | None:
        return self.store_call(lambda store: store.remote.server_version(conversation_uid))

    def _send(self, op: Operation) -> Outcome:
        """What the server did with it (see :class:`Outcome`)."""
        try:
            if op.op in reviews.OPS:
                return reviews.send(self, op)
            if op.op in training.OPS:
                return training.send(self, op)
            if op.op in privacy.OPS:  # a customer's erasure (contract 1.2)
                return privacy.send(self, op)
            if op.op == SEND:
                message = self.client.post_message(
                    op.conversation_uid,
                    attachments.payload_with_files(self.client, self.store_call, op),
                    op.idempotency_key,
                )

                def ack_message(repo: Store) -> int | None:
                    with repo.transaction():
                        repo.remote.acknowledge_message(message)
                        repo.outbox.done(op.id)
                    return repo.conversations.conversation_id_by_uid(op.conversation_uid)

                local = self.store_call(ack_message)  # its "queued" mark goes
                self._log.mark(*(() if local is None else (local,)), messages=True)
                return Outcome.SENT
            if op.op == PATCH:
                # If-Match is the version the agent saw (or re-based onto), never a newer one
                # a pull brought meanwhile: that would overwrite someone else's change unseen
                version = op.base_version or self._server_version(op.conversation_uid) or 1
                body = op.payload["patch"]
                conversation = self.client.patch(
                    op.conversation_uid, body, version, op.idempotency_key
                )
                now = self.clock()

                def ack_patch(repo: Store) -> set[int]:
                    with repo.transaction():
                        repo.outbox.done(op.id)
                        return repo.remote.upsert_conversations([conversation], now)

                self._log.mark(*self.store_call(ack_patch))  # the server's version of it
                return Outcome.SENT
            self.store_call(lambda repo: repo.outbox.park(op.id, f"unknown op {op.op}"))
        except ServerProblemError as problem:
            return self._refused(op, problem)
        return Outcome.WAITING

    def _refused(self, op: Operation, problem: ServerProblemError) -> Outcome:
        now = self.clock()
        # parked or retrying (a 412 below: in conflict, or re-based and sent again)
        self._log.mark(sync_problems=problem.status not in (401, 412))
        store = self.store_call
        if problem.status == 412 and op.op == PATCH and problem.problem.current:
            try:
                current = wire.Conversation.model_validate(problem.problem.current)
            except ValueError:
                store(lambda repo: repo.outbox.park(op.id, "412 without a usable current"))
                self._log.mark(sync_problems=True)
                return Outcome.WAITING
            expected = op.payload.get("expected", {})
            others_changed = any(
                getattr(current, field_name) != value for field_name, value in expected.items()
            )
            if others_changed:
                store(lambda repo: self._conflict(repo, op, current, now))
                self._log.mark(sync_problems=True)
                log.info("conflict on %s: %s", op.conversation_uid, expected)
                return Outcome.WAITING

            def rebase(repo: Store) -> None:
                with repo.transaction():
                    repo.remote.set_server_version(op.conversation_uid, current.version)
                    repo.outbox.rebase(op.id, current.version)

            store(rebase)  # nobody touched what the agent changed: send again on top
            return Outcome.REBASED
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
            store(lambda repo: repo.outbox.retry_later(op.id, at, str(problem)))
            log.info(
                "operation %s failed (try %s): again in %s s", op.id, op.attempts + 1, at - now
            )
            return Outcome.WAITING
        store(lambda repo: repo.outbox.park(op.id, str(problem)))
        log.warning("parked operation %s on %s: %s", op.id, op.conversation_uid, problem)
        return Outcome.WAITING

    @staticmethod
    def _conflict(repo: Store, op: Operation, current: wire.Conversation, now: int) -> None:
        with repo.transaction():
            repo.outbox.mark_conflict(op.id, current.model_dump(mode="json"))
            repo.remote.set_server_version(op.conversation_uid, current.version)

    # ------------------------------------------------------------------ pull
    def pull(self) -> tuple[int, int, int, set[int]]:
        """Read the feeds from their cursors; returns counts and the conversations touched."""
        agents = self.client.agents()
        pull_server_retention(self)  # GET /v1/me's retention_days, once per opening

        def store_agents(repo: Store) -> bool:
            renamed = choices.new_agents(repo, agents)
            repo.remote.upsert_agents(agents)
            repo.remote_reviews.set_roles({a.id: a.roles for a in agents})  # from the server
            return renamed

        self._log.mark(choices=self.store_call(store_agents))
        touched = self._log.conversation_ids  # shared: kept if the pull stops half-way
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
                self.store_call(lambda repo: repo.remote.reindex_conversations(unindexed))
        self._pull_templates()
        quarantined += more + self._pull_articles() + reviews.pull(self, touched)
        quarantined += training.pull(self)
        return conversations, messages, quarantined, touched

    def _pull_templates(self) -> None:
        """The approved message templates replace the local list (a backend without them,
        404, keeps what the workspace has)."""
        try:
            items = self.client.templates()
        except ServerProblemError as problem:
            if problem.status != 404:
                raise
            return
        now = self.clock()
        found = templates_from_wire(items)
        self._log.mark(choices=self.store_call(lambda repo: repo.templates.replace_all(found, now)))

    def fetch_attachment(self, attachment_id: int) -> Changes:
        """A received file, fetched when the thread needs it (app.sync.attachments.fetch)."""
        return attachments.fetch(self.client, self.store_call, attachment_id)

    def _typing_now(self) -> tuple[tuple[str, int], ...]:
        now = self.clock()
        for uid in [uid for uid, until in self._typing.items() if until <= now]:
            del self._typing[uid]
        return tuple(self._typing.items())

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
        self._log.mark(articles=bool(page.items or page.deleted))

        def write(repo: Store) -> None:
            with repo.transaction():
                repo.articles.apply_server_page(page.items, [t.id for t in page.deleted])
                repo.outbox.set_cursor(collection, page.next_cursor, now)

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
        ahead: tuple[str, Future[Page]] | None = None
        try:
            while True:
                self._token.raise_if_cancelled()
                cursor = self.store_call(lambda repo: repo.outbox.cursor(collection))
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
                        self.store_call(lambda repo: repo.remote.forget_collection(collection))
                        self._log.mark(list_membership=True, choices=True)
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
                        _read_ahead(partial(self._read, collection, model, page.next_cursor)),
                    )
                count += apply(page, collection, touched)
                quarantined += page.quarantined
                if not page.has_more:
                    if listed is not None:  # deletions whose tombstones were compacted away
                        message_tombstones.keep_listed(
                            self.store_call, self._log, collection, listed
                        )
                    return count, quarantined
        finally:
            if ahead is not None:  # a page read ahead and not used is dropped
                ahead[1].cancel()

    def _read(self, collection: str, model: type[Any], cursor: str | None) -> Page:
        page = self.client.changes(collection, model, cursor, PAGE_SIZE)
        collector.collect_young()
        return page

    def _apply_conversations(self, page: Page, collection: str, touched: set[int]) -> int:
        now = self.clock()
        self._log.mark(list_membership=bool(page.items or page.deleted), choices=bool(page.deleted))

        def write(repo: Store) -> set[int]:
            self._menus.load(repo)  # before the first page is stored
            with repo.transaction():
                ids = repo.remote.upsert_conversations(page.items, now)
                repo.remote.remove_conversations(page.deleted)
                repo.outbox.set_cursor(collection, page.next_cursor, now)
            return ids

        touched |= self.store_call(write)
        self._log.mark(choices=self._menus.brings_new(page.items))
        for item in page.items:
            if item.customer_typing_until is not None:
                self._typing[item.id] = item.customer_typing_until
            else:
                self._typing.pop(item.id, None)
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
        stored = bool(page.items or page.deleted)
        self._log.mark(list_membership=stored, messages=stored)
        later, ready = self._search_plan(page.items)

        def write(repo: Store) -> tuple[set[str], set[int]]:
            with repo.transaction():
                unknown = repo.remote.upsert_messages(page.items, defer=later | ready)
                repo.remote.reindex_conversations(ready)
                gone = repo.remote.remove_messages(page.deleted)  # single messages deleted
                if unknown:  # the cursor waits until their conversations are here
                    return unknown, gone
                repo.outbox.set_cursor(collection, page.next_cursor, now)
                ids = repo.remote.conversation_ids(m.conversation_id for m in page.items)
                return unknown, set(ids.values()) | gone

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
            self.store_call(lambda repo: repo.remote.upsert_conversations(fetched, now))
            still = self.store_call(
                lambda repo: self._write_messages(
                    repo, [m for m in page.items if m.conversation_id in unknown]
                )
            )
            if still:
                log.warning("messages for unknown conversations skipped: %s", sorted(still))

            def write_cursor(repo: Store) -> set[int]:
                with repo.transaction():
                    repo.outbox.set_cursor(collection, page.next_cursor, now)
                ids = repo.remote.conversation_ids(m.conversation_id for m in page.items)
                return set(ids.values())

            touched |= self.store_call(write_cursor)
        return len(page.items)

    @staticmethod
    def _write_messages(repo: Store, messages: list[wire.Message]) -> set[str]:
        return repo.remote.upsert_messages(messages)


def templates_from_wire(items: list[wire.MessageTemplate]) -> list[MessageTemplate]:
    """The server's templates as the store keeps them."""
    return [
        MessageTemplate(t.id, t.name, t.channel, t.language, t.body, tuple(t.variables))
        for t in items
    ]
