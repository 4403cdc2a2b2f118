"""What to notify the agent of, decided without Qt (the UI in :mod:`app.ui.notify` shows it).

Four kinds, as Slack, Zendesk or Outlook would tell an agent: a conversation newly assigned
to me by someone else (a colleague, routing), a customer message in my conversations, an SLA
about to end on one of my open conversations, and a reply I held for a human translator sent
by the colleague who translated it. Never for my own actions, never for the conversation I
am looking at, never for history: a :class:`Notifier` keeps watermarks (local row ids) and
takes a fresh baseline until the workspace's first sync has gone through, so the snapshot of
a new workspace fires nothing. A burst is coalesced ("5 new messages from 2 customers").

Held replies are local to the computer that held them (the contract carries none), so "a
colleague translated it" happens where that colleague works on the same workspace.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

from app.config.settings import Settings, quiet_minutes
from app.domain.display import display_text
from app.i18n import I18n
from app.ops.review import me_id
from app.storage.notify_queries import DueSoon, Head, Inbound, Marks, Released
from app.storage.store import Store

SLA_WARNING_SECONDS = 5 * 60  # warn this long before a first-response SLA ends
MAX_SINGLE = 3  # separate notifications of one kind per check; more are summed up in one
NAME_CHARS = 60
PREVIEW_CHARS = 140
NAMES_LISTED = 3  # customers named in a summary


class Kind(Enum):
    """What happened; each can be switched off in the settings."""

    ASSIGNED = "assigned"
    MESSAGE = "message"
    SLA = "sla"
    HELD = "held"
    DATA_REQUEST = "data_request"  # a data request's deadline (app.ui.privacy.reminders)


@dataclass(frozen=True, slots=True)
class Notification:
    """One thing to show: plain text only (``title`` and ``body`` may hold customer text).

    ``conversation_id``: what a click opens (a summary opens its newest conversation)."""

    kind: Kind
    conversation_id: int | None
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class Batch:
    """What one check found: ``notifications`` to show, ``unread`` customer messages in my
    conversations (the tray badge; it rises in quiet hours too), ``silenced``: found but
    held back by the settings or quiet hours."""

    notifications: tuple[Notification, ...] = ()
    unread: int = 0
    silenced: int = 0


@dataclass(frozen=True, slots=True)
class Preferences:
    """The notification settings: kinds on, quiet hours (minutes after local midnight)."""

    kinds: frozenset[Kind] = frozenset(Kind)
    quiet: tuple[int, int] | None = None
    sound: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> Preferences:
        on = {
            Kind.ASSIGNED: settings.notify_assigned,
            Kind.MESSAGE: settings.notify_messages,
            Kind.SLA: settings.notify_sla,
            Kind.HELD: settings.notify_held,
        }
        return cls(
            frozenset(k for k, v in on.items() if v),
            quiet_minutes(settings.quiet_hours),
            settings.notify_sound,
        )

    def quiet_at(self, now: int) -> bool:
        """Whether ``now`` falls in the quiet hours (in this computer's time zone)."""
        return self.quiet is not None and in_quiet_hours(self.quiet, local_minute(now))


def local_minute(now: int) -> int:
    """Minutes after midnight on this computer's clock, at epoch second ``now``."""
    moment = datetime.fromtimestamp(now, UTC).astimezone()
    return moment.hour * 60 + moment.minute


def in_quiet_hours(quiet: tuple[int, int], minute: int) -> bool:
    """``[start, end)`` in minutes after midnight; a range such as 22:00-07:00 spans it."""
    start, end = quiet
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


@dataclass(frozen=True, slots=True)
class _Found:
    """Raw findings of one check, before settings and coalescing."""

    assigned: list[Head]
    messages: list[Inbound]
    due: list[DueSoon]
    released: list[Released]


class Notifier:
    """Watermarks for one workspace; :meth:`check` runs on the store lane (one at a time).

    Not shared: the window's notification controller owns one per open workspace."""

    def __init__(self) -> None:
        self._marks: Marks | None = None
        self._assigned: set[int] = set()
        self._catching_up = True  # until a sync went through: everything is history
        self._warned: dict[int, int] = {}  # conversation -> the SLA end it was warned of

    def check(
        self,
        store: Store,
        i18n: I18n,
        prefs: Preferences,
        now: int,
        *,
        looking_at: int | None = None,
        synced: bool = False,
    ) -> Batch:
        """What is new since the last check. ``looking_at``: the conversation on screen in
        the active window (never notified); ``synced``: a sync cycle just went through."""
        me = me_id(store)
        if me is None:
            self._marks = store.notify.marks()
            return Batch()
        if self._marks is None:
            self._catching_up = not store.notify.synced_before()
        found = self._find(store, me, now)
        if synced:
            self._catching_up = False
        skip = {looking_at}
        found = _Found(
            [h for h in found.assigned if h.conversation_id not in skip],
            [m for m in found.messages if m.conversation_id not in skip],
            [d for d in found.due if d.conversation_id not in skip],
            [r for r in found.released if r.conversation_id not in skip],
        )
        shown = _coalesce(found, i18n, now)
        unread = store.notify.unread_for(me)
        allowed = [n for n in shown if n.kind in prefs.kinds]
        if prefs.quiet_at(now):
            return Batch((), unread, len(shown))
        return Batch(tuple(allowed), unread, len(shown) - len(allowed))

    def _find(self, store: Store, me: int, now: int) -> _Found:
        queries = store.notify
        marks = queries.marks()
        assigned_now = queries.assigned_to(me)
        previous, self._marks = self._marks, marks
        known, self._assigned = self._assigned, assigned_now
        due = self._due(store, me, now)
        if previous is None or self._catching_up:
            return _Found([], [], due, [])
        mine = queries.self_assigned_after(previous.event_id, me)
        newly = assigned_now - known - mine
        heads = queries.heads(newly)
        messages = [
            m
            for m in queries.inbound_after(previous.message_id, me)
            if m.message_id <= marks.message_id
        ]
        released = [
            r for r in queries.released_after(previous.event_id, me) if r.event_id <= marks.event_id
        ]
        assigned = [heads[c] for c in sorted(newly) if c in heads]
        return _Found(assigned, messages, due, released)

    def _due(self, store: Store, me: int, now: int) -> list[DueSoon]:
        """SLA warnings not given yet: once per conversation and SLA end."""
        due = store.notify.due_between(me, now, now + SLA_WARNING_SECONDS)
        fresh = [d for d in due if self._warned.get(d.conversation_id) != d.due_at]
        current = {d.conversation_id for d in due}
        self._warned = {c: at for c, at in self._warned.items() if c in current}
        self._warned.update((d.conversation_id, d.due_at) for d in due)
        return fresh


# ---------------------------------------------------------------------- texts
def _name(text: str) -> str:
    return display_text(text, NAME_CHARS) or "…"


def _names(names: Sequence[str], i18n: I18n) -> str:
    unique = list(dict.fromkeys(_name(n) for n in names))
    shown = ", ".join(unique[:NAMES_LISTED])
    if len(unique) > NAMES_LISTED:
        rest = len(unique) - NAMES_LISTED
        shown += " " + i18n.ngettext("and {count} other", "and {count} others", rest).format(
            count=i18n.number(rest)
        )
    return shown


def _coalesce(found: _Found, i18n: I18n, now: int) -> list[Notification]:
    """Notifications for what was found: one per item up to MAX_SINGLE per kind, else one
    summary; messages in a newly assigned conversation go with its assignment."""
    result = _assigned(found.assigned, found.messages, i18n)
    assigned_ids = {h.conversation_id for h in found.assigned}
    result += _messages([m for m in found.messages if m.conversation_id not in assigned_ids], i18n)
    result += _due(found.due, i18n, now)
    result += _released(found.released, i18n)
    return result


def _assigned(heads: list[Head], messages: list[Inbound], i18n: I18n) -> list[Notification]:
    _ = i18n._
    if len(heads) > MAX_SINGLE:
        title = i18n.ngettext(
            "{count} conversation assigned to you",
            "{count} conversations assigned to you",
            len(heads),
        ).format(count=i18n.number(len(heads)))
        body = _names([h.customer_name for h in heads], i18n)
        return [Notification(Kind.ASSIGNED, heads[-1].conversation_id, title, body)]
    latest = {m.conversation_id: m.preview for m in messages}
    return [
        Notification(
            Kind.ASSIGNED,
            h.conversation_id,
            _("Assigned to you: {customer}").format(customer=_name(h.customer_name)),
            display_text(latest.get(h.conversation_id, h.preview), PREVIEW_CHARS),
        )
        for h in heads
    ]


def _messages(messages: list[Inbound], i18n: I18n) -> list[Notification]:
    if not messages:
        return []
    groups: dict[int, list[Inbound]] = defaultdict(list)
    for message in messages:
        groups[message.conversation_id].append(message)
    newest = messages[-1].conversation_id
    if len(groups) > MAX_SINGLE:
        count, customers = len(messages), len(groups)
        title = i18n._("{messages} from {customers}").format(
            messages=i18n.ngettext("{count} new message", "{count} new messages", count).format(
                count=i18n.number(count)
            ),
            customers=i18n.ngettext("{count} customer", "{count} customers", customers).format(
                count=i18n.number(customers)
            ),
        )
        latest_first = sorted(groups.values(), key=lambda g: g[-1].message_id, reverse=True)
        names = [g[-1].customer_name for g in latest_first]
        return [Notification(Kind.MESSAGE, newest, title, _names(names, i18n))]
    result = []
    for conversation_id, group in groups.items():
        name = _name(group[-1].customer_name)
        title = i18n.ngettext(
            "New message from {customer}", "{count} new messages from {customer}", len(group)
        ).format(customer=name, count=i18n.number(len(group)))
        body = display_text(group[-1].preview, PREVIEW_CHARS)
        result.append(Notification(Kind.MESSAGE, conversation_id, title, body))
    return result


def _due(due: list[DueSoon], i18n: I18n, now: int) -> list[Notification]:
    if not due:
        return []
    if len(due) > MAX_SINGLE:
        title = i18n.ngettext(
            "{count} conversation is about to miss its SLA",
            "{count} conversations are about to miss their SLA",
            len(due),
        ).format(count=i18n.number(len(due)))
        body = _names([d.customer_name for d in due], i18n)
        return [Notification(Kind.SLA, due[0].conversation_id, title, body)]
    return [
        Notification(
            Kind.SLA,
            d.conversation_id,
            i18n._("SLA ends in {duration}: {customer}").format(
                duration=i18n.duration(max(d.due_at - now, 0)), customer=_name(d.customer_name)
            ),
            i18n._("Reply by {time} to answer within the SLA.").format(time=i18n.time(d.due_at)),
        )
        for d in due
    ]


def _released(released: list[Released], i18n: I18n) -> list[Notification]:
    if len(released) > MAX_SINGLE:
        title = i18n.ngettext(
            "{count} of your held replies was translated and sent",
            "{count} of your held replies were translated and sent",
            len(released),
        ).format(count=i18n.number(len(released)))
        body = _names([r.customer_name for r in released], i18n)
        return [Notification(Kind.HELD, released[-1].conversation_id, title, body)]
    return [
        Notification(
            Kind.HELD,
            r.conversation_id,
            i18n._("Your reply to {customer} was translated").format(
                customer=_name(r.customer_name)
            ),
            i18n._("{agent} translated it and sent it.").format(
                agent=_name(r.translator) if r.translator else i18n._("A colleague")
            ),
        )
        for r in released
    ]
