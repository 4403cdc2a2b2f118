"""An etiquette profile and live facts turned into short, plain-text blocks for the panel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QUrl
from PySide6.QtGui import QFont, QTextBlockFormat, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QFrame, QTextBrowser, QWidget

from app.culture.facts import LocalFacts
from app.culture.holiday_names import holiday_name
from app.domain.display import isolated
from app.i18n import N_, I18n

if TYPE_CHECKING:
    from app.contract.localized import Localized
    from app.culture.profile_schema import Fact, Profile

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
        if "holiday" in params:
            params["holiday"] = _holiday(i18n, params["holiday"])
        if "days" in params and facts.weekend and i18n.ui_locale != "en":  # "Fri–Sat" stays
            params["days"] = i18n.weekday_list(facts.weekend)
        lines.append(i18n._(advice.template).format(**params))
    return lines


def _holiday(i18n: I18n, name: str) -> str:
    """A holiday (from the library) or an observance (a catalog message) in the UI language."""
    translated = i18n._(name)
    if translated == name:
        translated = holiday_name(name, i18n.ui_locale)
    return isolated(translated)


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
        days = i18n.weekday_list(facts.weekend)
        lines.append(_("Weekend: {days}").format(days=days))
        for region, region_days in facts.weekend_regions:
            days = i18n.weekday_list(region_days)
            region_name = region.pick(i18n.ui_locale)
            lines.append(_("Weekend in {region}: {days}").format(region=region_name, days=days))
    # Examples and names in the customer's script are isolated: a right-to-left mark in
    # an Arabic date ("2\u200f/12\u200f/2026") would otherwise scramble the whole line.
    for holiday in facts.holidays_today:
        name = _holiday(i18n, holiday.name)
        lines.append(_("Today: {holiday}").format(holiday=name))
    for holiday in facts.upcoming[:6]:
        lines.append(f"{i18n.short_date(holiday.day)} · {_holiday(i18n, holiday.name)}")
    if facts.currency_example:
        lines.append(_("Money: {example}").format(example=isolated(facts.currency_example)))
    if facts.date_example:
        lines.append(_("Dates are written: {example}").format(example=isolated(facts.date_example)))
    lines += facts.problems
    return lines


def _phrase(template: str, text: str, meaning: str, use: str | None) -> str:
    """A greeting with its meaning (unless it is already English) and when to use it."""
    line = template.format(text=isolated(text), meaning=meaning)
    if meaning.strip(" ,.") == text.strip(" ,."):
        line = line.rsplit(" — ", 1)[0]
    return line + (f" ({use})" if use else "")


def profile_blocks(i18n: I18n, profile: Profile) -> list[Block]:
    """How to write, what they expect, their rights, what to avoid: in the UI language,
    except what is sent to the customer (greetings, sign-offs), shown with a gloss."""
    _ = i18n._

    def pick(text: Localized) -> str:
        return text.pick(i18n.ui_locale)

    def picks(texts: list[Localized]) -> list[str]:
        return [pick(text) for text in texts]

    write = [f"{i18n.language_name(use.tag)}: {pick(use.formality)}" for use in profile.languages]
    for template, phrases in (
        (_("Greeting: {text} — {meaning}"), profile.greetings),
        (_("Sign-off: {text} — {meaning}"), profile.sign_offs),
    ):
        write += [
            _phrase(template, p.text, pick(p.meaning), pick(p.use) if p.use else None)
            for p in phrases
        ]
    address = profile.address
    write.append(pick(address.advice))
    if address.tv_distinction:
        write.append(pick(address.tv_distinction))
    write += picks(address.honorifics)
    style = profile.communication
    talk = [
        _("Style: {style}, {context}-context").format(
            style=_(STYLES[style.style]), context=_(CONTEXTS[style.context])
        ),
        _("Saying no: {advice}").format(advice=pick(style.saying_no)),
        _("Apologising: {advice}").format(advice=pick(style.apologising)),
        *picks(style.notes),
    ]
    blocks: list[Block] = [
        (_("How to write"), write),
        (_("Communication"), talk),
        (_("What they expect"), picks(profile.service_expectations)),
        (_("Channels"), picks(profile.channels)),
        (_("Payments"), picks(profile.payments)),
    ]
    sources = {source.id: source for source in profile.sources}

    def cited(fact: Fact) -> str:
        return f"{pick(fact.fact)} [{pick(sources[fact.source].title)}]"

    rights = [cited(fact) for fact in profile.consumer_rights]
    if profile.data_protection is not None:
        law = profile.data_protection
        rights.append(_("Data protection: {law}").format(law=pick(law.law)))
        rights.append(_("Customers' rights: {rights}").format(rights="; ".join(picks(law.rights))))
        rights += [cited(note) for note in law.notes]
    if rights:
        blocks.append((_("Rights and data protection"), rights))
    regions = [
        f"{pick(region.name)}: {line}"
        for region in profile.regions
        for line in [*picks(region.notes), *(cited(fact) for fact in region.facts)]
    ]
    if regions:
        blocks.append((_("Regional differences"), regions))
    if profile.sensitivities:
        blocks.append((_("Take care"), picks(profile.sensitivities)))
    blocks.append((_("Sources"), [f"{pick(s.title)}: {s.url}" for s in profile.sources]))
    return blocks
