"""Removing conversations with every trace: retention and a data subject's erasure.

:func:`purge_conversations` removes, in one transaction, the conversations and all that
hangs off them: messages, events, tag links, drafts, @mentions, reviews, annotations,
survey answers and attachment rows (``ON DELETE CASCADE`` from ``conversations``), the
conversations merged into them, their search documents, their queued outbox operations,
the tags no kept conversation carries, the cached machine translations of their texts (the
cache key starts with a digest of the text:
:func:`app.storage.translation_store.text_digest`), the translation memory entries a
lead made from their texts (when no kept message has the same text) and the customers
left without a conversation (their notes go by cascade). The attachment files no row
keeps any more are listed for :func:`scrub`, which runs after the commit.

"No trace" needs more than DELETE: the workspace connections run with ``PRAGMA
secure_delete = ON`` (freed space is zeroed, see ``app.storage.db``); FTS5 keeps deleted
terms in its segment b-trees until they are merged, so :func:`scrub` runs the index's
``optimize``; the WAL still holds the pages as they were, so it is checkpointed and
truncated; and a store written before secure delete was on is vacuumed once (its free
pages may still hold older text).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.storage.attachments import AttachmentRepository
from app.storage.link import Link
from app.storage.sqlite import sqlite3
from app.storage.translation_store import text_digest

if TYPE_CHECKING:
    from app.storage.store import Store

log = logging.getLogger(__name__)

_CHUNK = 500
# Tables whose rows go with their conversation (ON DELETE CASCADE), counted for the report.
CASCADED = (
    "messages",
    "conversation_events",
    "conversation_tags",
    "drafts",
    "mentions",
    "reviews",
    "annotations",
    "survey_answers",
    "attachments",
)
# meta: set once this store was vacuumed with secure delete on (older free pages are gone)
SCRUBBED_KEY = "secure_delete_vacuumed"
# A VACUUM rewrites the whole file: done when a purge freed at least this share of it
VACUUM_FREE_SHARE = 0.25
SERVER_DAYS_KEY = "retention_days_server"  # meta: the server's retention ("0": keep all)
PURGED_KEY = "retention_purged"  # meta: JSON {server id: version} that retention removed
MAX_REMEMBERED = 50_000  # of those (some 2 MB of meta at most)


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """What a purge removed: local ids, server ids, rows per table, files to delete."""

    conversation_ids: tuple[int, ...] = ()
    conversation_uids: tuple[str, ...] = ()
    customer_ids: tuple[int, ...] = ()
    rows: Mapping[str, int] = field(default_factory=dict)
    files: tuple[Path, ...] = ()
    server_versions: Mapping[str, int] = field(default_factory=dict)  # uid -> version synced

    @property
    def total(self) -> int:
        """Rows removed in all tables."""
        return sum(self.rows.values())


@dataclass(frozen=True, slots=True)
class ScrubReport:
    """What :func:`scrub` did after a purge's commit (for the log and the tests)."""

    files_deleted: int = 0
    fts_optimized: bool = False
    checkpointed: bool = False  # False: a reader kept the WAL (it is truncated next time)
    vacuumed: bool = False
    seconds: float = 0.0


def set_server_retention(link_or_store: Link | Store, days: int | None) -> None:
    """The team's retention from the server (GET /v1/me): None, the server sets none."""
    shown = "" if days is None else str(max(0, min(int(days), 36_500)))
    link = _link_of(link_or_store)
    with link.transaction():
        link.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (SERVER_DAYS_KEY, shown),
        )


def remember_purged(link_or_store: Link | Store, versions: Mapping[str, int]) -> None:
    """Retention removed these server conversations (server id -> the version synced): the
    sync does not bring them back unless they change on the server (see :func:`skips`).
    The newest :data:`MAX_REMEMBERED` are kept (server ids only, nothing of their content)."""
    if not versions:
        return
    link = _link_of(link_or_store)
    known = purged_versions(link)
    known.update(versions)
    kept = dict(list(known.items())[-MAX_REMEMBERED:])
    with link.transaction():
        _save_purged(link, kept)


