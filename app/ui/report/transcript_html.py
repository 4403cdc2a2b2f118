"""A transcript as one self-contained HTML page (also the source of the PDF).

Every text from the conversation is escaped after it is made safe to show
(:func:`app.domain.display.display_body`: overrides become isolates), so customer text is
never markup and never turns the page around; each text cell has ``dir="auto"`` so Arabic
and Hebrew read right to left beside Latin text. Qt-free: the PDF writer feeds the same
page to a QTextDocument, which ignores the CSS it does not know.
"""

from __future__ import annotations

import html
import unicodedata

from app.domain.display import display_body, display_text
from app.domain.models import MessageKind
from app.i18n import N_, I18n
from app.ops.transcript import Transcript, TranscriptAnnotation, TranscriptMessage
from app.ui.shell.labels import provenance_text

MAX_CELL_CHARS = 20_000  # a body longer than this is cut in the export (and says so)

CSS = """
body { font-family: "Noto Sans", "Noto Sans CJK SC", "Noto Sans Arabic", sans-serif;
       font-size: 10pt; color: #1a1a1a; margin: 1.5em; }
h1 { font-size: 15pt; margin: 0 0 0.4em 0; }
h2 { font-size: 12pt; margin: 1.2em 0 0.4em 0; }
table { border-collapse: collapse; width: 100%; }
table.meta td { padding: 1px 8px 1px 0; vertical-align: top; }
table.meta td.k { color: #555; white-space: nowrap; }
table.thread td, table.thread th { border: 1px solid #c8c8c8; padding: 4px 6px;
       vertical-align: top; text-align: start; }
table.thread th { background: #eef1f5; }
tr { page-break-inside: avoid; break-inside: avoid; }
tr.customer td.who { background: #f3f7ff; }
tr.agent td.who { background: #f2fbf4; }
tr.note td { background: #fffbe6; }
td.who { width: 16%; color: #333; }
td.who .at, .prov, .lbl { color: #666; font-size: 8.5pt; }
.lbl { font-weight: bold; }
tr.ann td { background: #fdf3f3; font-size: 9pt; }
p.redacted { border: 1px solid #b00; color: #b00; padding: 4px 8px; }
@media print { body { margin: 0; } a { color: inherit; } }
"""

KIND_LABELS = {
    "mistranslation": N_("Mistranslation"),
    "agent_error": N_("Agent error"),
    "etiquette": N_("Etiquette or culture issue"),
    "tone": N_("Tone"),
    "praise": N_("Praise"),
    "note": N_("Note"),
}
SEVERITY_LABELS = {"minor": N_("minor"), "major": N_("major"), "critical": N_("critical")}
CHANNEL_LABELS = {
    "email": N_("E-mail"),
    "web_chat": N_("Web chat"),
    "whatsapp": "WhatsApp",
    "line": "LINE",
    "messenger": "Messenger",
    "sms": N_("SMS"),
    "phone": N_("Phone"),
}


def _dir(text: str) -> str:
    """``rtl`` when the text's first strong character is right-to-left (QTextDocument does
    not know ``auto``), else ``auto`` for the browser."""
    for ch in text[:2000]:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "auto"
    return "auto"


def _text_div(text: str) -> str:
    """A text block with its own direction."""
    return f'<div dir="{_dir(text)}">{_body(text)}</div>'


def _body(text: str) -> str:
    """Customer or agent text as escaped HTML, lines kept."""
    cut = len(text) > MAX_CELL_CHARS
    safe = html.escape(display_body(text[:MAX_CELL_CHARS]), quote=True)
    return safe.replace("\n", "<br>") + (" …" if cut else "")


def _short(text: str | None, limit: int = 200) -> str:
    return html.escape(display_text(text, limit), quote=True)


def render_html(transcript: Transcript, i18n: I18n) -> str:
    """The whole page."""
    _ = i18n._
    t = transcript
    title = _("Transcript: {subject}").format(subject=display_text(t.subject or t.uid, 200))
    lang = html.escape(i18n.ui_locale.replace("_", "-"))
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>",
        f'<h1 dir="auto">{html.escape(title)}</h1>',
    ]
    if t.redacted:
        out.append(
            '<p class="redacted">'
            + html.escape(
                _(
                    "Redacted for sharing: names, e-mail addresses, phone numbers, card "
                    "numbers and IBANs are replaced by labels."
                )
            )
            + "</p>"
        )
    out.append(_meta(t, i18n))
    out.append(f"<h2>{html.escape(_('Conversation'))}</h2>")
    out.append('<table class="thread"><thead><tr>')
    bilingual = any(m.translation or m.back_translation or m.own_words for m in t.messages)
    heads = (_("From"), _("Written"), _("Translation")) if bilingual else (_("From"), _("Text"))
    for head in heads:
        out.append(f"<th>{html.escape(head)}</th>")
    out.append("</tr></thead><tbody>")
    for message in t.messages:
        out.append(_message(message, i18n, bilingual))
    out.append("</tbody></table>")
    if t.cut:
        count = i18n.ngettext("{n} later message not shown", "{n} later messages not shown", t.cut)
        out.append(f"<p>{html.escape(count.format(n=i18n.number(t.cut)))}</p>")
    if t.review is not None:
        out.append(_scorecard(t, i18n))
    out.append("</body></html>")
    return "\n".join(out)


