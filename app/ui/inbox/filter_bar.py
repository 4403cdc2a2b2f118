"""Search box and filter menus above the conversation list; emits one InboxQuery."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.display import display_text
from app.domain.filters import AssigneeFilter, InboxQuery, SlaFilter, SortOrder
from app.domain.models import Agent, Channel, Status
from app.i18n import I18n
from app.knowledge.tags import tag_name
from app.ops import inbox
from app.ui.shell.accessible import name_icon_buttons
from app.ui.shell.debounce import debouncer
from app.ui.shell.icons import icon
from app.ui.shell.labels import ASSIGNEES, SLAS, SORTS, STATUSES, channel_label

SEARCH_DEBOUNCE_MS = 250
OPEN_AND_PENDING = "open+pending"
ALL_STATUSES = "all"


class FilterBar(QWidget):
    """The inbox's query editor.

    Signals:
        query_changed(object): the new InboxQuery, after any filter change or a
            pause in typing.
    """

    query_changed = Signal(object)

    def __init__(self, i18n: I18n, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._i18n = i18n
        _ = i18n._
        self._populating = True  # no queries while the menus are being built
        # Set by a queue or a saved view, kept across menu changes (no menu shows them).
        self._held = False
        self._mentioned = False
        self._held_for_me = False

        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setPlaceholderText(_("Search messages and customers"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.search.placeholderText())
        name_icon_buttons(self.search, _("Clear the search"))
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        name_icon_buttons(self.search, _("Search"))
        self.search.setMaxLength(500)
        self._debounce = debouncer(self, SEARCH_DEBOUNCE_MS, self._emit)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.search.returnPressed.connect(self._emit_now)

        def combo(name: str, tooltip: str) -> QComboBox:
            box = QComboBox(self)
            box.setObjectName(name)
            box.setToolTip(tooltip)
            box.setAccessibleName(tooltip)
            box.currentIndexChanged.connect(lambda _i: self._emit_now())
            return box

        self.status = combo("statusFilter", _("Status"))
        self.status.addItem(_("Open and pending"), OPEN_AND_PENDING)
        for status in Status:
            self.status.addItem(_(STATUSES[status]), status.value)
        self.status.addItem(_("All statuses"), ALL_STATUSES)
        self.assignee = combo("assigneeFilter", _("Assignee"))
        self.channel = combo("channelFilter", _("Channel"))
        self.language = combo("languageFilter", _("Language"))
        self.country = combo("countryFilter", _("Country or region"))
        self.sla = combo("slaFilter", _("SLA"))
        for sla in SlaFilter:
            self.sla.addItem(_(SLAS[sla]), sla.value)
        self.tag = combo("tagFilter", _("Tag"))
        self.sort = combo("sortOrder", _("Sort order"))
        for order in SortOrder:
            self.sort.addItem(_(SORTS[order]), order.value)
        for box in (self.assignee, self.language, self.country, self.tag):
            # Items from customer and server data: their length must not size the window.
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(14)
        self.set_options({}, ())

        # The queues above are the first way to find work; the eight menus fold away
        # (a 768-pixel-high screen keeps room for the list) behind "Filters (2)".
        self.more = QToolButton(self)
        self.more.setObjectName("moreFilters")
        self.more.setCheckable(True)
        self.more.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.more.toggled.connect(self._show_menus)
        self.menus = QWidget(self)
        grid = QGridLayout(self.menus)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        for position, box in enumerate(
            (
                self.status,
                self.assignee,
                self.sla,
                self.channel,
                self.language,
                self.country,
                self.tag,
                self.sort,
            )
        ):
            grid.addWidget(box, position // 2, position % 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(6)
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.search, 1)
        top.addWidget(self.more)
        layout.addLayout(top)
        layout.addWidget(self.menus)
        self.menus.hide()
        self._populating = False
        self._label_more()

    def _show_menus(self, shown: bool) -> None:
        self.menus.setVisible(shown)

    def _label_more(self) -> None:
        """ "Filters", or "Filters (2)" when two menus narrow the list (seen while folded)."""
        active = sum(
            box.currentIndex() > 0
            for box in (self.assignee, self.channel, self.language, self.country, self.sla)
        ) + (self.tag.currentIndex() > 0)
        active += self.status.currentData() != OPEN_AND_PENDING
        _ = self._i18n._
        self.more.setText(_("Filters ({count})").format(count=active) if active else _("Filters"))

    def set_options(self, values: dict[str, tuple[str, ...]], agents: tuple[Agent, ...]) -> None:
        """Fill the menus with what the store holds, keeping the current choices."""
        _ = self._i18n._
        self._populating = True
        try:
            self._refill(
                self.assignee,
                [(_(ASSIGNEES[a]), a.value) for a in AssigneeFilter]
                + [(agent.name, agent.id) for agent in agents],
            )
            self._refill(
                self.channel,
                [(_("All channels"), None)]
                + [(channel_label(self._i18n, Channel(c)), c) for c in values.get("channel", ())],
            )
            languages = sorted(
                ((self._i18n.language_name(code), code) for code in values.get("language", ())),
                key=lambda p: p[0],
            )
            self._refill(self.language, [(_("All languages"), None), *languages])
            countries = sorted(
                ((self._i18n.country_name(code), code) for code in values.get("country", ())),
                key=lambda p: p[0],
            )
            self._refill(self.country, [(_("All countries and regions"), None), *countries])
            language = self._i18n.ui_locale
            tags = [(tag_name(t, language), t) for t in values.get("tag", ())]
            self._refill(self.tag, [(_("All tags"), None), *tags])
        finally:
            self._populating = False

    @staticmethod
    def _refill(box: QComboBox, items: list[tuple[str, object]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        for text, data in items:
            box.addItem(display_text(text, 60), data)  # the data keeps the text as stored
        index = box.findData(current) if current is not None else 0
        box.setCurrentIndex(max(index, 0))
        box.blockSignals(False)

    def query(self) -> InboxQuery:
        """The InboxQuery the controls describe now.

        A search under the default status filter looks in every status: an order number
        from a resolved conversation must not come back as "0 conversations". A status
        the agent picked on purpose still narrows the search.
        """
        status = self.status.currentData()
        search = self.search.text().strip()
        if status == OPEN_AND_PENDING and inbox.is_search(search):
            statuses = frozenset(Status)
        elif status == OPEN_AND_PENDING:
            statuses = frozenset({Status.OPEN, Status.PENDING})
        elif status == ALL_STATUSES:
            statuses = frozenset(Status)
        else:
            statuses = frozenset({Status(status)})
        assignee_data = self.assignee.currentData()
        assignee: AssigneeFilter | int = (
            int(assignee_data)
            if isinstance(assignee_data, int)
            else AssigneeFilter(assignee_data or AssigneeFilter.ALL)
        )
        channel = self.channel.currentData()
        return InboxQuery(
            statuses=statuses,
            channel=Channel(channel) if channel else None,
            language=self.language.currentData(),
            country=self.country.currentData(),
            assignee=assignee,
            sla=SlaFilter(self.sla.currentData()),
            tag=self.tag.currentData(),
            search=search,
            sort=SortOrder(self.sort.currentData()),
            held=self._held,
            mentioned=self._mentioned,
            held_for_me=self._held_for_me,
        )

    def set_query(self, query: InboxQuery) -> None:
        """Show ``query`` in the controls (a queue or saved view was chosen) and run it once.

        A value the menus do not offer (a tag no conversation has any more) is added to its
        menu rather than silently dropped."""
        self._populating = True
        try:
            statuses = query.statuses
            if statuses == frozenset({Status.OPEN, Status.PENDING}):
                status = OPEN_AND_PENDING
            elif len(statuses) == 1:
                status = next(iter(statuses)).value
            else:
                status = ALL_STATUSES
            self._choose(self.status, status, str(status))
            assignee = query.assignee
            if isinstance(assignee, AssigneeFilter):
                self._choose(self.assignee, assignee.value, assignee.value)
            else:
                self._choose(self.assignee, assignee, f"#{assignee}")
            if query.channel is None:
                self._choose(self.channel, None, "")
            else:
                label = channel_label(self._i18n, query.channel)
                self._choose(self.channel, query.channel.value, label)
            language = query.language
            self._choose(self.language, language, language or "")
            self._choose(self.country, query.country, query.country or "")
            self._choose(self.sla, query.sla.value, query.sla.value)
            self._choose(self.tag, query.tag, tag_name(query.tag or "", self._i18n.ui_locale))
            self._choose(self.sort, query.sort.value, query.sort.value)
            self._held, self._mentioned = query.held, query.mentioned
            self._held_for_me = query.held_for_me
            self.search.blockSignals(True)
            self.search.setText(query.search)
            self.search.blockSignals(False)
        finally:
            self._populating = False
        self._emit_now()

    @staticmethod
    def _choose(box: QComboBox, data: object, text: str) -> None:
        index = box.findData(data) if data is not None else 0
        if index < 0:
            box.addItem(display_text(text, 60), data)
            index = box.count() - 1
        box.blockSignals(True)
        box.setCurrentIndex(index)
        box.blockSignals(False)

    def _emit_now(self) -> None:
        self._debounce.stop()
        self._emit()

    def _emit(self) -> None:
        if not self._populating:
            self._label_more()
            self.query_changed.emit(self.query())