def purged_versions(link_or_store: Link | Store) -> dict[str, int]:
    """Server id -> version of the conversations retention removed (see remember_purged)."""
    row = (
        _link_of(link_or_store)
        .conn.execute("SELECT value FROM meta WHERE key = ?", (PURGED_KEY,))
        .fetchone()
    )
    try:
        loaded = json.loads(row[0]) if row else {}
    except ValueError:  # a damaged value: forget it (at worst a conversation comes back)
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {str(k): v for k, v in loaded.items() if isinstance(v, int)}


def skips(link: Link, known: dict[str, int], uid: str, version: int) -> bool:
    """Whether the server's conversation ``uid`` at ``version`` stays away: retention removed
    it and it has not changed since. A newer version comes back (and is forgotten here)."""
    removed_at = known.get(uid)
    if removed_at is None:
        return False
    if version <= removed_at:
        return True
    del known[uid]
    _save_purged(link, known)
    return False


def _save_purged(link: Link, known: Mapping[str, int]) -> None:
    link.conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (PURGED_KEY, json.dumps(known, separators=(",", ":"))),
    )


def due_for_retention(link_or_store: Link | Store, cutoff: int, limit: int) -> list[int]:
    """Resolved conversations whose last activity and resolution are both before
    ``cutoff``, oldest first, at most ``limit``. Kept: one the agent still has changes to
    send for (the outbox), and one merged into another (it goes with that one)."""
    return [
        int(r[0])
        for r in _link_of(link_or_store).conn.execute(
            "SELECT c.id FROM conversations c WHERE c.status = 'resolved'"
            " AND c.merged_into IS NULL AND max(c.last_activity_at, coalesce(c.resolved_at, 0)) < ?"
            " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.conversation_uid = c.uid)"
            " ORDER BY c.last_activity_at LIMIT ?",
            (cutoff, limit),
        )
    ]


def _link_of(link_or_store: Link | Store) -> Link:
    # Store keeps its Link private to app.storage; this module is part of it.
    return link_or_store if isinstance(link_or_store, Link) else link_or_store._link