def _meta(t: Transcript, i18n: I18n) -> str:
    _ = i18n._
    rows = [
        (_("Conversation"), t.uid),
        (_("Customer"), t.customer),
        (_("Country"), i18n.country_name(t.country) if t.country else ""),
        (_("Language"), i18n.language_name(t.language) if t.language else ""),
        (_("Channel"), _(CHANNEL_LABELS.get(t.channel, t.channel))),
        (_("Customer's time zone"), t.timezone),
        (_("Assignee"), t.assignee or _("Unassigned")),
        *t.handles,
    ]
    if t.first_at is not None and t.last_at is not None:
        rows.append((_("First message"), i18n.datetime(t.first_at)))
        rows.append((_("Last message"), i18n.datetime(t.last_at)))
    cells = "".join(
        f'<tr><td class="k">{_short(k, 60)}</td><td dir="auto">{_short(v)}</td></tr>'
        for k, v in rows
    )
    return f'<table class="meta">{cells}</table>'


def _labelled(label: str, text: str) -> str:
    return f'<div class="lbl">{html.escape(label)}</div>{_text_div(text)}'


def _message(m: TranscriptMessage, i18n: I18n, bilingual: bool) -> str:
    _ = i18n._
    kind = m.kind.value
    who = _short(m.author or (_("Customer") if m.kind is MessageKind.CUSTOMER else ""))
    if m.kind is MessageKind.NOTE:
        who += f'<div class="at">{html.escape(_("Internal note"))}</div>'
    who += f'<div class="at">{html.escape(i18n.datetime(m.at))}</div>'
    if m.held:
        who += f'<div class="at">{html.escape(_("Held for a human translator"))}</div>'
    written: list[str] = []
    translated: list[str] = []
    outgoing = m.kind is MessageKind.AGENT
    if outgoing and m.own_words:
        written.append(_labelled(_("Agent's words"), m.own_words))
        written.append(_labelled(_("Sent"), m.text))
    else:
        written.append(_text_div(m.text))
    if m.files:
        names = ", ".join(display_text(f, 120) for f in m.files)
        written.append(
            f'<div class="prov">{html.escape(_("Files: {names}").format(names=names))}</div>'
        )
    if m.translation:
        translated.append(_text_div(m.translation))
    if m.back_translation:
        translated.append(_labelled(_("Back-translation"), m.back_translation))
    if m.provenance is not None and (m.translation or m.own_words):
        label = provenance_text(i18n, m.provenance, outgoing=outgoing)
        translated.append(f'<div class="prov">{html.escape(label)}</div>')
    for finding in m.findings:
        text = _("Draft check shown at send: {rule} “{excerpt}”").format(
            rule=finding.rule_id, excerpt=display_text(finding.excerpt, 120)
        )
        translated.append(f'<div class="prov">{html.escape(text)}</div>')
    if not bilingual:  # nothing was translated: the labels and findings join the text
        written += translated
    cells = [written, translated] if bilingual else [written]
    row = f'<tr class="{kind}"><td class="who">{who}</td>' + "".join(
        f"<td>{''.join(cell)}</td>" for cell in cells
    )
    notes = "".join(_annotation(a, i18n) for a in m.annotations)
    span = len(cells)
    return (
        row
        + "</tr>"
        + (f'<tr class="ann"><td></td><td colspan="{span}">{notes}</td></tr>' if notes else "")
    )


def _annotation(a: TranscriptAnnotation, i18n: I18n) -> str:
    _ = i18n._
    kind = _(KIND_LABELS.get(a.kind, a.kind))
    severity = _(SEVERITY_LABELS.get(a.severity, a.severity))
    head = f"{kind} ({severity}) · {display_text(a.author, 80)}"
    parts = [f'<div class="lbl">{html.escape(head)}</div>']
    if a.body:
        parts.append(_text_div(a.body))
    if a.correction:
        parts.append(_labelled(_("Corrected translation"), a.correction))
    if a.reference:
        parts.append(_labelled(_("Concerns"), a.reference))
    return "<div>" + "".join(parts) + "</div>"


def _scorecard(t: Transcript, i18n: I18n) -> str:
    _ = i18n._
    review = t.review
    assert review is not None
    out = [f"<h2>{html.escape(_('QA scorecard'))}</h2>", '<table class="thread">']
    out.append(
        f"<tr><th>{html.escape(_('Criterion'))}</th><th>{html.escape(_('Points'))}</th></tr>"
    )
    for label, points, scale in review.scores:
        shown = f"{points} / {scale}" if scale else str(points)
        out.append(f"<tr><td>{_short(_(label))}</td><td>{html.escape(shown)}</td></tr>")
    out.append("</table>")
    facts = [
        (_("Reviewer"), review.reviewer),
        (_("Agent reviewed"), review.reviewed),
        (
            _("Total"),
            f"{i18n.number(round(review.total))} / 100" if review.total is not None else "—",
        ),
    ]
    out.append(
        '<table class="meta">'
        + "".join(
            f'<tr><td class="k">{html.escape(k)}</td><td>{_short(v)}</td></tr>' for k, v in facts
        )
        + "</table>"
    )
    if review.comment:
        out.append(_labelled(_("Comment"), review.comment))
    return "\n".join(out)
