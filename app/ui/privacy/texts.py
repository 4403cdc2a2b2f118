"""The words the data-request dialogs and queue share: a request's kind, its deadline, the
time left, and a link to the law's source, all in the UI language.

Everything that comes from a customer (a name) or a data file (a law's name, a source
title) is shown as plain text; the one link is built here with its parts escaped.
"""

from __future__ import annotations

import html
import re

from app.domain.data_requests import (
    KIND_LABELS,
    TEAM_DEFAULT_DAYS,
    DeadlineRule,
    RequestKind,
    RequestStatus,
)
from app.domain.display import display_text
from app.i18n import N_, I18n
from app.ops.privacy import RequestRow, deadline_summary

NAME_CHARS = 80
LAW_CHARS = 240
SOURCE_TITLE_CHARS = 120
URL_CHARS = 500
_WEB = re.compile(r"^https?://[^\s<>\"']+$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
UID_CHARS = 60


def kind_label(i18n: I18n, kind: RequestKind) -> str:
    return i18n._(KIND_LABELS[kind])


def summary(i18n: I18n, rule: DeadlineRule) -> str:
    """ "1 month; extendable by 2 months" / "no statutory period; team default 30 days"."""
    return deadline_summary(rule, i18n._, i18n.ngettext)


def due_text(i18n: I18n, due_at: int, rule: DeadlineRule, zone: str | None) -> str:
    """ "Due 3 Jan 2027 (1 month; extendable by 2 months)": the day in the customer's zone
    (a deadline ends at the end of their day)."""
    if not rule.statutory:
        return i18n._("Due {date}. No statutory period: team default {days} days").format(
            date=i18n.day(due_at, zone), days=i18n.number(rule.days or TEAM_DEFAULT_DAYS)
        )
    return i18n._("Due {date} ({period})").format(
        date=i18n.day(due_at, zone), period=summary(i18n, rule)
    )


def law_text(i18n: I18n, law: str | None, country: str) -> str:
    if law:
        return display_text(law, LAW_CHARS)
    return i18n._("No data-protection law is recorded for {country}.").format(
        country=i18n.country_name(country) if country else i18n._("this customer's country")
    )


def source_link(i18n: I18n, title: str | None, url: str | None) -> str:
    """Rich text for a QLabel: the source as a link (http and https only), else ""."""
    if not url or len(url) > URL_CHARS or not _WEB.match(url):
        return ""
    name = display_text(title or "", SOURCE_TITLE_CHARS) or i18n._("Source")
    link = f'<a href="{html.escape(url, quote=True)}">{html.escape(name)}</a>'
    return html.escape(i18n._("Source: {link}")).format(link=link)


def customer_text(i18n: I18n, name: str | None) -> str:
    return display_text(name, NAME_CHARS) if name else i18n._("Erased customer")


SERVER_ERASURE = {  # app.ops.privacy_sync.ServerErasure values
    "queued": N_("server erasure waiting to be sent"),
    "retrying": N_("server erasure to be tried again"),
    "refused": N_("the server refused the erasure (see Sync: needs attention)"),
    "done": N_("erased on the server too"),
}


def time_left(i18n: I18n, row: RequestRow) -> str:
    """ "12d 3h left", "Overdue by 2d", "Fulfilled 4 Jan 2027", "Cancelled"; a fulfilled
    erasure says where the server's part stands."""
    if row.status is RequestStatus.FULFILLED:
        if row.fulfilled_at is None:
            text = i18n._("Fulfilled")
        else:
            text = i18n._("Fulfilled {date}").format(date=i18n.day(row.fulfilled_at))
        server = SERVER_ERASURE.get(row.server_erasure or "")
        return f"{text} · {i18n._(server)}" if server else text
    if row.status is RequestStatus.CANCELLED:
        return i18n._("Cancelled")
    if row.overdue:
        return i18n._("Overdue by {duration}").format(duration=i18n.duration(-row.seconds_left))
    return i18n._("{duration} left").format(duration=i18n.duration(row.seconds_left))


def export_name(customer_uid: str | None, day: str) -> str:
    """``<customer id>-data-<date>.zip``: the id shown in the app, not the name (a file
    name travels in mail and logs; it carries no personal data)."""
    stem = _UNSAFE.sub("-", customer_uid or "customer").strip("-.")[:UID_CHARS] or "customer"
    return f"{stem}-data-{day}.zip"
