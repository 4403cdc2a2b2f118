"""Above the thread: who the customer is, their local time, and the conversation actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.display import display_text
from app.domain.models import Agent, ConversationDetail, Status
from app.domain.snooze import SnoozePreset, local_zone, snooze_choices
from app.i18n import N_, I18n
from app.knowledge.tags import tag_name
from app.ui.conversation.channel_window import ChannelStatus
from app.ui.shell.elided import ElidedLabel
from app.ui.shell.icons import channel_icon, icon
from app.ui.shell.labels import STATUSES, channel_label

# Offered in the language menu besides the conversation's own (BCP 47).
COMMON_LANGUAGES = (
    "ar",
    "de",
    "en",
    "es",
    "fil",
    "fr",
    "hi",
    "id",
    "it",
    "ja",
    "ko",
    "ms",
    "nl",
    "pl",
    "pt",
    "pt-BR",
    "ru",
    "th",
    "tr",
    "vi",
    "zh",
    "zh-TW",
)

COMPACT_SLACK = 12  # px of room a text button keeps beyond its measured text before it folds
MAX_TAG_CHIPS = 6  # more would widen the header: the rest are counted and in the Tags menu
MENU_CHARS = 60  # a tag or agent name in a menu or on a button

SNOOZE_LABELS = {
    SnoozePreset.ONE_HOUR: N_("For 1 hour"),
    SnoozePreset.THREE_HOURS: N_("For 3 hours"),
    SnoozePreset.TOMORROW_MORNING: N_("Until your next morning ({when})"),
    SnoozePreset.CUSTOMER_MORNING: N_("Until the customer's morning ({when})"),
    SnoozePreset.NEXT_WEEK: N_("Until next week ({when})"),
}


def plain_label(parent: QWidget, name: str = "") -> QLabel:
    """A label that can show customer text: plain text only, never rich text or links."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


