"""Translatable names for the domain's enums (one table, used by every widget)."""

from __future__ import annotations

from app.domain.errors import LocalizedError
from app.domain.filters import AssigneeFilter, SlaFilter, SortOrder
from app.domain.models import Channel, Status
from app.i18n import N_, I18n
from app.translation.api import Provenance

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


def confidence_label(i18n: I18n, confidence: float, *, outgoing: bool = False) -> str:
    """A cue, not a number: the model's own probabilities are not calibrated. "Check with
    the customer" only under what the customer wrote: the agent checks their own reply
    against its back-translation, not by asking the customer."""
    if confidence >= 0.6:
        return i18n._("high confidence")
    if confidence >= 0.3:
        return i18n._("medium confidence")
    if outgoing:
        return i18n._("low confidence")
    return i18n._("low confidence: check with the customer")


def provenance_text(i18n: I18n, provenance: Provenance, *, outgoing: bool = False) -> str:
    """Where a translated text came from, in an agent's words (the packs are in
    :func:`provenance_details`, for a tooltip). ``outgoing``: the agent's own reply."""
    _ = i18n._
    if provenance.kind == "tm":
        return _("From translation memory ({score}% match)").format(
            score=i18n.number(round(provenance.tm_score or 100))
        )
    if provenance.kind == "human":
        return _("Human translation")
    if provenance.kind == "human_edited":
        return _("Machine translation, edited by the agent")
    if provenance.kind == "untranslated":
        return _("Sent without translation")
    parts = [_("Machine translation (offline)")]
    if provenance.pivots:
        parts.append(
            _("via {languages}").format(
                languages=", ".join(i18n.language_name(p) for p in provenance.pivots)
            )
        )
    if provenance.incomplete:  # first, so it is never elided away
        parts.insert(0, _("May be incomplete: compare with the original"))
    if provenance.confidence is not None:
        parts.append(confidence_label(i18n, provenance.confidence, outgoing=outgoing))
    if provenance.glossary:  # the team's terms were kept: one reason to trust the wording
        parts.append(_("Glossary applied"))
    return " · ".join(parts)


def provenance_details(i18n: I18n, provenance: Provenance) -> str:
    """The technical route behind :func:`provenance_text` (languages and exact packs), for
    a tooltip: what a lead or support needs, not what the agent reads every time."""
    _ = i18n._
    lines = []
    if provenance.source_language and provenance.target_language:
        lines.append(
            _("{source} → {target}").format(
                source=i18n.language_name(provenance.source_language),
                target=i18n.language_name(provenance.target_language),
            )
        )
    if provenance.route:
        steps = []
        for step in provenance.route.split(">"):
            pair, _sep, version = step.partition("@")
            steps.append(f"{pair.replace('-', ' → ')} {version}".strip())
        lines.append(_("Language packs: {packs}").format(packs=", ".join(steps)))
    if provenance.kind == "mt":
        lines.append(_("Translated on this computer; no text left it."))
    return "\n".join(lines)


def localize(i18n: I18n, error: BaseException) -> str:
    """An error's message in the UI language (language codes become language names)."""
    if isinstance(error, LocalizedError):
        params = {
            key: i18n.language_name(value) if key in ("source", "target", "code") else value
            for key, value in error.params.items()
        }
        return i18n._(error.template).format(**params)
    return str(error) or type(error).__name__
