"""An etiquette profile and live facts turned into short, plain-text blocks for the panel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QUrl
from PySide6.QtGui import QFont, QTextBlockFormat, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QFrame, QTextBrowser, QWidget

from app.culture.facts import LocalFacts
from app.domain.display import isolated
from app.i18n import N_, I18n

if TYPE_CHECKING:
    from app.culture.profile_schema import Profile

Block = tuple[str, list[str]]  # a heading and its lines
STYLES = {"direct": N_("direct"), "indirect": N_("indirect"), "mixed": N_("mixed")}
CONTEXTS = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}


class EtiquetteView(QTextBrowser):
    """The profile's blocks as plain text with bold headings; loads nothing, runs nothing
    (profiles may come from a team's server: they are data, never markup)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("etiquette")
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._heading = QTextCharFormat()
        self._heading.setFontWeight(QFont.Weight.DemiBold)
        self._body = QTextCharFormat()

    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # noqa: N802 - Qt override
        return QByteArray()

    def show_blocks(self, blocks: list[Block]) -> None:
        document = QTextDocument(self)
        document.setDocumentMargin(12)
        cursor = QTextCursor(document)
        bullet = QTextBlockFormat()
        bullet.setLeftMargin(12)
        bullet.setTextIndent(-12)
        heading = QTextBlockFormat()
        heading.setTopMargin(10)
        for n, (title, lines) in enumerate(blocks):
            if n:
                cursor.insertBlock(heading)
            cursor.insertText(title, self._heading)
            for line in lines:
                cursor.insertBlock(bullet)
                cursor.insertText(f"• {line}", self._body)
        self.setDocument(document)


def advice_lines(i18n: I18n, facts: LocalFacts) -> list[str]:
    """The plain advice for now, in the UI language."""
    country = i18n.country_name(facts.country) if facts.country else None
    lines = []
    for advice in facts.advice:
        params = dict(advice.params)
        if country and "country" in params:
            params["country"] = country  # in the UI language, not the library's English
        lines.append(i18n._(advice.template).format(**params))
    return lines


def now_lines(i18n: I18n, facts: LocalFacts) -> list[str]:
    _ = i18n._
    lines: list[str] = []
    if facts.local_time is not None:
        moment = int(facts.local_time.timestamp())
        when = i18n.day_and_time(moment, moment, facts.timezone or "UTC")
        if facts.in_business_hours is True:
            state = _("inside business hours")
        elif facts.in_business_hours is False:
            state = _("outside business hours")
        else:
            state = ""
        hours = (
            f" ({facts.business_hours[0]}–{facts.business_hours[1]})"
            if facts.business_hours
            else ""
        )
        lines.append(
            _("Local time: {time}").format(time=when) + (f" · {state}{hours}" if state else "")
        )
    if facts.weekend:
        days = ", ".join(i18n.weekday_name(day) for day in facts.weekend)
        lines.append(_("Weekend: {days}").format(days=days))
    # Examples and names in the customer's script are isolated: a right-to-left mark in
    # an Arabic date ("2\u200f/12\u200f/2026") would otherwise scramble the whole line.
    for holiday in facts.holidays_today:
        lines.append(_("Today: {holiday}").format(holiday=isolated(holiday.name)))
    for holiday in facts.upcoming[:6]:
        lines.append(f"{i18n.short_date(holiday.day)} · {isolated(holiday.name)}")
    if facts.currency_example:
        lines.append(_("Money: {example}").format(example=isolated(facts.currency_example)))
    if facts.date_example:
        lines.append(_("Dates are written: {example}").format(example=isolated(facts.date_example)))
    lines += facts.problems
    return lines


def _phrase(template: str, text: str, meaning: str, use: str | None) -> str:
    """A greeting with its meaning (unless it is already English) and when to use it."""
    line = template.format(text=text, meaning=meaning)
    if meaning.strip(" ,.") == text.strip(" ,."):
        line = line.rsplit(" — ", 1)[0]
    return line + (f" ({use})" if use else "")


def profile_blocks(i18n: I18n, profile: Profile) -> list[Block]:
    """How to write, what they expect, their rights, what to avoid."""
    _ = i18n._
    write = [f"{i18n.language_name(use.tag)}: {use.formality}" for use in profile.languages]
    write += [
        _phrase(_("Greeting: {text} — {meaning}"), g.text, g.meaning, g.use)
        for g in profile.greetings
    ]
    write += [
        _phrase(_("Sign-off: {text} — {meaning}"), s.text, s.meaning, s.use)
        for s in profile.sign_offs
    ]
    address = profile.address
    write.append(address.advice)
    if address.tv_distinction:
        write.append(address.tv_distinction)
    write += address.honorifics
    style = profile.communication
    talk = [
        _("Style: {style}, {context}-context").format(
            style=_(STYLES[style.style]), context=_(CONTEXTS[style.context])
        ),
        _("Saying no: {advice}").format(advice=style.saying_no),
        _("Apologising: {advice}").format(advice=style.apologising),
        *style.notes,
    ]
    blocks: list[Block] = [
        (_("How to write"), write),
        (_("Communication"), talk),
        (_("What they expect"), list(profile.service_expectations)),
        (_("Channels"), list(profile.channels)),
        (_("Payments"), list(profile.payments)),
    ]
    sources = {source.id: source for source in profile.sources}
    rights = [f"{fact.fact} [{sources[fact.source].title}]" for fact in profile.consumer_rights]
    if profile.data_protection is not None:
        law = profile.data_protection
        rights.append(_("Data protection: {law}").format(law=law.law))
        rights.append(_("Customers' rights: {rights}").format(rights="; ".join(law.rights)))
        rights += [f"{note.fact} [{sources[note.source].title}]" for note in law.notes]
    if rights:
        blocks.append((_("Rights and data protection"), rights))
    if profile.sensitivities:
        blocks.append((_("Take care"), list(profile.sensitivities)))
    blocks.append((_("Sources"), [f"{s.title}: {s.url}" for s in profile.sources]))
    return blocks
