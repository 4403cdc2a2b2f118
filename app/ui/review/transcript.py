"""The two-column transcript of the review view: a list whose delegate lays each message
out as left | right (customer's words | translation; agent's words | exact text sent).

A list with a delegate, not a rich-text document: rows are measured only when they come
into view (batched layout), so a 500-message conversation opens at once, and every text
is drawn as plain text (customer text is never interpreted as HTML).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.domain.models import MessageKind
from app.domain.review import Annotation
from app.i18n import I18n
from app.ops.review_transcript import ReviewLine, ReviewTranscript
from app.ui.review.labels import annotation_line, finding_line
from app.ui.shell.labels import isolate, provenance_details, provenance_text

MARGIN = 8
GUTTER = 16
SPACING = 4
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the RowTexts of a row
MESSAGE_ROLE = Qt.ItemDataRole.UserRole + 2  # the message id
MUTED = QColor("#5F6B7A")
WARN = QColor("#8A5300")
PRAISE = QColor("#2E7D32")
NOTE_BG = QColor("#FFF8E1")
FLAGS = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft)
TALL = 1_000_000


@dataclass(frozen=True, slots=True)
class RowTexts:
    """Everything one row shows, already in the reviewer's language."""

    message_id: int
    head: str  # who and when
    left_title: str
    left: str
    right_title: str  # translation / sent text, with its provenance
    right: str
    right_missing: bool  # "not translated": drawn muted
    back: str  # the back-translation line ("" when none)
    notes: tuple[str, ...]  # draft-check findings at send time, then annotations
    tooltip: str
    note: bool  # an internal note

    def accessible(self) -> str:
        parts = [self.head, self.left_title, self.left, self.right_title, self.right, self.back]
        return "\n".join(p for p in (*parts, *self.notes) if p)


def row_texts(
    i18n: I18n, line: ReviewLine, annotations: tuple[Annotation, ...], *, fresh: bool = False
) -> RowTexts:
    """The labels of one message (plain strings; the delegate only lays them out).
    ``fresh``: the back-translation was made now, for the review (not cached)."""
    _ = i18n._
    message = line.message
    who = message.author_name or ""
    when = i18n.datetime(message.created_at)
    notes = [finding_line(i18n, f) for f in line.findings]
    notes += [annotation_line(i18n, a) for a in annotations]
    tooltip = provenance_details(i18n, line.provenance) if line.provenance else ""
    if message.kind is MessageKind.CUSTOMER:
        head = _("Customer · {when}").format(when=when)
        if line.right is None:
            right_title, right, missing = _("Translation"), _("Not translated"), True
        else:
            assert line.provenance is not None
            right_title = _("Translation · {how}").format(
                how=provenance_text(i18n, line.provenance)
            )
            right, missing = line.right, False
        return RowTexts(
            message.id,
            head,
            _("What the customer wrote"),
            line.left,
            right_title,
            right,
            missing,
            "",
            tuple(notes),
            tooltip,
            False,
        )
    if message.kind is MessageKind.NOTE:
        head = _("Internal note · {who} · {when}").format(who=isolate(who), when=when)
        return RowTexts(message.id, head, "", line.left, "", "", False, "", tuple(notes), "", True)
    head = _("Agent {who} · {when}").format(who=isolate(who), when=when)
    if line.provenance is not None:
        how = provenance_text(i18n, line.provenance, outgoing=True)
    elif message.original_body is None:
        how = _("Sent as written")
    else:
        how = _("Translated")
    if line.back and fresh:
        back = _("Back-translation (made now): {text}").format(text=line.back)
    elif line.back:
        back = _("Back-translation: {text}").format(text=line.back)
    elif message.original_body is not None:
        back = _("No back-translation cached")
    else:
        back = ""
    return RowTexts(
        message.id,
        head,
        _("The agent's own words"),
        line.left,
        _("Sent to the customer · {how}").format(how=how),
        line.right or "",
        False,
        back,
        tuple(notes),
        tooltip,
        False,
    )