class FoldingToolButton(QToolButton):
    """A menu button that can fold to its icon (its text then in the tooltip): its
    minimum is the icon alone, so the header never makes the window wide."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Never wider than its text, and allowed down to its icon (the header then folds it).
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        if self.icon().isNull():
            return super().minimumSizeHint()
        return QSize(self.iconSize().width() + 12, super().minimumSizeHint().height())

    def unfolded_width(self) -> int:
        """The width it needs with its text beside the icon (whatever it shows now)."""
        icon_only = self.iconSize().width() + 12
        text = self.fontMetrics().horizontalAdvance(self.text().replace("&&", "&"))
        return icon_only + text + COMPACT_SLACK

    def fold(self, folded: bool) -> None:
        style = Qt.ToolButtonStyle
        self.setToolButtonStyle(
            style.ToolButtonIconOnly if folded else style.ToolButtonTextBesideIcon
        )
        self.setToolTip(self.text().replace("&&", "&") if folded else self._tip)

    def set_tip(self, tip: str) -> None:
        """The tooltip shown when it is not folded."""
        self._tip = tip
        if self.toolButtonStyle() is not Qt.ToolButtonStyle.ToolButtonIconOnly:
            self.setToolTip(tip)

    _tip = ""


def menu_text(text: str) -> str:
    """Text for a menu entry: a single '&' would otherwise become a keyboard mnemonic."""
    return text.replace("&", "&&")


class ConversationHeader(QFrame):
    """Customer identity and local time, tags, and status/assign/snooze/tag actions.

    Signals:
        status_requested(object): a Status chosen by the agent.
        snooze_requested(int): snooze until this epoch second.
        assign_requested(object): an agent id, or None to unassign.
        tag_toggled(str, bool): add (True) or remove (False) a tag.
        new_tag_requested(): the agent wants to type a new tag.
        language_chosen(object): the conversation's language (BCP 47), or None to detect it.
    """

    status_requested = Signal(object)
    language_chosen = Signal(object)
    snooze_requested = Signal(int)
    snooze_until_reply_requested = Signal()  # "Until the customer replies"
    snooze_pick_requested = Signal()  # "Pick a date and time…" (the snooze dialog)
    assign_requested = Signal(object)
    tag_toggled = Signal(str, bool)
    new_tag_requested = Signal()

    def __init__(
        self,
        i18n: I18n,
        clock: Callable[[], int],
        parent: QWidget | None = None,
        zone: Callable[[], tzinfo] = local_zone,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("paneHeader")
        self._i18n = i18n
        self._clock = clock
        self._zone = zone  # the agent's real zone (with its DST rules), asked at each use
        _ = i18n._
        self.detail: ConversationDetail | None = None
        self._agents: tuple[Agent, ...] = ()
        self._tags: tuple[str, ...] = ()

        self.channel_icon = QLabel(self)
        # Customer text is elided to the room it gets: it never sizes the window.
        # At least ~8 characters of a name always show; a longer name is elided.
        self.customer_name = ElidedLabel(i18n, self, "customerName", min_chars=8)
        self.facts = ElidedLabel(i18n, self, "muted")
        self.subject = ElidedLabel(i18n, self, "muted", max_chars=300)
        self.channel_status = ChannelStatus(i18n, self)  # reply window, typing
        self.tags_row = QHBoxLayout()
        self.tags_row.setSpacing(4)

        self.resolve_button = QPushButton(icon("check-circle"), _("Resolve"), self)
        self.resolve_button.setObjectName("resolveButton")
        self.resolve_button.clicked.connect(self._resolve_clicked)
        self.status_button = self._menu_button("statusButton", _("Status"), None)
        self.assign_button = self._menu_button("assignButton", _("Assign"), "user")
        self.snooze_button = self._menu_button("snoozeButton", _("Snooze"), "clock")
        self.tag_button = self._menu_button("tagButton", _("Tags"), "tag")
        self.language_button = self._menu_button("languageButton", _("Language"), "globe")
        self.language_button.set_tip(
            _("The customer's language: detected from their messages, or chosen by you")
        )
        # Narrow windows fold these to their icons (the status and Resolve keep their text).
        self.folding = (
            self.language_button,
            self.tag_button,
            self.assign_button,
            self.snooze_button,
        )
        self.folded = False
        self.language_button.menu().aboutToShow.connect(self._fill_language_menu)
        self.status_button.menu().aboutToShow.connect(self._fill_status_menu)
        self.assign_button.menu().aboutToShow.connect(self._fill_assign_menu)
        self.snooze_button.menu().aboutToShow.connect(self._fill_snooze_menu)
        self.tag_button.menu().aboutToShow.connect(self._fill_tag_menu)

        name_row = QHBoxLayout()
        name_row.setSpacing(8)
        name_row.addWidget(self.channel_icon)
        name_row.addWidget(self.customer_name, 1)
        for button in (
            self.language_button,
            self.tag_button,
            self.assign_button,
            self.snooze_button,
            self.status_button,
            self.resolve_button,
        ):
            name_row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(4)
        layout.addLayout(name_row)
        facts_row = QHBoxLayout()
        facts_row.addWidget(self.facts, 1)
        facts_row.addWidget(self.channel_status)
        layout.addLayout(facts_row)
        layout.addWidget(self.subject)
        layout.addLayout(self.tags_row)

    def _menu_button(self, name: str, text: str, icon_name: str | None) -> FoldingToolButton:
        button = FoldingToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        if icon_name:
            button.setIcon(icon(icon_name))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setMenu(QMenu(button))
        return button

    # ------------------------------------------------------------------ fitting
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.fit_buttons()

    def fit_buttons(self) -> None:
        """Fold the menu buttons to icons when their texts do not fit the width."""
        row = self.layout()
        margins = row.contentsMargins() if row is not None else None
        spare = self.width() - (margins.left() + margins.right() if margins else 0)
        fixed = (
            self.channel_icon.sizeHint().width()
            + self.customer_name.minimumSizeHint().width()
            + self.status_button.sizeHint().width()
            + self.resolve_button.sizeHint().width()
            + 8 * (len(self.folding) + 3)
        )
        needed = fixed + sum(button.unfolded_width() for button in self.folding)
        self.folded = spare < needed
        for button in self.folding:
            button.fold(self.folded)

    # ------------------------------------------------------------------ content
    def set_choices(self, agents: tuple[Agent, ...], tags: tuple[str, ...]) -> None:
        """The agents and tags the menus offer."""
        self._agents = agents
        self._tags = tags

    def show_detail(self, detail: ConversationDetail, now: int) -> None:
        self.detail = detail
        _ = self._i18n._
        row = detail.row
        self.channel_icon.setPixmap(channel_icon(row.channel).pixmap(22, 22))
        self.channel_icon.setToolTip(channel_label(self._i18n, row.channel))
        self.customer_name.setText(detail.customer.name)
        self.channel_status.show_detail(detail, now)
        self.update_clock(now)
        self.subject.setText(row.subject or "")
        self.subject.setVisible(bool(row.subject))
        self.resolve_button.setText(_("Reopen") if row.status is Status.RESOLVED else _("Resolve"))
        self.set_detected_language(detail.language_override or row.language)
        assignee = display_text(row.assignee_name, MENU_CHARS) or _("Unassigned")
        self.assign_button.setText(menu_text(assignee))
        self.status_button.setText(_(STATUSES[row.status]))
        while self.tags_row.count():
            item = self.tags_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for tag in row.tags[:MAX_TAG_CHIPS]:
            chip = ElidedLabel(self._i18n, self, "tagChip", max_chars=40)
            chip.setText(tag_name(tag, self._i18n.ui_locale))
            self.tags_row.addWidget(chip)
        if len(row.tags) > MAX_TAG_CHIPS:
            more = QLabel(_("+{count} more").format(count=len(row.tags) - MAX_TAG_CHIPS), self)
            more.setObjectName("muted")
            self.tags_row.addWidget(more)
        self.tags_row.addStretch(1)
        self.fit_buttons()

    def set_detected_language(self, tag: str) -> None:
        """Show the conversation's language on its button (marked when the agent chose it)."""
        name = display_text(self._i18n.language_name(tag), MENU_CHARS)
        chosen = self.detail is not None and self.detail.language_override is not None
        self.language_button.setText(menu_text(name + (" ✓" if chosen else "")))
        self.fit_buttons()

    def update_clock(self, now: int) -> None:
        """Refresh the customer's local time (called every 30 s)."""
        if self.detail is None:
            return
        i18n = self._i18n
        customer = self.detail.customer
        local = i18n.time(now, customer.timezone)
        facts = [
            i18n.country_name(customer.country),
            i18n.language_name(self.detail.row.language),
            channel_label(i18n, self.detail.row.channel),
            i18n._("{time} local time").format(time=local),
        ]
        self.facts.setText("  ·  ".join(facts))
        self.channel_status.tick(now)

    # ------------------------------------------------------------------ menus
    def _resolve_clicked(self) -> None:
        if self.detail is not None:
            resolved = self.detail.row.status is Status.RESOLVED
            self.status_requested.emit(Status.OPEN if resolved else Status.RESOLVED)

    def _fill_status_menu(self) -> None:
        menu = self.status_button.menu()
        menu.clear()
        group = QActionGroup(menu)
        for status in (Status.OPEN, Status.PENDING, Status.RESOLVED):
            action = QAction(self._i18n._(STATUSES[status]), menu)
            action.setCheckable(True)
            action.setChecked(self.detail is not None and self.detail.row.status is status)
            action.triggered.connect(lambda _c=False, s=status: self.status_requested.emit(s))
            group.addAction(action)
            menu.addAction(action)

    def _fill_assign_menu(self) -> None:
        menu = self.assign_button.menu()
        menu.clear()
        current = self.detail.row.assignee_id if self.detail else None
        for agent in self._agents:
            action = menu.addAction(menu_text(display_text(agent.name, MENU_CHARS)))
            action.setCheckable(True)
            action.setChecked(agent.id == current)
            action.triggered.connect(lambda _c=False, a=agent.id: self.assign_requested.emit(a))
        menu.addSeparator()
        unassign = menu.addAction(self._i18n._("Unassign"))
        unassign.setEnabled(current is not None)
        unassign.triggered.connect(lambda: self.assign_requested.emit(None))

    def _fill_snooze_menu(self) -> None:
        menu = self.snooze_button.menu()
        menu.clear()
        if self.detail is None:
            return
        now = self._clock()
        for choice in snooze_choices(now, self._zone(), self.detail.customer.timezone):
            label = self._i18n._(SNOOZE_LABELS[choice.preset])
            zone = (
                self.detail.customer.timezone
                if choice.preset is SnoozePreset.CUSTOMER_MORNING
                else None
            )
            when = self._i18n.day_and_time(choice.until, now, zone)
            action = menu.addAction(label.format(when=when))
            action.triggered.connect(lambda _c=False, u=choice.until: self.snooze_requested.emit(u))
        menu.addSeparator()
        reply = menu.addAction(self._i18n._("Until the customer replies"))
        reply.triggered.connect(self.snooze_until_reply_requested.emit)
        pick = menu.addAction(self._i18n._("Pick a date and time…"))
        pick.triggered.connect(self.snooze_pick_requested.emit)

    def _fill_language_menu(self) -> None:
        menu = self.language_button.menu()
        menu.clear()
        override = self.detail.language_override if self.detail else None
        current = self.detail.row.language if self.detail else None
        auto = menu.addAction(self._i18n._("Detect from the customer's messages"))
        auto.setCheckable(True)
        auto.setChecked(override is None)
        auto.triggered.connect(lambda: self.language_chosen.emit(None))
        menu.addSeparator()
        codes = sorted(
            {*COMMON_LANGUAGES, *(c for c in (current, override) if c)},
            key=self._i18n.language_name,
        )
        for code in codes:
            name = display_text(self._i18n.language_name(code), MENU_CHARS)
            action = menu.addAction(menu_text(name))
            action.setCheckable(True)
            action.setChecked(code == override)
            action.triggered.connect(lambda _c=False, tag=code: self.language_chosen.emit(tag))

    def _fill_tag_menu(self) -> None:
        menu = self.tag_button.menu()
        menu.clear()
        present = set(self.detail.row.tags) if self.detail else set()
        for tag in sorted(set(self._tags) | present):
            shown = tag_name(tag, self._i18n.ui_locale)
            action = menu.addAction(menu_text(display_text(shown, MENU_CHARS)))
            action.setCheckable(True)
            action.setChecked(tag in present)
            action.triggered.connect(lambda checked, t=tag: self.tag_toggled.emit(t, checked))
        menu.addSeparator()
        menu.addAction(self._i18n._("New tag…")).triggered.connect(self.new_tag_requested.emit)
