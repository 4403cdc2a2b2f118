"""A one-page culture card per country, for onboarding new agents (PDF or HTML).

The card is the side panel's profile condensed to what fits on one A4 page: how to
address and greet (with the gloss), the norms the draft checker applies, the weekend
and hours, the first items of each list, and the sources' addresses. Everything is
escaped text laid out by Qt's own HTML subset: a profile is data, never markup. Lists
are cut to a few items per block so that the longest profile still fits on one page
(the tests render every profile and count the pages).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

from app.i18n import N_, I18n
from app.ui.culture.sections import profile_blocks

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.culture.profile_schema import Profile
    from app.culture.weekends import VerifiedWeekend

MAX_LINES_PER_BLOCK = 4
MAX_LINES = {N_("How to write"): 8, N_("Sources"): 6}  # the longer blocks keep more
MAX_LINE_CHARS = 200
NORM_LABELS = {
    "title_surname": N_("title + surname (Mr Müller, Tanaka-sama)"),
    "title_given_name": N_("title + given name (Mr Mohammed, Khun Somchai)"),
    "title_full_name": N_("title + full name"),
    "given_name": N_("given name alone is normal"),
    "normal": N_("normal"),
    "sparing": N_("sparingly"),
    "avoid": N_("avoid"),
    "chat_only": N_("in casual chat only"),
}


def _cut(text: str) -> str:
    return text if len(text) <= MAX_LINE_CHARS else text[: MAX_LINE_CHARS - 1].rstrip() + "…"


FONT_SIZES = (7.5, 7.0, 6.5, 6.0)  # points, tried in turn until the card fits one page
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def card_html(
    i18n: I18n,
    profile: Profile,
    weekend: VerifiedWeekend | None,
    font_pt: float = FONT_SIZES[0],
    lines_per_block: int = MAX_LINES_PER_BLOCK,
) -> str:
    """The card as an HTML page (escaped text in a fixed layout)."""
    _ = i18n._
    name = i18n.country_name(profile.country) or profile.name
    facts = [
        _("Time zone: {zone}").format(zone=profile.timezone),
        _("Business hours: {start}–{end}").format(
            start=profile.business_hours.start, end=profile.business_hours.end
        ),
    ]
    if weekend is not None:
        days = i18n.weekday_list(weekend.days)
        facts.append(_("Weekend: {days}").format(days=days))
        for _code, region, region_days in weekend.regions:
            days = i18n.weekday_list(region_days)
            facts.append(
                _("Weekend in {region}: {days}").format(
                    region=region.pick(i18n.ui_locale), days=days
                )
            )
    if profile.norms is not None:
        norms = profile.norms
        facts += [
            _("Address by: {norm}").format(norm=_(NORM_LABELS[norms.address_by])),
            _("Emoji in chat: {norm}").format(norm=_(NORM_LABELS[norms.emoji_in_chat])),
            _("Informal “you”: {norm}").format(norm=_(NORM_LABELS[norms.informal_you])),
        ]
    blocks = [(_("At a glance"), facts)]
    limits = {_(title): limit for title, limit in MAX_LINES.items()}
    for title, lines in profile_blocks(i18n, profile):
        limit = limits.get(title, MAX_LINES_PER_BLOCK)
        kept = lines[: limit - (MAX_LINES_PER_BLOCK - lines_per_block)]
        blocks.append((title, [_cut(line) for line in kept]))
    # Two columns: how to write and talk on the left, what to know on the right.
    halves = (blocks[:3], blocks[3:])
    columns = [
        "".join(
            f"<h3>{html.escape(title)}</h3><ul>"
            + "".join(f"<li>{html.escape(line)}</li>" for line in lines)
            + "</ul>"
            for title, lines in half
        )
        for half in halves
    ]
    body = (
        '<table width="100%" cellspacing="0" cellpadding="4"><tr>'
        f'<td width="50%" valign="top">{columns[0]}</td>'
        f'<td width="50%" valign="top">{columns[1]}</td></tr></table>'
    )
    heading = _("Culture card: {country}").format(country=name)
    verified = (
        _("Reviewed {date}").format(date=profile.verified.isoformat()) if profile.verified else ""
    )
    return (
        f'<html><head><meta charset="utf-8"><title>{html.escape(heading)}'
        f"</title><style>body{{font-size:{font_pt}pt;}} h2{{font-size:13pt;margin:0 0 2px 0;}}"
        f" h3{{font-size:{font_pt + 1}pt;margin:5px 0 1px 0;}} ul{{margin:0 0 0 10px;}}"
        " li{margin:0;} .meta{color:#555;}</style></head><body>"
        f"<h2>{html.escape(heading)}</h2>"
        f"<p class='meta'>{html.escape(verified)}</p>"
        f"{body}</body></html>"
    )


def card_pdf(i18n: I18n, profile: Profile, weekend: VerifiedWeekend | None) -> bytes:
    """The card as a one-page A4 PDF: the font shrinks, then the lists shorten, until the
    text fits (how much fits depends on the fonts installed, so it is measured)."""
    from app.ui.report.transcript_pdf import pdf_bytes

    title = i18n._("Culture card: {country}").format(
        country=i18n.country_name(profile.country) or profile.name
    )
    data = b""
    for lines in range(MAX_LINES_PER_BLOCK, 0, -1):
        for size in FONT_SIZES:
            data = pdf_bytes(card_html(i18n, profile, weekend, size, lines), title)
            if len(_PAGE_OBJECT.findall(data)) <= 1:
                return data
    return data


def save_card(
    parent: QWidget, i18n: I18n, profile: Profile, weekend: VerifiedWeekend | None
) -> Path | None:
    """The panel's "Save culture card" button: a file dialog, then the PDF, written whole.

    Returns where it was written (None if the agent cancelled or writing failed: then a
    message says why)."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from app.ui.report.transcript_pdf import write_file

    _ = i18n._
    suggested = str(Path.home() / f"culture-card-{profile.country}.pdf")
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, _("Save culture card"), suggested, _("PDF files (*.pdf)")
    )
    if not chosen:
        return None
    path = Path(chosen)
    try:
        write_file(path, card_pdf(i18n, profile, weekend))
    except OSError as exc:
        QMessageBox.warning(
            parent,
            _("Save culture card"),
            _("The card could not be saved to {path}: {reason}. Choose another folder.").format(
                path=path, reason=exc.strerror or exc
            ),
        )
        return None
    return path
