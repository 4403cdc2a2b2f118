"""Paints one conversation in the list: who, where, what they said, and how urgent.

Everything is drawn with ``QPainter.drawText`` on plain strings, so customer
text can never be interpreted as markup; each field is drawn on its own so a
bidi override in a customer's name cannot reorder the rest of the row.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.domain.display import display_text, isolated
from app.domain.filters import DUE_SOON_SECONDS
from app.domain.lang import primary_language
from app.domain.models import ConversationRow, MessageKind, Status
from app.i18n import I18n
from app.knowledge.tags import tag_name
from app.ops.matches import Match
from app.ui.inbox.model import MATCH_ROLE, ROW_ROLE
from app.ui.shell import style
from app.ui.shell.icons import channel_icon
from app.ui.shell.labels import status_label

PAD = 10
ICON = 22
# Customer fields are cut to this many characters before they are measured: eliding a
# 100,000-character name by pixel width took the UI thread two minutes.
NAME_CHARS = 120
PREVIEW_CHARS = 300
BADGE_CHARS = 8
TAG_CHARS = 40
MATCH_BACKGROUND = QColor(style.THEMES["light"]["match"])  # a highlighter pen (light theme)


class ConversationDelegate(QStyledItemDelegate):
    """Three-line rows: name/country/SLA, last message/unread, local time/assignee/status."""

    def __init__(self, i18n: I18n, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._i18n = i18n

    @staticmethod
    def row_height(font: QFont) -> int:
        """Every row has this height (three lines of text and padding)."""
        return PAD * 2 + QFontMetrics(font).height() * 3 + 8

    def sizeHint(  # noqa: N802
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(320, self.row_height(option.font))

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        painter.save()
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.fillRect(rect, style.SELECTION if selected else style.BASE)
        if selected and style.HIGH_CONTRAST:  # a selection seen without telling colours apart
            painter.setPen(style.FOCUS)
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        painter.setPen(style.DIVIDER)
        painter.drawLine(rect.left() + PAD, rect.bottom(), rect.right() - PAD, rect.bottom())
        row: ConversationRow | None = index.data(ROW_ROLE)
        if row is None:
            self._paint_placeholder(painter, rect, option.direction)
        else:
            self._paint_row(painter, option, rect, row, index)
        painter.restore()

    # ------------------------------------------------------------------ pieces
    def _paint_placeholder(
        self, painter: QPainter, rect: QRect, direction: Qt.LayoutDirection
    ) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.PLACEHOLDER)
        x = rect.left() + PAD * 2 + ICON
        for shape in (
            QRect(rect.left() + PAD, rect.top() + PAD, ICON, ICON),
            QRect(x, rect.top() + PAD + 2, 140, 10),
            QRect(x, rect.top() + PAD + 24, rect.width() - x - PAD * 2, 9),
        ):
            painter.drawRoundedRect(QStyle.visualRect(direction, rect, shape), 4, 4)

    def _paint_row(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        rect: QRect,
        row: ConversationRow,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        i18n = self._i18n
        model = option.widget.model() if option.widget is not None else None  # type: ignore[attr-defined]
        now = getattr(model, "now", 0)
        base = QFont(option.font)
        metrics = QFontMetrics(base)
        line_h = metrics.height()
        top = rect.top() + PAD
        left = rect.left() + PAD
        right = rect.right() - PAD

        # Laid out left to right, each box mirrored for a right-to-left UI (Arabic).
        def box(logical: QRect) -> QRect:
            return QStyle.visualRect(option.direction, rect, logical)

        start = QStyle.visualAlignment(option.direction, Qt.AlignmentFlag.AlignLeft)
        line = start | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
        channel_icon(row.channel).paint(painter, box(QRect(left, top, ICON, ICON)))
        text_left = left + ICON + PAD

        # line 1: SLA chip on the right, then name and country/language badges
        chip_right = right
        sla = self._sla_text(row, now)
        if sla is not None:
            text, colour = sla
            small = QFont(base)
            small.setPointSizeF(max(base.pointSizeF() - 1, 7))
            small.setBold(True)
            sm = QFontMetrics(small)
            width = sm.horizontalAdvance(text) + 12
            chip = box(QRect(right - width, top, width, line_h))
            painter.setPen(Qt.PenStyle.NoPen)
            fill = QColor(colour)
            fill.setAlpha(28)
            painter.setBrush(fill)
            painter.drawRoundedRect(chip, line_h / 2, line_h / 2)
            painter.setPen(colour)
            painter.setFont(small)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
            chip_right = right - width - 6

        badge_font = QFont(base)
        badge_font.setPointSizeF(max(base.pointSizeF() - 2, 7))
        badge_metrics = QFontMetrics(badge_font)
        badges = [
            display_text(row.country, BADGE_CHARS),
            display_text(primary_language(row.language).upper(), BADGE_CHARS),
        ]
        badge_width = sum(badge_metrics.horizontalAdvance(b) + 10 for b in badges) + 4 * len(badges)
        name_font = QFont(base)
        name_font.setBold(True)
        name_metrics = QFontMetrics(name_font)
        name_space = max(chip_right - text_left - badge_width - 6, 40)
        name = name_metrics.elidedText(
            display_text(row.customer_name, NAME_CHARS), Qt.TextElideMode.ElideRight, name_space
        )
        painter.setFont(name_font)
        painter.setPen(style.TEXT)
        # The customer's own words read in their own direction (a Japanese preview keeps
        # its "…" at its end in an Arabic UI), at the UI's start side.
        painter.setLayoutDirection(Qt.LayoutDirection.LayoutDirectionAuto)
        painter.drawText(box(QRect(text_left, top, name_space, line_h)), line, name)
        painter.setLayoutDirection(option.direction)
        x = text_left + name_metrics.horizontalAdvance(name) + 8
        painter.setFont(badge_font)
        for badge in badges:
            w = badge_metrics.horizontalAdvance(badge) + 10
            frame = box(
                QRect(
                    x,
                    top + (line_h - badge_metrics.height() - 2) // 2,
                    w,
                    badge_metrics.height() + 2,
                )
            )
            painter.setPen(style.DIVIDER)
            painter.setBrush(style.CHIP)
            painter.drawRoundedRect(frame, 4, 4)
            painter.setPen(style.MUTED)
            painter.drawText(frame, Qt.AlignmentFlag.AlignCenter, badge)
            x += w + 4

        # line 2: last message preview, unread count on the right
        top2 = top + line_h + 4
        preview_right = right
        if row.unread_count:
            count = str(row.unread_count) if row.unread_count < 100 else "99+"
            bold = QFont(base)
            bold.setBold(True)
            bold.setPointSizeF(max(base.pointSizeF() - 1, 7))
            width = max(QFontMetrics(bold).horizontalAdvance(count) + 10, line_h)
            bubble = box(QRect(right - width, top2, width, line_h))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(style.ACCENT)
            painter.drawRoundedRect(bubble, line_h / 2, line_h / 2)
            painter.setPen(style.ACCENT_TEXT)
            painter.setFont(bold)
            painter.drawText(bubble, Qt.AlignmentFlag.AlignCenter, count)
            preview_right = right - width - 6
        match = index.data(MATCH_ROLE)
        if isinstance(match, Match):
            self._paint_match(
                painter, base, box(QRect(text_left, top2, preview_right - text_left, line_h)), match
            )
        preview = display_text(row.last_message_preview, PREVIEW_CHARS)
        if row.last_message_kind is MessageKind.AGENT:
            preview = i18n._("You: {text}").format(text=isolated(preview, PREVIEW_CHARS))
        preview_font = QFont(base)
        preview_font.setBold(row.unread_count > 0)
        painter.setFont(preview_font)
        painter.setPen(style.TEXT if row.unread_count else style.MUTED)
        space = preview_right - text_left
        if not isinstance(match, Match):
            painter.setLayoutDirection(Qt.LayoutDirection.LayoutDirectionAuto)
            painter.drawText(
                box(QRect(text_left, top2, space, line_h)),
                line,
                QFontMetrics(preview_font).elidedText(preview, Qt.TextElideMode.ElideRight, space),
            )
            painter.setLayoutDirection(option.direction)

        # line 3: customer's local time, assignee, status, tags
        top3 = top2 + line_h + 2
        parts = [i18n._("{time} local").format(time=i18n.time(now, row.timezone))] if now else []
        parts.append(
            isolated(row.assignee_name, TAG_CHARS) if row.assignee_name else i18n._("Unassigned")
        )
        if row.status is not Status.OPEN:
            label = status_label(i18n, row.status)
            if row.status is Status.SNOOZED and row.snooze_until_reply:
                label = i18n._("Snoozed until the customer replies")
            elif row.status is Status.SNOOZED and row.snoozed_until:
                label = i18n._("Snoozed until {when}").format(
                    when=i18n.day_and_time(row.snoozed_until, now)
                )
            parts.append(label)
        if row.tags:
            shown = (tag_name(tag, i18n.ui_locale) for tag in row.tags[:2])
            tags = ", ".join(isolated(tag, TAG_CHARS) for tag in shown)
            parts.append(tags + ("…" if len(row.tags) > 2 else ""))
        small = QFont(base)
        small.setPointSizeF(max(base.pointSizeF() - 1, 7))
        painter.setFont(small)
        painter.setPen(style.FAINT)
        meta = "  ·  ".join(parts)
        painter.drawText(
            box(QRect(text_left, top3, right - text_left, line_h)),
            line,
            QFontMetrics(small).elidedText(meta, Qt.TextElideMode.ElideRight, right - text_left),
        )

    def _paint_match(self, painter: QPainter, font: QFont, box: QRect, match: Match) -> None:
        """A search result's matched text, the matches on a highlight: laid out as plain
        text by QTextLayout (bidi-correct, never markup), clipped to the row's width."""
        layout = QTextLayout(match.text, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.NoWrap)
        layout.setTextOption(option)
        ranges = []
        for start, end in match.spans:
            marked = QTextLayout.FormatRange()
            marked.start, marked.length = start, end - start
            marked.format = QTextCharFormat()
            marked.format.setBackground(style.MATCH)
            marked.format.setForeground(style.MATCH_TEXT)
            marked.format.setFontWeight(QFont.Weight.DemiBold)
            ranges.append(marked)
        layout.setFormats(ranges)
        layout.beginLayout()
        line = layout.createLine()
        if line.isValid():
            line.setLineWidth(1_000_000)
        layout.endLayout()
        painter.save()
        painter.setClipRect(box)
        painter.setPen(style.MUTED)
        top = box.top() + (box.height() - QFontMetrics(font).height()) / 2
        layout.draw(painter, QPointF(box.left(), top))
        painter.restore()

    def _sla_text(self, row: ConversationRow, now: int) -> tuple[str, QColor] | None:
        if row.sla_due_at is None or row.status not in (Status.OPEN, Status.PENDING) or not now:
            return None
        remaining = row.sla_due_at - now
        duration = self._i18n.duration(remaining)
        if remaining < 0:
            return self._i18n._("Overdue {duration}").format(duration=duration), style.DANGER
        colour = style.WARNING if remaining < DUE_SOON_SECONDS else style.MUTED
        return self._i18n._("Due in {duration}").format(duration=duration), colour
