"""Data-subject requests (issue 17): open one with the law and deadline of the customer's
country, follow it in the "Data requests" queue, extend, fulfil or cancel it, and erase
the customer completely. The export is :mod:`app.ops.privacy_export`.

Plain functions on the store lane, like :mod:`app.ops.customer`. The deadline comes from
the country profile's ``data_protection.requests`` (a law with no fixed period gets the
team default, and the row says so), counted in the customer's time zone over the
country's verified weekend and public holidays.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.domain.changes import Changes
from app.domain.data_requests import (
    NOTE_MAX_CHARS,
    TEAM_DEFAULT,
    TEAM_DEFAULT_DAYS,
    DataRequest,
    DataRequestError,
    DeadlineRule,
    PersonalData,
    RequestKind,
    RequestStatus,
    due_moment,
    extended_moment,
)
from app.domain.errors import N_
from app.domain.lang import wants_chinese
from app.ops import privacy_sync
from app.ops.review import me_id
from app.storage.purge import purge_conversations, scrub
from app.storage.store import Store

if TYPE_CHECKING:
    from app.culture.profile_schema import Profile
    from app.ops.culture import CultureData

log = logging.getLogger(__name__)

MAX_UID_LENGTH = 200  # a customer or request id from outside (CLI, UI)


# ------------------------------------------------------------------ deadlines
def _english_ngettext(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def _identity(text: str) -> str:
    return text


def deadline_summary(
    rule: DeadlineRule,
    gettext: Callable[[str], str] = _identity,
    ngettext: Callable[[str, str, int], str] = _english_ngettext,
) -> str:
    """The period in words ("1 month; extendable by 2 months"), translated by the UI's
    ``gettext``/``ngettext`` (English when none is given)."""

    def span(days: int | None, months: int | None) -> str:
        if months:
            return ngettext("{n} month", "{n} months", months).format(n=months)
        n = days or 0
        if rule.business_days:
            return ngettext("{n} working day", "{n} working days", n).format(n=n)
        return ngettext("{n} day", "{n} days", n).format(n=n)

    _ = gettext  # the extractor knows _(), N_() and ngettext()
    if not rule.statutory:
        return _("no statutory period; team default {days} days").format(
            days=rule.days or TEAM_DEFAULT_DAYS
        )
    period = span(rule.days, rule.months)
    if not rule.extendable:
        return period
    extension = span(rule.extension_days, rule.extension_months)
    return _("{period}; extendable by {extension}").format(period=period, extension=extension)


@dataclass(frozen=True, slots=True)
class LawTerms:
    """What the customer's country profile says about answering a request."""

    country: str
    law_en: str
    law_zh: str
    rule: DeadlineRule
    source_title: str | None
    source_url: str | None
    note_en: str | None
    note_zh: str | None


def law_terms(culture: CultureData | None, country: str) -> LawTerms:
    """The law and deadline for ``country``; the team default where the profile (or its
    ``requests`` entry) is missing or the law sets no fixed period."""
    profile: Profile | None = culture.profiles.get(country) if culture is not None else None
    protection = profile.data_protection if profile is not None else None
    if profile is None or protection is None:
        return LawTerms(country.upper(), "", "", TEAM_DEFAULT, None, None, None, None)
    deadline = getattr(protection, "requests", None)
    sources = {s.id: s for s in profile.sources}
    source = sources.get(deadline.source if deadline is not None else protection.source)
    note = deadline.note if deadline is not None else None
    if deadline is not None and (deadline.days or deadline.months):
        rule = DeadlineRule(
            days=deadline.days,
            months=deadline.months,
            business_days=deadline.business_days,
            extension_days=deadline.extension_days,
            extension_months=deadline.extension_months,
        )
    else:
        rule = TEAM_DEFAULT
    return LawTerms(
        country=profile.country,
        law_en=protection.law.en,
        law_zh=protection.law.zh_CN,
        rule=rule,
        source_title=source.title.en if source else None,
        source_url=source.url if source else None,
        note_en=note.en if note else None,
        note_zh=note.zh_CN if note else None,
    )


