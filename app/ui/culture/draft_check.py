"""The draft checker in the composer: after a pause in typing, the reply is checked off
the UI thread; findings are underlined in the editor and listed under it with the
reason and a suggestion. It never blocks sending."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from app.domain.models import MessageKind
from app.ops.context import AppContext
from app.ops.culture import CultureData, CustomerCulture, check_draft
from app.ui.conversation.header import plain_label

if TYPE_CHECKING:
    from app.culture.checker import Finding

CHECK_DEBOUNCE_MS = 250
SHOWN_FINDINGS = 4
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def utf16_offset(text: str, index: int) -> int:
    """Qt counts UTF-16 code units; Python counts code points (emoji differ)."""
    return len(text[:index].encode("utf-16-le")) // 2


class FindingHighlighter(QSyntaxHighlighter):
    """A wavy underline under each finding."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._spans: list[tuple[int, int]] = []  # UTF-16 offsets in the whole document
        self._format = QTextCharFormat()
        self._format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self._format.setUnderlineColor(QColor("#D97706"))
        self._format.setBackground(QColor("#FFF4E0"))

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
    """Under the composer: what the checker found in the reply being written."""

    def __init__(self, ctx: AppContext, editor_document: QTextDocument, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("draftCheck")
        self._ctx = ctx
        self.data: CultureData | None = None
        self.culture: CustomerCulture | None = None
        self.customer_locale: str | None = None
        self.findings: list[Finding] = []
        self._text = ""
        self._kind = MessageKind.AGENT
        self.highlighter = FindingHighlighter(editor_document)
        self.summary = plain_label(self, "draftFindings")
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(CHECK_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.check_now)
        self.hide()

    def set_data(self, data: CultureData) -> None:
        self.data = data
        self.check_now()

    def set_customer(self, culture: CustomerCulture | None, customer_locale: str | None) -> None:
        """Another conversation (or its culture arrived): check its draft for this customer."""
        self.culture, self.customer_locale = culture, customer_locale
        self._text = self.highlighter.document().toPlainText()
        self.check_now()

    def text_edited(self, kind: MessageKind, text: str) -> None:
        self._kind, self._text = kind, text
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

    def _show(self, text: str, findings: list[Finding]) -> None:
        if text != self._text:
            return  # the agent typed on: a newer check is coming
        _ = self._ctx.i18n._
        self.findings = findings
        self.highlighter.set_findings(text, findings)
        lines = [
            _("“{excerpt}”: {why} Try: {suggestion}").format(
                excerpt=f.excerpt, why=f.explanation, suggestion=f.suggestion
            )
            for f in findings[:SHOWN_FINDINGS]
        ]
        if len(findings) > SHOWN_FINDINGS:
            lines.append(_("and {count} more").format(count=len(findings) - SHOWN_FINDINGS))
        self.summary.setText("\n".join(f"⚠ {line}" for line in lines))
        self.setVisible(bool(findings))
