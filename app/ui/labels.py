"""Translatable names for the domain's enums (one table, used by every widget)."""

from __future__ import annotations

from app.domain.filters import AssigneeFilter, SlaFilter, SortOrder
from app.domain.models import Channel, Status
from app.i18n import N_, I18n

CHANNELS: dict[Channel, str] = {
    Channel.EMAIL: N_("Email"),
    Channel.WEB_CHAT: N_("Web chat"),
    Channel.WHATSAPP: N_("WhatsApp"),
    Channel.LINE: N_("LINE"),
    Channel.MESSENGER: N_("Messenger"),
    Channel.SMS: N_("SMS"),
    Channel.PHONE: N_("Phone call"),
}

STATUSES: dict[Status, str] = {
    Status.OPEN: N_("Open"),
    Status.PENDING: N_("Pending"),
    Status.SNOOZED: N_("Snoozed"),
    Status.RESOLVED: N_("Resolved"),
}

ASSIGNEES: dict[AssigneeFilter, str] = {
    AssigneeFilter.ALL: N_("Everyone"),
    AssigneeFilter.ME: N_("Assigned to me"),
    AssigneeFilter.UNASSIGNED: N_("Unassigned"),
}

SLAS: dict[SlaFilter, str] = {
    SlaFilter.ANY: N_("Any SLA"),
    SlaFilter.BREACHED: N_("SLA breached"),
    SlaFilter.DUE_SOON: N_("Due within 1 hour"),
}

SORTS: dict[SortOrder, str] = {
    SortOrder.SLA_DUE: N_("SLA due first"),
    SortOrder.LAST_ACTIVITY: N_("Latest activity first"),
}


def channel_label(i18n: I18n, channel: Channel) -> str:
    return i18n._(CHANNELS[channel])


def status_label(i18n: I18n, status: Status) -> str:
    return i18n._(STATUSES[status])


def isolate(text: str) -> str:
    """Wrap text from outside (a customer's name, a message) in Unicode bidi isolates.

    An Arabic or Hebrew name placed in an English or Chinese line would otherwise
    turn the whole line right-to-left and scramble the times and labels around it.
    """
    return f"\u2068{text}\u2069"