def working_calendar(
    culture: CultureData | None, country: str
) -> tuple[tuple[int, ...], Callable[[dt.date], bool]]:
    """The country's weekend (verified table, else Saturday-Sunday) and its public holidays
    (the ``holidays`` package; none where it does not know the country)."""
    from app.culture.calendar import public_holidays

    verified = culture.weekends.get(country.upper()) if culture is not None else None
    weekend = verified.days if verified else (5, 6)
    years: dict[int, frozenset[dt.date]] = {}

    def is_holiday(day: dt.date) -> bool:
        if day.year not in years:
            found = public_holidays(country.upper(), day.year) if country else None
            years[day.year] = frozenset(h.day for h in found or ())
        return day in years[day.year]

    return weekend, is_holiday


@dataclass(frozen=True, slots=True)
class DeadlinePreview:
    """What the "open a request" dialog shows before OK."""

    law: str | None
    country: str
    rule: DeadlineRule
    due_at: int
    extended_due_at: int | None
    source_title: str | None
    source_url: str | None
    note: str | None
    summary: str


def _pick(ui_language: str, en: str | None, zh: str | None) -> str | None:
    return (zh or en) if wants_chinese(ui_language) else en


def person_of(store: Store, customer_id: int) -> tuple[list[int], dict[str, Any]]:
    try:
        person = store.customers.person(customer_id)
    except KeyError:
        raise DataRequestError(N_("There is no such customer in this workspace.")) from None
    return person, store.data_requests.customer_rows(person)[0]


def preview_deadline(
    store: Store, culture: CultureData | None, customer_id: int, now: int, ui_language: str = "en"
) -> DeadlinePreview:
    """The law and the deadline a request opened ``now`` would get."""
    _person, root = person_of(store, customer_id)
    terms = law_terms(culture, root["country"] or "")
    weekend, is_holiday = working_calendar(culture, root["country"] or "")
    zone = root["timezone"]
    return DeadlinePreview(
        law=_pick(ui_language, terms.law_en, terms.law_zh) or None,
        country=terms.country,
        rule=terms.rule,
        due_at=due_moment(now, terms.rule, zone, weekend=weekend, is_holiday=is_holiday),
        extended_due_at=extended_moment(
            now, terms.rule, zone, weekend=weekend, is_holiday=is_holiday
        ),
        source_title=terms.source_title,
        source_url=terms.source_url,
        note=_pick(ui_language, terms.note_en, terms.note_zh),
        summary=deadline_summary(terms.rule),
    )


# ------------------------------------------------------------------ the queue
@dataclass(frozen=True, slots=True)
class RequestRow:
    """One line of the "Data requests" queue."""

    uid: str
    kind: RequestKind
    status: RequestStatus
    customer_id: int | None
    customer_uid: str | None
    customer_name: str | None  # None once erased
    country: str
    law: str
    source_url: str | None
    statutory: bool
    rule: DeadlineRule
    opened_at: int
    due_at: int  # the deadline that applies (the extended one once extended)
    original_due_at: int
    extended: bool
    can_extend: bool
    seconds_left: int
    overdue: bool
    fulfilled_at: int | None
    note: str
    counts: dict[str, int]
    server_erasure: str | None = None  # erase requests: app.ops.privacy_sync.ServerErasure


def _row(store: Store, request: DataRequest, now: int, ui_language: str) -> RequestRow:
    name = None
    if request.customer_id is not None:
        rows = store.data_requests.customer_rows([request.customer_id])
        name = rows[0]["name"] if rows else None
    due = request.current_due_at
    is_open = request.status is RequestStatus.OPEN
    return RequestRow(
        uid=request.uid,
        kind=request.kind,
        status=request.status,
        customer_id=request.customer_id,
        customer_uid=request.customer_uid,
        customer_name=name,
        country=request.country,
        law=_pick(ui_language, request.law_en, request.law_zh) or "",
        source_url=request.source_url,
        statutory=request.rule.statutory,
        rule=request.rule,
        opened_at=request.opened_at,
        due_at=due,
        original_due_at=request.due_at,
        extended=request.extended_due_at is not None,
        can_extend=is_open and request.rule.extendable and request.extended_due_at is None,
        seconds_left=due - now,
        overdue=is_open and now > due,
        fulfilled_at=request.fulfilled_at,
        note=request.note,
        counts=request.outcome,
        server_erasure=(
            privacy_sync.server_erasure(store, request.customer_uid).value
            if request.kind is RequestKind.ERASE
            and request.status is RequestStatus.FULFILLED
            and request.customer_uid
            else None
        ),
    )