class TranscriptModel(QAbstractListModel):
    """The transcript's rows (one per message); annotations are set apart, by message."""

    def __init__(self, i18n: I18n, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._i18n = i18n
        self.transcript: ReviewTranscript | None = None
        # Built when a row is first shown (formatting 500 dates up front costs more than
        # the rest of the opening).
        self._rows: list[RowTexts | None] = []
        self._annotations: dict[int, tuple[Annotation, ...]] = {}
        self._fresh: set[int] = set()  # back-translations made for this review

    def set_transcript(
        self, transcript: ReviewTranscript, annotations: tuple[Annotation, ...] = ()
    ) -> None:
        self.beginResetModel()
        self.transcript = transcript
        self._annotations = _by_message(annotations)
        self._rows = [None] * len(transcript.lines)
        self._fresh = set()
        self.endResetModel()

    def set_annotations(self, annotations: tuple[Annotation, ...]) -> None:
        """New annotations: only the rows whose annotations changed are redrawn."""
        if self.transcript is None:
            return
        before, self._annotations = self._annotations, _by_message(annotations)
        for row, line in enumerate(self.transcript.lines):
            mid = line.message.id
            if before.get(mid, ()) != self._annotations.get(mid, ()):
                self._rows[row] = None
                index = self.index(row)
                self.dataChanged.emit(index, index)
        # Heights changed: the view measures the rows again.
        self.layoutChanged.emit()

    def set_back(self, message_id: int, text: str) -> None:
        """A reply's back-translation, made now (none was cached): shown under it."""
        row = self.row_of(message_id)
        if row is None or self.transcript is None:
            return
        lines = list(self.transcript.lines)
        lines[row] = dataclasses.replace(lines[row], back=text)
        self.transcript = dataclasses.replace(self.transcript, lines=tuple(lines))
        self._fresh.add(message_id)
        self._rows[row] = None
        self.dataChanged.emit(self.index(row), self.index(row))
        self.layoutChanged.emit()  # its height changed

    def annotations_for(self, message_id: int) -> tuple[Annotation, ...]:
        return self._annotations.get(message_id, ())

    def line(self, row: int) -> ReviewLine | None:
        if self.transcript is None or not 0 <= row < len(self.transcript.lines):
            return None
        return self.transcript.lines[row]

    def row_of(self, message_id: int) -> int | None:
        lines = self.transcript.lines if self.transcript is not None else ()
        return next((i for i, line in enumerate(lines) if line.message.id == message_id), None)

    def texts(self, row: int) -> RowTexts:
        """The row's texts (made on first use)."""
        texts = self._rows[row]
        if texts is None:
            assert self.transcript is not None
            line = self.transcript.lines[row]
            mid = line.message.id
            texts = row_texts(
                self._i18n, line, self._annotations.get(mid, ()), fresh=mid in self._fresh
            )
            self._rows[row] = texts
        return texts

    def rowCount(  # noqa: N802 - Qt override
        self, parent: QModelIndex | QPersistentModelIndex | None = None
    ) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self.texts(index.row())
        if role == ROW_ROLE:
            return row
        if role == MESSAGE_ROLE:
            return row.message_id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return row.accessible()
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tooltip or None
        return None


def _by_message(annotations: tuple[Annotation, ...]) -> dict[int, tuple[Annotation, ...]]:
    grouped: dict[int, list[Annotation]] = {}
    for annotation in annotations:
        grouped.setdefault(annotation.message_id, []).append(annotation)
    return {mid: tuple(items) for mid, items in grouped.items()}


class TranscriptDelegate(QStyledItemDelegate):
    """Lays one row out: a head line, then two aligned columns, then the notes."""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        small = QFont(option.font)
        small.setPointSizeF(max(small.pointSizeF() * 0.9, 7.0))
        bold = QFont(small)
        bold.setBold(True)
        return small, bold

    @staticmethod
    def _height(metrics: QFontMetrics, width: int, text: str) -> int:
        if not text:
            return 0
        return metrics.boundingRect(QRect(0, 0, max(width, 20), TALL), FLAGS, text).height()

    def _layout(
        self, option: QStyleOptionViewItem, row: RowTexts
    ) -> tuple[int, int, int, int, int, list[int]]:
        """Column width, and the heights of: head, left block, right block, back, notes."""
        rect: QRect = option.rect
        body = QFontMetrics(option.font)
        small, bold = self._fonts(option)
        sm, bm = QFontMetrics(small), QFontMetrics(bold)
        width = max(rect.width(), 200) - 2 * MARGIN
        column = width if row.note else (width - GUTTER) // 2
        head = bm.height()
        left = (sm.height() + SPACING if row.left_title else 0) + self._height(
            body, column, row.left
        )
        right = 0
        if not row.note:
            right = sm.height() + SPACING + self._height(body, column, row.right)
        back = self._height(sm, column, row.back) + SPACING if row.back else 0
        notes = [self._height(sm, width, n) for n in row.notes]
        return column, head, left, right, back, notes

    def sizeHint(  # noqa: N802 - Qt override
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        row = index.data(ROW_ROLE)
        if not isinstance(row, RowTexts):
            return super().sizeHint(option, index)
        _column, head, left, right, back, notes = self._layout(option, row)
        height = MARGIN + head + SPACING + max(left, right + back) + MARGIN
        height += sum(h + SPACING for h in notes)
        rect: QRect = option.rect
        return QSize(max(rect.width(), 200), height)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        row = index.data(ROW_ROLE)
        if not isinstance(row, RowTexts):
            super().paint(painter, option, index)
            return
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight).lighter(175))
        elif row.note:
            painter.fillRect(rect, NOTE_BG)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        column, head, left, right, back, notes = self._layout(option, row)
        small, bold = self._fonts(option)
        text_color = palette.color(QPalette.ColorRole.Text)
        x, y = rect.left() + MARGIN, rect.top() + MARGIN
        painter.setFont(bold)
        painter.setPen(text_color)
        painter.drawText(QRect(x, y, rect.width() - 2 * MARGIN, head), FLAGS, row.head)
        y += head + SPACING
        self._column(painter, option, x, y, column, row.left_title, row.left, False)
        if not row.note:
            rx = x + column + GUTTER
            self._column(
                painter, option, rx, y, column, row.right_title, row.right, row.right_missing
            )
            if row.back:
                painter.setFont(small)
                painter.setPen(MUTED)
                painter.drawText(QRect(rx, y + right + SPACING, column, back), FLAGS, row.back)
        y += max(left, right + back)
        painter.setFont(small)
        painter.setPen(WARN)
        for text, height in zip(row.notes, notes, strict=True):
            y += SPACING
            painter.setPen(PRAISE if text.startswith("★") else WARN)
            painter.drawText(QRect(x, y, rect.width() - 2 * MARGIN, height), FLAGS, text)
            y += height
        painter.restore()

    def _column(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        x: int,
        y: int,
        width: int,
        title: str,
        text: str,
        muted: bool,
    ) -> None:
        small, _bold = self._fonts(option)
        palette: QPalette = option.palette
        if title:
            painter.setFont(small)
            painter.setPen(MUTED)
            painter.drawText(QRect(x, y, width, QFontMetrics(small).height()), FLAGS, title)
            y += QFontMetrics(small).height() + SPACING
        font: QFont = option.font
        painter.setFont(font)
        painter.setPen(MUTED if muted else palette.color(QPalette.ColorRole.Text))
        height = self._height(QFontMetrics(font), width, text)
        painter.drawText(QRect(x, y, width, height), FLAGS, text)


class TranscriptView(QListView):
    """The transcript list: rows measured lazily, one message selected at a time."""

    def __init__(self, model: TranscriptModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewTranscript")
        self.setModel(model)
        self.setItemDelegate(TranscriptDelegate(self))
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(40)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
