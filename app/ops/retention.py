"""Retention: resolved conversations older than N days leave this computer, without trace.

N comes from the team's server when signed in (``retention_days`` of ``GET /v1/me``, kept
in the store's meta table by :func:`set_server_days`: it wins, and 0 there means the team
keeps everything) or else from the local setting ``retention_days`` (0: keep everything).
Retention runs on the store lane when a workspace opens and once a day after
(:func:`run_due`); each run purges at most :data:`MAX_PER_RUN` conversations, and a run
that had more to do is due again at once, so a first run on a large store never holds the
store lane for long.

What goes and how: :mod:`app.storage.purge`. A purged conversation stays on the server, and
the sync does not bring it back: its server id and version are remembered
(``remember_purged``), and the mirror skips it while the server's version is the same, in
the incremental feed and in a full re-snapshot alike (its messages are then skipped as
those of an unknown conversation). When it changes on the server (the customer writes
again) it comes back with what the feeds bring from then on; the history older than the
retention is not fetched again (the contract has no per-conversation history read).
"""

from __future__ import annotations

import logging

from app.domain.changes import NOTHING, Changes
from app.storage.purge import (
    SERVER_DAYS_KEY,
    PurgeReport,
    due_for_retention,
    purge_conversations,
    remember_purged,
    scrub,
    set_server_retention,
)
from app.storage.store import Store

log = logging.getLogger(__name__)

DAY = 86_400
MAX_DAYS = 36_500  # as app.config.settings.MAX_RETENTION_DAYS (a hundred years)
MAX_PER_RUN = 5_000  # conversations purged per run (some 1 s on the store lane)
LAST_RUN_KEY = "retention_last_run"  # meta: when retention last finished (epoch seconds)


def set_server_days(store: Store, days: int | None) -> None:
    """Keep the server's retention (None: the server sets none, the local setting rules);
    the sync does the same when it reads ``GET /v1/me`` (``app.sync.server_retention``)."""
    set_server_retention(store, days)


def effective_days(store: Store, local_days: int | None) -> int | None:
    """N in force: the server's when it sets one, else the local setting; None: keep all."""
    server = store.meta.get(SERVER_DAYS_KEY)
    if server is not None and server.isdigit():
        return int(server) or None
    if local_days is None or local_days <= 0:
        return None
    return min(local_days, MAX_DAYS)


def apply_retention(store: Store, now: int, days: int | None) -> Changes:
    """Purge the resolved conversations with no activity for ``days`` days (at most
    :data:`MAX_PER_RUN`); the Changes name them, so the window drops them."""
    if not days or days <= 0:
        return NOTHING
    cutoff = now - min(days, MAX_DAYS) * DAY
    with store.transaction():
        report = purge_conversations(store, due_for_retention(store, cutoff, MAX_PER_RUN))
        remember_purged(store, report.server_versions)  # the sync leaves them on the server
    if not report.conversation_ids:
        return NOTHING
    done = scrub(store, report)
    log.info(
        "retention (%s days): %d conversations, %d rows removed, %d files, vacuum %s, %.2f s",
        days,
        len(report.conversation_ids),
        report.total,
        done.files_deleted,
        done.vacuumed,
        done.seconds,
    )
    return changes_of(report)


def changes_of(report: PurgeReport) -> Changes:
    """What the window refreshes after a purge: the list, the conversations named (an
    open one is gone), menus (tags, customers), team data and reviews if they lost rows."""
    rows = report.rows
    return Changes(
        frozenset(report.conversation_ids),
        list_membership=True,
        messages=True,
        choices=True,
        translation_data=rows.get("translation_memory", 0) > 0,
        reviews=rows.get("reviews", 0) + rows.get("annotations", 0) > 0,
        outbox=False,
    )


def run_due(store: Store, now: int, local_days: int | None, *, force: bool = False) -> Changes:
    """At workspace open and every minute's check: retention if a day has passed since the
    last full run (``force``: now). A failure is logged, not raised (a background chore
    must not put an error in front of the agent every minute); it is tried again tomorrow."""
    last = store.meta.get(LAST_RUN_KEY)
    if not force and last is not None and last.isdigit() and 0 <= now - int(last) < DAY:
        return NOTHING
    days = effective_days(store, local_days)
    try:
        changes = apply_retention(store, now, days)
    except Exception:  # a background chore: logged, never an error dialog every minute
        log.exception("retention failed; it is tried again tomorrow")
        changes = NOTHING
    if len(changes.conversation_ids) < MAX_PER_RUN:  # all done: due again tomorrow
        with store.transaction():
            store.meta.set(LAST_RUN_KEY, str(now))
    return changes