def list_requests(
    store: Store, now: int, ui_language: str = "en", *, include_closed: bool = True
) -> list[RequestRow]:
    """The queue: open requests by deadline (overdue first), then the closed, newest first."""
    return [
        _row(store, r, now, ui_language)
        for r in store.data_requests.all(open_only=not include_closed)
    ]


def get_request(
    store: Store, request_uid: str, now: int, ui_language: str = "en"
) -> RequestRow | None:
    request = store.data_requests.get(request_uid[:MAX_UID_LENGTH])
    return None if request is None else _row(store, request, now, ui_language)


def due_soon(store: Store, now: int, within: int, ui_language: str = "en") -> list[RequestRow]:
    """Open requests due within ``within`` seconds, overdue ones included (reminders)."""
    return [_row(store, r, now, ui_language) for r in store.data_requests.due_before(now + within)]


def requests_for_customer(
    store: Store, customer_id: int, now: int, ui_language: str = "en"
) -> list[RequestRow]:
    """Every request of this person (the customer card)."""
    person, _root = person_of(store, customer_id)
    return [_row(store, r, now, ui_language) for r in store.data_requests.all(customer_ids=person)]


def customer_by_uid(store: Store, customer_uid: str) -> int | None:
    """The store's id for the customer id shown in the app (None: not in this workspace)."""
    if not customer_uid or len(customer_uid) > MAX_UID_LENGTH:
        return None
    return store.data_requests.customer_ids_by_uid(customer_uid)


# ------------------------------------------------------------------ the workflow
@dataclass(frozen=True, slots=True)
class OpenedRequest:
    uid: str
    row: RequestRow
    changes: Changes


def open_request(
    store: Store,
    culture: CultureData | None,
    customer_id: int,
    kind: RequestKind | str,
    now: int,
    note: str = "",
    *,
    agent_id: int | None = None,
    ui_language: str = "en",
) -> OpenedRequest:
    """Record a request received ``now`` with the law and deadline of the customer's
    country. The agent's note is kept as written (bounded); it should say what was asked,
    not copy the customer's data."""
    try:
        request_kind = RequestKind(kind)
    except ValueError:
        raise DataRequestError(N_("Unknown kind of request: {kind}"), kind=str(kind)[:40]) from None
    text = note.strip()
    if len(text) > NOTE_MAX_CHARS:
        raise DataRequestError(N_("A note holds at most {limit} characters."), limit=NOTE_MAX_CHARS)
    _person, root = person_of(store, customer_id)
    country = root["country"] or ""
    terms = law_terms(culture, country)
    weekend, is_holiday = working_calendar(culture, country)
    uid = store.data_requests.add(
        kind=request_kind,
        customer_id=int(root["id"]),
        customer_uid=root["uid"],
        country=terms.country,
        timezone=root["timezone"] or "UTC",
        law_en=terms.law_en,
        law_zh=terms.law_zh,
        source_url=terms.source_url,
        rule=terms.rule,
        opened_at=now,
        opened_by=agent_id if agent_id is not None else me_id(store),
        due_at=due_moment(
            now, terms.rule, root["timezone"], weekend=weekend, is_holiday=is_holiday
        ),
        note=text,
    )
    row = get_request(store, uid, now, ui_language)
    assert row is not None  # just written in this lane
    return OpenedRequest(uid, row, Changes(data_requests=True))


def _open(store: Store, request_uid: str) -> DataRequest:
    request = store.data_requests.get(request_uid[:MAX_UID_LENGTH])
    if request is None:
        raise DataRequestError(N_("There is no such data request."))
    if request.status is not RequestStatus.OPEN:
        raise DataRequestError(N_("This data request is already closed."))
    return request


def mark_fulfilled(
    store: Store, request_uid: str, now: int, *, agent_id: int | None = None
) -> Changes:
    """The agent answered the request (access given, data corrected...)."""
    _open(store, request_uid)
    by = agent_id if agent_id is not None else me_id(store)
    store.data_requests.close(request_uid, RequestStatus.FULFILLED, now, by)
    return Changes(data_requests=True)