def purge_conversations(
    link_or_store: Link | Store,
    conversation_ids: Iterable[int],
    *,
    drop_orphan_customers: bool = True,
) -> PurgeReport:
    """Remove these conversations with every trace (see the module docstring); unknown
    ids are ignored. One transaction, a savepoint inside the caller's: nothing is removed
    unless all is. Files are not deleted here: ``report.files``, for :func:`scrub`."""
    link = _link_of(link_or_store)
    conn = link.conn
    wanted = sorted({int(i) for i in conversation_ids})
    if not wanted:
        return PurgeReport()
    conn.execute("PRAGMA secure_delete = ON")  # a connection not opened by app.storage.db
    with link.transaction():
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS purge_ids (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM temp.purge_ids")
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            conn.execute(
                "INSERT OR IGNORE INTO temp.purge_ids (id) SELECT id FROM conversations"
                f" WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        # The conversations merged into one that goes are part of it (their rows stay,
        # hidden, for an undo); all the way down a chain of merges.
        conn.execute(
            "INSERT OR IGNORE INTO temp.purge_ids (id) WITH RECURSIVE absorbed(id) AS ("
            " SELECT id FROM temp.purge_ids UNION SELECT c.id FROM conversations c"
            " JOIN absorbed a ON c.merged_into = a.id) SELECT id FROM absorbed"
        )
        report = _purge_marked(link, drop_orphan_customers)
        conn.execute("DELETE FROM temp.purge_ids")
    return report


def _purge_marked(link: Link, drop_orphan_customers: bool) -> PurgeReport:
    conn = link.conn
    heads = conn.execute(
        "SELECT c.id, c.uid, c.customer_id, c.server_version FROM conversations c"
        " JOIN temp.purge_ids p ON p.id = c.id ORDER BY c.id"
    ).fetchall()
    if not heads:
        return PurgeReport()
    rows: dict[str, int] = {"conversations": len(heads)}
    for table in CASCADED:
        rows[table] = int(
            conn.execute(
                f"SELECT count(*) FROM {table} WHERE conversation_id IN"
                " (SELECT id FROM temp.purge_ids)"
            ).fetchone()[0]
        )
    texts: set[str] = set()
    message_uids: list[str] = []
    for uid, body, original in conn.execute(
        "SELECT uid, body, original_body FROM messages WHERE conversation_id IN"
        " (SELECT id FROM temp.purge_ids)"
    ):
        message_uids.append(uid)
        texts.add(body)
        if original:
            texts.add(original)
    hashes = {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT sha256 FROM attachments WHERE stored_path IS NOT NULL"
            " AND conversation_id IN (SELECT id FROM temp.purge_ids)"
        )
    }
    tag_ids = [
        int(r[0])
        for r in conn.execute(
            "SELECT DISTINCT tag_id FROM conversation_tags WHERE conversation_id IN"
            " (SELECT id FROM temp.purge_ids)"
        )
    ]
    uids = [str(h[1]) for h in heads]
    rows["outbox"] = _delete_outbox(conn, uids, message_uids)
    link.search_for = None  # a cached search may name them
    rows["conversations_fts"] = conn.execute(
        "DELETE FROM conversations_fts WHERE rowid IN (SELECT id FROM temp.purge_ids)"
    ).rowcount
    # Absorbed ones first (nothing refers to them then), in one statement: the cascade
    # and the KPI / heat map triggers do the rest.
    conn.execute(
        "UPDATE conversations SET merged_into = NULL WHERE id IN (SELECT id FROM temp.purge_ids)"
    )
    conn.execute("DELETE FROM conversations WHERE id IN (SELECT id FROM temp.purge_ids)")
    rows["tags"] = sum(  # a tag no kept conversation carries (its name may be personal)
        conn.execute(
            "DELETE FROM tags WHERE id = ? AND NOT EXISTS"
            " (SELECT 1 FROM conversation_tags WHERE tag_id = ?)",
            (tag_id, tag_id),
        ).rowcount
        for tag_id in tag_ids
    )
    rows["translation_cache"] = _delete_cached(conn, texts)
    rows["translation_memory"] = _delete_memory(conn, texts)
    customers: tuple[int, ...] = ()
    rows["customer_notes"] = 0
    if drop_orphan_customers:
        customers, rows["customer_notes"] = _delete_orphans(conn, {int(h[2]) for h in heads})
    rows["customers"] = len(customers)
    return PurgeReport(
        conversation_ids=tuple(int(h[0]) for h in heads),
        conversation_uids=tuple(uids),
        customer_ids=customers,
        rows=rows,
        files=_unkept_files(link, hashes),
        server_versions={str(h[1]): int(h[3]) for h in heads if h[3] is not None},
    )


def _delete_outbox(conn: sqlite3.Connection, uids: list[str], message_uids: list[str]) -> int:
    """Queued operations of the conversations (their payloads carry its text)."""
    removed = 0
    for column, values in (("conversation_uid", uids), ("message_uid", message_uids)):
        for start in range(0, len(values), _CHUNK):
            chunk = values[start : start + _CHUNK]
            removed += conn.execute(
                f"DELETE FROM outbox WHERE {column} IN ({','.join('?' * len(chunk))})", chunk
            ).rowcount
    return removed


def _delete_cached(conn: sqlite3.Connection, texts: set[str]) -> int:
    """Cached translations of these texts (a key range per text), and every key written
    before keys began with the text's digest: nothing ties those to a text, and no lookup
    can find them any more (the cache refills as conversations are read)."""
    removed = conn.execute("DELETE FROM translation_cache WHERE instr(key, ':') = 0").rowcount
    for text in texts:
        prefix = text_digest(text)
        removed += conn.execute(
            "DELETE FROM translation_cache WHERE key >= ? AND key < ?",
            (prefix + ":", prefix + ";"),  # ';' follows ':'
        ).rowcount
    return removed


def _delete_memory(conn: sqlite3.Connection, texts: set[str]) -> int:
    """A lead's approved translations whose source is one of these texts (a correction
    promoted from a review of the message), unless a kept message has the same text.
    Macro-made entries are the team's own words: they stay."""
    found = [
        (int(r[0]), str(r[1]))
        for r in conn.execute(
            "SELECT id, source_text FROM translation_memory WHERE origin <> 'macro'"
        )
        if r[1] in texts
    ]
    removed = 0
    for memory_id, text in found:
        kept = conn.execute(
            "SELECT 1 FROM messages WHERE body = ? OR original_body = ? LIMIT 1", (text, text)
        ).fetchone()
        if kept is None:
            removed += conn.execute(
                "DELETE FROM translation_memory WHERE id = ?", (memory_id,)
            ).rowcount
    return removed


def _delete_orphans(
    conn: sqlite3.Connection, customer_ids: set[int]
) -> tuple[tuple[int, ...], int]:
    """The customers of the purged conversations who have none left (and to whom no other
    customer was merged, nor any other row refers): their name, handles and notes go.
    Returns their ids and how many notes went with them."""
    removed: list[int] = []
    notes = 0
    for customer_id in sorted(customer_ids):
        if conn.execute(
            "SELECT 1 FROM conversations WHERE customer_id = ? UNION ALL"
            " SELECT 1 FROM customers WHERE merged_into = ? LIMIT 1",
            (customer_id, customer_id),
        ).fetchone():
            continue
        conn.execute("SAVEPOINT purge_customer")
        try:
            held = conn.execute(
                "SELECT count(*) FROM customer_notes WHERE customer_id = ?", (customer_id,)
            ).fetchone()[0]
            conn.execute("DELETE FROM customers WHERE id = ?", (customer_id,))
        except sqlite3.IntegrityError:  # a row of another area still names them: kept
            conn.execute("ROLLBACK TO purge_customer")
            log.info("customer %s kept: another record refers to them", customer_id)
        else:
            removed.append(customer_id)
            notes += int(held)
        conn.execute("RELEASE purge_customer")
    return tuple(removed), notes


def _unkept_files(link: Link, hashes: set[str]) -> tuple[Path, ...]:
    """The purged attachments' files that no remaining row keeps (content-addressed: the
    same file sent in a kept conversation stays)."""
    if not hashes:
        return ()
    repo = AttachmentRepository(link)
    if repo.folder is None:
        return ()
    files: list[Path] = []
    for sha in sorted(hashes):
        kept = link.conn.execute(
            "SELECT 1 FROM attachments WHERE sha256 = ? AND stored_path IS NOT NULL LIMIT 1",
            (sha,),
        ).fetchone()
        if kept is None:
            try:
                files.append(repo.path_of(sha))
            except ValueError:  # not a hash this store could have written: no file
                continue
    return tuple(files)


def scrub(link_or_store: Link | Store, report: PurgeReport) -> ScrubReport:
    """After the purge's commit (outside any transaction): delete its files, merge the
    search index so deleted terms are gone from it, vacuum when worth it (or when the store
    predates secure delete), then checkpoint and truncate the WAL."""
    link = _link_of(link_or_store)
    conn = link.conn
    if conn.in_transaction:
        raise RuntimeError("scrub runs after the purge's transaction is committed")
    started = time.perf_counter()
    deleted = 0
    for path in report.files:
        try:
            if path.is_file() and not path.is_symlink():
                path.unlink()
                deleted += 1
        except OSError:  # kept by the OS (a viewer has it open): the next sweep takes it
            log.warning("attachment file not deleted: %s", path.name, exc_info=True)
    if not report.conversation_ids:
        return ScrubReport(files_deleted=deleted, seconds=time.perf_counter() - started)
    conn.execute("PRAGMA secure_delete = ON")
    with link.transaction():
        conn.execute("INSERT INTO conversations_fts (conversations_fts) VALUES ('optimize')")
    vacuumed = _vacuum_if_worth_it(conn)
    busy, _log_frames, _moved = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return ScrubReport(
        files_deleted=deleted,
        fts_optimized=True,
        checkpointed=busy == 0,
        vacuumed=vacuumed,
        seconds=time.perf_counter() - started,
    )


def _vacuum_if_worth_it(conn: sqlite3.Connection) -> bool:
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
    done = conn.execute("SELECT 1 FROM meta WHERE key = ?", (SCRUBBED_KEY,)).fetchone()
    if done is not None and (pages == 0 or free / pages < VACUUM_FREE_SHARE):
        return False
    conn.execute("VACUUM")
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT(key) DO NOTHING",
        (SCRUBBED_KEY,),
    )
    return True
