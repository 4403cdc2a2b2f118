"""The debrief at the end of a practice conversation (and of a stored attempt, later).

It is drawn from the play's report (:func:`app.training.report.play_json`, the JSON an
attempt keeps), so a trainer sees exactly what the trainee saw, on any machine the attempt
synced to: the total score, the score per rubric criterion with its reasons, the
scenario's expected behaviours met or missed, each finding under the reply it was found
in, the timeline with response times, the path through the scenario, the ending's note
and the author's model answer. Every text from the report is escaped: a scenario may come
from another team.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from PySide6.QtCore import QByteArray, QUrl, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.i18n import I18n
from app.ui.training.labels import (
    criterion_label,
    duration,
    end_state_label,
    outcome_label,
    translation_of,
)

MAX_SHOWN_STEPS = 80
MAX_TEXT = 2000


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    return escape(str(value if value is not None else "")[:limit])


def _seconds(value: Any) -> float:
    """A time from a stored report (it may have synced from another backend): never raises."""
    try:
        seconds = float(value or 0)
    except (TypeError, ValueError):
        return 0.0
    return seconds if 0 <= seconds < 10**7 else 0.0


def _index(value: Any, default: int = -1) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _number(i18n: I18n, value: Any) -> str:
    try:
        return i18n.number(round(float(value), 1))
    except (TypeError, ValueError):
        return "–"


def _heading(level: int, text: str) -> str:
    return f"<h{level}>{_text(text)}</h{level}>"


def _header_row(titles: Sequence[str], widths: Sequence[str] = ()) -> str:
    cells = []
    for title, width in zip(titles, [*widths, *[""] * len(titles)], strict=False):
        size = f' width="{width}"' if width else ""
        cells.append(f"<th align=left{size}>{_text(title)}</th>")
    return "<tr>" + "".join(cells) + "</tr>"


def score_colour(score: float) -> str:
    return "#2E7D32" if score >= 75 else "#B25E09" if score >= 50 else "#C62828"


def debrief_html(i18n: I18n, report: Mapping[str, Any], title: str) -> str:
    """The debrief as (escaped) HTML for a read-only text view."""
    _ = i18n._
    language = str(report.get("trainee_language") or "en")
    score = _seconds(report.get("score"))  # a number 0-100, read as safely
    ending = report.get("ending") or {}
    parts = [_heading(2, _("Debrief: {title}").format(title=title))]
    state = end_state_label(i18n, str(ending.get("state", "")))
    outcome = outcome_label(i18n, str(ending.get("outcome", "")))
    parts.append(
        f'<p><span style="font-size:36pt; font-weight:700; color:{score_colour(score)}">'
        f"{_text(_number(i18n, score))}</span>"
        f'<span style="font-size:14pt; color:#5F6B7A"> / 100</span>&nbsp;&nbsp;&nbsp;'
        f"<b>{_text(state)}</b> · {_text(outcome)}</p>"
    )
    if ending.get("note"):
        parts.append(f"<p>{_text(ending['note'])}</p>")
    parts.append(_heading(3, _("Scores by criterion")))
    parts.append(_criteria_table(i18n, report.get("criteria") or []))
    expectations = report.get("expectations") or []
    if expectations:
        parts.append(_heading(3, _("What this scenario expected")) + "<ul>")
        for item in expectations:
            mark = "✓" if item.get("met") else "✗"
            colour = "#2E7D32" if item.get("met") else "#C62828"
            met = _("met") if item.get("met") else _("missed")
            parts.append(
                f'<li><span style="color:{colour}">{mark}</span> {_text(item.get("label"))}'
                f" — {_text(met)}</li>"
            )
        parts.append("</ul>")
    parts.append(_heading(3, _("The conversation, with what was found")))
    parts.append(_transcript(i18n, report, language))
    parts.append(_heading(3, _("Timeline")))
    parts.append(_timeline(i18n, report.get("timeline") or []))
    path = [str(p) for p in report.get("path") or []]
    if path:
        parts.append(_heading(3, _("Your path through the scenario")))
        parts.append(f"<p>{' → '.join(_text(p, 60) for p in path[:MAX_SHOWN_STEPS])}</p>")
    model = report.get("model_answer") or []
    if model:
        parts.append(_heading(3, _("Model answer (by the scenario author)")))
        parts.extend(
            f'<p style="background:#E6EFFD; padding:6px">{_text(line)}</p>' for line in model
        )
    return "\n".join(parts)


def _criteria_table(i18n: I18n, criteria: Sequence[Mapping[str, Any]]) -> str:
    _ = i18n._
    rows = [
        '<table width="100%" cellspacing="0" cellpadding="4" border="1"'
        ' style="border-color:#E4E7EB">',
        _header_row([_("Criterion"), _("Points"), _("Why")], ["28%", "10%", "62%"]),
    ]
    for item in criteria:
        label = criterion_label(i18n, str(item.get("key", "")), item.get("label"))
        reasons = "<br>".join(_text(r) for r in item.get("reasons") or []) or "—"
        rows.append(
            f"<tr><td>{_text(label)}</td>"
            f"<td align=center>{_text(item.get('points'))} / {_text(item.get('scale'))}</td>"
            f"<td>{reasons}</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows)


def _findings_by_reply(report: Mapping[str, Any]) -> dict[int, list[Mapping[str, Any]]]:
    by_reply: dict[int, list[Mapping[str, Any]]] = {}
    for finding in report.get("findings") or []:
        try:
            by_reply.setdefault(_index(finding.get("reply", 0), 0), []).append(finding)
        except (TypeError, ValueError):
            continue
    return by_reply


def _transcript(i18n: I18n, report: Mapping[str, Any], language: str) -> str:
    """Each message; under each reply its response time and its findings."""
    _ = i18n._
    findings = _findings_by_reply(report)
    try_text = _("Try: {suggestion}")
    parts = []
    reply_number = 0
    for step in (report.get("transcript") or [])[:MAX_SHOWN_STEPS]:
        at = duration(_seconds(step.get("at")))
        if step.get("who") == "customer":
            who = _("Customer reminder") if step.get("nudge") else _("Customer")
            parts.append(
                f'<p style="background:#F3F5F8; padding:6px"><b>{_text(who)}</b> '
                f'<span style="color:#5F6B7A">{_text(at)}</span><br>{_text(step.get("text"))}'
            )
            translated = translation_of(step, language)
            if translated:
                label = _("Author's translation")
                parts.append(
                    f'<br><span style="color:#5F6B7A">{_text(label)}: {_text(translated)}</span>'
                )
            parts.append("</p>")
            continue
        reply_number += 1
        response = step.get("response_seconds")
        took = (
            _("answered after {time}").format(time=duration(_seconds(response)))
            if response is not None
            else ""
        )
        title = _("Your reply {n}").format(n=reply_number)
        parts.append(
            f'<p style="background:#E6EFFD; padding:6px"><b>{_text(title)}</b> '
            f'<span style="color:#5F6B7A">{_text(at)} · {_text(took)}</span><br>'
            f"{_text(step.get('text'))}</p>"
        )
        found = findings.get(reply_number) or findings.get(_index(step.get("index")), [])
        for finding in found:
            parts.append(
                '<p style="margin-left:24px; background:#FFF4E0; padding:4px">⚠ '
                f"“{_text(finding.get('excerpt'), 200)}”: {_text(finding.get('explanation'))}"
                f"<br><i>{_text(try_text.format(suggestion=finding.get('suggestion') or ''))}"
                "</i></p>"
            )
    return "\n".join(parts)


def _timeline(i18n: I18n, timeline: Sequence[Mapping[str, Any]]) -> str:
    _ = i18n._
    rows = [
        '<table cellspacing="0" cellpadding="3" border="1" style="border-color:#E4E7EB">',
        _header_row(["#", _("Who"), _("At"), _("Response time")]),
    ]
    for item in timeline[:MAX_SHOWN_STEPS]:
        who = _("Customer") if item.get("who") == "customer" else _("You")
        response = item.get("response_seconds")
        took = duration(_seconds(response)) if response is not None else ""
        rows.append(
            f"<tr><td>{_text(_index(item.get('step', 0), 0) + 1)}</td><td>{_text(who)}</td>"
            f"<td align=center>{_text(duration(_seconds(item.get('at'))))}</td>"
            f"<td align=center>{_text(took)}</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows)


class DebriefView(QWidget):
    """The debrief page: the report, then Try again and Back to scenarios.

    Signals:
        try_again(): play the same scenario again with the same options.
        back(): back to the list of scenarios.
    """

    try_again = Signal()
    back = Signal()

    def __init__(self, i18n: I18n, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("debriefView")
        self._i18n = i18n
        _ = i18n._
        self.report: Mapping[str, Any] | None = None
        self.score_label = QLabel(self)
        self.score_label.setObjectName("debriefScore")
        self.recorded = QLabel(self)
        self.recorded.setObjectName("muted")
        self.recorded.setWordWrap(True)
        self.body = _SafeBrowser(self)
        self.body.setObjectName("debriefBody")
        self.try_button = QPushButton(_("Try again"), self)
        self.try_button.setObjectName("primary")
        self.try_button.clicked.connect(self.try_again.emit)
        self.back_button = QPushButton(_("Back to scenarios"), self)
        self.back_button.clicked.connect(self.back.emit)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(14, 8, 14, 10)
        buttons.addWidget(self.recorded, 1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.try_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.body, 1)
        layout.addLayout(buttons)

    def show_report(self, report: Mapping[str, Any], title: str) -> None:
        self.report = report
        self.score_label.setText(_number(self._i18n, report.get("score")))
        try:
            page = debrief_html(self._i18n, report, title)
        except (AttributeError, KeyError, TypeError, ValueError):  # a record of another shape
            # (an attempt synced from another backend): say so, show its text, never fail
            page = _heading(2, title) + "<p>{}</p><pre>{}</pre>".format(
                _text(self._i18n._("This attempt's record cannot be read as a debrief.")),
                _text(json.dumps(report, ensure_ascii=False, indent=1, default=str), 20_000),
            )
        self.body.setHtml(page)
        self.body.document().setDocumentMargin(18)
        self.set_recorded(None)

    def set_recorded(self, text: str | None) -> None:
        """Where the attempt went (recorded, not recorded for a test-play, refused)."""
        self.recorded.setText(text or "")

    def text(self) -> str:
        """What the reader sees (tests)."""
        return self.body.toPlainText()


class _SafeBrowser(QTextBrowser):
    """A read-only text view that loads nothing (no images, no links followed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.document().setDocumentMargin(18)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # noqa: N802 - Qt override
        return QByteArray()
