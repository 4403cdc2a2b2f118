"""The draft checker in the composer: after a pause in typing, the reply is checked off
the UI thread and each finding is shown where the agent looks - at its phrase.

A finding is a wavy underline in the editor; hovering it shows why and what to write
instead; right-clicking it offers *Replace with …* (when the rule has a replacement) and
*Ignore* (for this draft: remembered until the reply is sent or emptied). Under the
editor only a one-line strip says how many there are ("⚠ 3 suggestions ▸"); it expands
into one line per rule (a rule that matched three phrases is explained once). The
checker only advises: it never blocks sending.
"""

from __future__ import annotations

import dataclasses
import re
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import (
    QContextMenuEvent,
    QHelpEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QMenu,
    QPlainTextEdit,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.domain.models import MessageKind
from app.domain.text import normalize_for_match
from app.ops.context import AppContext
from app.ops.culture import CultureData, CustomerCulture, check_draft
from app.ui.conversation.header import plain_label
from app.ui.shell import style
from app.ui.shell.debounce import debouncer

if TYPE_CHECKING:
    from app.culture.checker import Finding

CHECK_DEBOUNCE_MS = 250
SHOWN_GROUPS = 6  # rules explained in the expanded strip; the rest are counted
SHOWN_EXCERPTS = 3  # phrases quoted per rule
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def utf16_offset(text: str, index: int) -> int:
    """Qt counts UTF-16 code units; Python counts code points (emoji differ)."""
    return len(text[:index].encode("utf-16-le")) // 2


def _ignore_key(finding: Finding) -> tuple[str, str]:
    return finding.rule_id, " ".join(normalize_for_match(finding.excerpt).split())


class FindingHighlighter(QSyntaxHighlighter):
    """A wavy underline under each finding."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._spans: list[tuple[int, int]] = []  # UTF-16 offsets in the whole document
        self._format = QTextCharFormat()
        self._format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self._format.setUnderlineColor(style.WARNING)
        self._format.setBackground(style.FLAG)  # follows the appearance

    @property
    def spans(self) -> list[tuple[int, int]]:
        return list(self._spans)

    def set_findings(self, text: str, findings: list[Finding]) -> None:
        self._spans = [(utf16_offset(text, f.start), utf16_offset(text, f.end)) for f in findings]
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        block = self.currentBlock()
        start, length = block.position(), block.length()
        for span_start, span_end in self._spans:
            if span_end <= start or span_start >= start + length:
                continue
            begin = max(span_start - start, 0)
            self.setFormat(begin, min(span_end - start, length) - begin, self._format)


class DraftCheck(QFrame):
    """What the checker found in the reply being written: underlines in ``editor`` and a
    one-line strip under it."""

    def __init__(self, ctx: AppContext, editor: QPlainTextEdit, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("draftCheck")
        self._ctx = ctx
        self.editor = editor
        self.data: CultureData | None = None
        self.culture: CustomerCulture | None = None
        self.customer_locale: str | None = None
        self.findings: list[Finding] = []  # shown: what the agent has not ignored
        self._found: list[Finding] = []  # everything the last check found
        self.ignored: set[tuple[str, str]] = set()  # (rule, phrase) ignored in this draft
        self.expanded = False
        self._text = ""
        self._kind = MessageKind.AGENT
        self.highlighter = FindingHighlighter(editor.document())
        self.toggle = QToolButton(self)
        self.toggle.setObjectName("draftFindingsToggle")
        self.toggle.setAutoRaise(True)
        self.toggle.clicked.connect(lambda: self.set_expanded(not self.expanded))
        self.summary = plain_label(self, "draftFindings")  # one line per rule, when expanded
        self.summary.setWordWrap(True)
        self.summary.hide()
        strip = QHBoxLayout()
        strip.setContentsMargins(0, 0, 0, 0)
        strip.addWidget(self.toggle)
        strip.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(strip)
        layout.addWidget(self.summary)
        self._debounce = debouncer(self, CHECK_DEBOUNCE_MS, self.check_now)
        self._viewport = editor.viewport()  # compared by identity: safe while it is torn down
        self._viewport.installEventFilter(self)
        self.hide()

    def set_data(self, data: CultureData) -> None:
        self.data = data
        self.check_now()

    def set_customer(self, culture: CustomerCulture | None, customer_locale: str | None) -> None:
        """Another conversation (or its culture arrived): check its draft for this customer."""
        self.culture, self.customer_locale = culture, customer_locale
        self._text = self.editor.toPlainText()
        self.check_now()

    def text_edited(self, kind: MessageKind, text: str) -> None:
        self._kind, self._text = kind, text
        if not text.strip():
            self.ignored.clear()  # the draft was sent or emptied: the next one starts afresh
        self._debounce.start()

    def check_now(self) -> None:
        """Compute lane; a newer check supersedes an older one."""
        data, text, culture = self.data, self._text, self.culture
        if data is None or self._kind is not MessageKind.AGENT or not text.strip():
            self._show(text, [])
            return
        language = "zh" if _HAN.search(text) else "en"
        ui_language = "zh_CN" if self._ctx.i18n.ui_locale.startswith("zh") else "en"
        locale = self.customer_locale
        self._ctx.tasks.run(
            lambda: check_draft(
                data,
                text,
                draft_language=language,
                culture=culture,
                customer_locale=locale,
                ui_language=ui_language,
            ),
            lambda findings: self._show(text, findings),
            key="draft-check",
            owner=self,
        )

    # ------------------------------------------------------------------ showing
    def _show(self, text: str, findings: list[Finding]) -> None:
        if text != self._text:
            return  # the agent typed on: a newer check is coming
        self._found = findings
        self.findings = [f for f in findings if _ignore_key(f) not in self.ignored]
        self.highlighter.set_findings(text, self.findings)
        self._update_strip()

    def _update_strip(self) -> None:
        i18n = self._ctx.i18n
        count = len(self.findings)
        label = i18n.ngettext("⚠ {count} suggestion", "⚠ {count} suggestions", count).format(
            count=count
        )
        self.toggle.setText(f"{label} {'▾' if self.expanded else '▸'}")
        lines = self.group_lines()
        self.summary.setText("\n".join(lines))
        self.toggle.setToolTip("\n".join(lines) if not self.expanded else "")
        self.summary.setVisible(self.expanded and bool(lines))
        self.setVisible(bool(self.findings))

    def set_expanded(self, expanded: bool) -> None:
        """The agent opened (or closed) the list of suggestions under the editor."""
        self.expanded = expanded
        self._update_strip()

    def group_lines(self) -> list[str]:
        """One line per rule, in the order the draft reads: its phrases, how often, why."""
        _ = self._ctx.i18n._
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.rule_id, []).append(finding)
        lines = []
        for found in list(groups.values())[:SHOWN_GROUPS]:
            first = found[0]
            excerpts = list(dict.fromkeys(f.excerpt for f in found))
            quoted = "”, “".join(excerpts[:SHOWN_EXCERPTS]) + ("…" if len(excerpts) > 3 else "")
            if len(found) == 1:
                line = _("“{excerpt}”: {why} Try: {suggestion}").format(
                    excerpt=quoted, why=first.explanation, suggestion=first.suggestion
                )
            else:
                line = _("“{excerpts}” ({count}×): {why} Try: {suggestion}").format(
                    excerpts=quoted,
                    count=len(found),
                    why=first.explanation,
                    suggestion=first.suggestion,
                )
            lines.append(f"⚠ {line}")
        if len(groups) > SHOWN_GROUPS:
            lines.append(_("and {count} more").format(count=len(groups) - SHOWN_GROUPS))
        return lines

    # ------------------------------------------------------------------ at the underline
    def finding_at(self, pos: QPoint) -> Finding | None:
        """The finding under ``pos`` (viewport coordinates), if any."""
        cursor = self.editor.cursorForPosition(pos)
        char = cursor.position()
        if pos.x() < self.editor.cursorRect(cursor).x():
            char -= 1  # the caret lands after the character the mouse is on
        spans = self.highlighter.spans
        for finding, (start, end) in zip(self.findings, spans, strict=True):
            if start <= char < end:
                return finding
        return None

    def tooltip_text(self, finding: Finding) -> str:
        """Why the phrase was flagged and what to write instead (shown on hover)."""
        _ = self._ctx.i18n._
        lines = [finding.explanation, _("Try: {suggestion}").format(suggestion=finding.suggestion)]
        if finding.replacement:
            lines.append(
                _("Right-click to replace it with “{text}”.").format(text=finding.replacement)
            )
        return "\n".join(lines)

    def menu_for(self, finding: Finding, menu: QMenu) -> QMenu:
        """Put Replace (when the rule has a replacement) and Ignore on top of ``menu``."""
        _ = self._ctx.i18n._
        first = menu.actions()[0] if menu.actions() else None
        actions = []
        if finding.replacement:
            replace = menu.addAction(_("Replace with “{text}”").format(text=finding.replacement))
            replace.setObjectName("replaceFinding")
            replace.triggered.connect(lambda: self.replace(finding))
            actions.append(replace)
        ignore = menu.addAction(
            _("Ignore “{excerpt}” in this reply").format(excerpt=finding.excerpt)
        )
        ignore.setObjectName("ignoreFinding")
        ignore.triggered.connect(lambda: self.ignore(finding))
        actions.append(ignore)
        if first is not None:
            for action in actions:
                menu.insertAction(first, action)
            menu.insertSeparator(first)
        return menu

    def replace(self, finding: Finding) -> bool:
        """Put the rule's replacement in place of the phrase (one undo step); False when
        the draft no longer has the phrase there."""
        text, replacement = self.editor.toPlainText(), finding.replacement
        if replacement is None or text[finding.start : finding.end] != finding.excerpt:
            return False
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(utf16_offset(text, finding.start))
        cursor.setPosition(utf16_offset(text, finding.end), QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(replacement)
        # Until the recheck, the other findings move with the text after the phrase.
        delta = len(replacement) - (finding.end - finding.start)
        moved = [
            f
            if f.end <= finding.start
            else dataclasses.replace(f, start=f.start + delta, end=f.end + delta)
            for f in self._found
            if f.end <= finding.start or f.start >= finding.end
        ]
        self._text = self.editor.toPlainText()
        self._show(self._text, moved)
        self._debounce.start()
        return True

    def ignore(self, finding: Finding) -> None:
        """Stop flagging this phrase for this rule while this draft lives."""
        self.ignored.add(_ignore_key(finding))
        self._show(self._text, self._found)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if not self.findings or watched is not self._viewport:
            return False
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            finding = self.finding_at(event.pos())
            if finding is None:
                QToolTip.hideText()
                return False
            html = "<br>".join(
                escape(line, quote=False) for line in self.tooltip_text(finding).split("\n")
            )
            QToolTip.showText(event.globalPos(), html, self.editor.viewport())
            return True
        if event.type() == QEvent.Type.ContextMenu and isinstance(event, QContextMenuEvent):
            finding = self.finding_at(event.pos())
            if finding is None:
                return False
            menu = self.menu_for(finding, self.editor.createStandardContextMenu(event.pos()))
            menu.exec(event.globalPos())
            menu.deleteLater()
            return True
        return False
