"""Search box and filter menus above the conversation list; emits one InboxQuery."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLineEdit, QVBoxLayout, QWidget

from app.domain.display import display_text
from app.domain.filters import AssigneeFilter, InboxQuery, SlaFilter, SortOrder
from app.domain.models import Agent, Channel, Status
from app.i18n import I18n
from app.ops import inbox
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

        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setPlaceholderText(_("Search messages and customers"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setMaxLength(500)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._emit)
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

        grid = QGridLayout()
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
        layout.setContentsMargins(10, 10, 10, 6)
        layout.setSpacing(8)
        layout.addWidget(self.search)
        layout.addLayout(grid)
        self._populating = False

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
            self._refill(
                self.tag, [(_("All tags"), None)] + [(t, t) for t in values.get("tag", ())]
            )
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
        )

    def _emit_now(self) -> None:
        self._debounce.stop()
        self._emit()

    def _emit(self) -> None:
        if not self._populating:
            self.query_changed.emit(self.query())