def cancel(store: Store, request_uid: str, now: int, *, agent_id: int | None = None) -> Changes:
    """The request was withdrawn or opened by mistake."""
    _open(store, request_uid)
    by = agent_id if agent_id is not None else me_id(store)
    store.data_requests.close(request_uid, RequestStatus.CANCELLED, now, by)
    return Changes(data_requests=True)


def extend(store: Store, request_uid: str, now: int, culture: CultureData | None = None) -> Changes:
    """Apply the extension the law allows (once), counted from the day received."""
    request = _open(store, request_uid)
    if not request.rule.extendable:
        raise DataRequestError(N_("The law that applies to this request allows no extension."))
    if request.extended_due_at is not None:
        raise DataRequestError(N_("This data request was already extended."))
    weekend, is_holiday = working_calendar(culture, request.country)
    until = extended_moment(
        request.opened_at, request.rule, request.timezone, weekend=weekend, is_holiday=is_holiday
    )
    assert until is not None  # extendable
    store.data_requests.set_extended(request_uid, until, now)
    return Changes(data_requests=True)


# ------------------------------------------------------------------ erasure
def _request_server_erasure(
    store: Store, customer_uids: list[str], request_uid: str, now: int
) -> tuple[Changes, bool]:
    """Ask the server to erase the customer too (``app.ops.privacy_sync``, helper
    dsr-server): queued in the outbox inside the erasure's own transaction; a demo or file
    workspace queues nothing. Returns (changes, queued)."""
    changes = Changes()
    for uid in customer_uids:
        changes = changes | privacy_sync.request_erasure(store, uid, request_uid, now)
    return changes, bool(changes.outbox)


def erase_customer(
    store: Store,
    customer_id: int,
    request_uid: str,
    now: int,
    *,
    agent_id: int | None = None,
) -> Changes:
    """Erase the customer (every merged handle of the person) from this workspace: their
    conversations with every trace (:func:`app.storage.purge.purge_conversations`), their
    customer rows, notes and fields, drafts anywhere that name them, translation-memory
    entries and cached translations carrying their name, e-mail, phone or handles; then
    record the request fulfilled with counts only and ask the server to erase them too.
    The attachment files, search index and WAL are cleaned after the commit."""
    request = _open(store, request_uid)
    person, _root = person_of(store, customer_id)
    rows = store.data_requests.customer_rows(person)
    uids = [str(r["uid"]) for r in rows]
    if request.customer_uid not in uids:
        raise DataRequestError(N_("This data request is about another customer."))
    handles: list[str] = []
    for r in rows:
        handles += _handle_values(r["handles"])
    personal = PersonalData.of([str(r["name"]) for r in rows], handles)
    conversation_ids = store.data_requests.conversation_ids(person)
    by = agent_id if agent_id is not None else me_id(store)
    with store.transaction():
        store.data_requests.unlink_merged(person)
        report = purge_conversations(store, conversation_ids)
        customers, notes = store.data_requests.delete_customers(person)
        texts = store.data_requests.delete_texts_matching(personal.carried_by)
        store.data_requests.scrub_notes(uids, personal.scrub, now)
        sync, queued = _request_server_erasure(store, uids, request_uid, now)
        counts = {
            "conversations": len(report.conversation_ids),
            "messages": int(report.rows.get("messages", 0)),
            "attachments": int(report.rows.get("attachments", 0)),
            "customers": customers + len(report.customer_ids),
            "customer_notes": notes + int(report.rows.get("customer_notes", 0)),
            **texts,
            "server_requested": int(queued),
        }
        store.data_requests.close(request_uid, RequestStatus.FULFILLED, now, by, outcome=counts)
    cleaned = scrub(store, report)
    log.info("erased customer for request %s: %s (%s)", request_uid, counts, cleaned)
    return sync | Changes.of(
        *report.conversation_ids,
        list_membership=True,
        messages=True,
        choices=True,
        translation_data=bool(texts["translation_memory"] or texts["translation_cache"]),
        reviews=True,
        data_requests=True,
    )


def _handle_values(raw: object) -> list[str]:
    import json

    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return []
    if not isinstance(data, dict):
        return []
    return [str(v) for v in data.values() if isinstance(v, str | int)]
