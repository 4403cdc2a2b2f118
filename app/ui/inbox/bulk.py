"""Actions on the conversations selected in the inbox (Ctrl/Shift-click, Ctrl+A): a bar
above the list and the list's context menu. Assign to…, Add tag…, Resolve, Snooze…,
Set pending, Reopen; each one transaction, then "Resolved 12 conversations · Undo".

Merging is another engineer's: it plugs into :attr:`BulkBar.pair_actions`, offered when
exactly two conversations are selected.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
)

from app.domain.display import display_text
from app.domain.models import Agent, Status
from app.domain.snooze import SnoozePreset, local_zone, snooze_choices
from app.knowledge.tags import tag_name
from app.ops import bulk
from app.ops.bulk import MAX_BULK, BulkResult
from app.ops.context import AppContext
from app.ops.types import Store
from app.ui.conversation.header import SNOOZE_LABELS, plain_label
from app.ui.shell.icons import icon
from app.ui.shell.labels import localize

PairAction = Callable[[QMenu, tuple[int, int]], None]
RowAction = Callable[[QMenu, int], None]
NAME_CHARS = 40


class BulkBar(QFrame):
    """ "12 selected · Assign to… · Add tag… · Resolve · Snooze… · More", shown while two
    or more conversations are selected.

    Signals:
        changed(object): the Changes of a bulk action (the window's change path).
        undo_offered(str, object): what happened, and the work that undoes it
            (``Callable[[Store], Changes]``) for the window's undo bar.
    """

    changed = Signal(object)
    undo_offered = Signal(str, object)

    def __init__(
        self,
        ctx: AppContext,
        selection: Callable[[], list[int | None]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bulkBar")
        self._ctx = ctx
        self._selection = selection
        self.agents: tuple[Agent, ...] = ()
        self.tags: tuple[str, ...] = ()
        # Hook: called with the menu and the two ids when exactly two are selected
        # ("Merge conversations…" plugs in here).
        self.pair_actions: list[PairAction] = []
        # Hook: called with the right-click menu and the id when exactly one is selected
        # ("Review conversation", "Data request…" plug in here).
        self.row_actions: list[RowAction] = []
        _ = ctx.i18n._
        self.count = plain_label(self, "bulkCount")
        self.assign_button = self._button("bulkAssign", _("Assign to…"), "user", self.fill_assign)
        self.tag_button = self._button("bulkTag", _("Add tag…"), "tag", self.fill_tags)
        self.resolve_button = QToolButton(self)
        self.resolve_button.setObjectName("bulkResolve")
        self.resolve_button.setText(_("Resolve"))
        self.resolve_button.setIcon(icon("check-circle"))
        # The one action named in words: the most used, and the one that empties the view.
        self.resolve_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.resolve_button.clicked.connect(lambda: self.set_status(Status.RESOLVED))
        self.snooze_button = self._button("bulkSnooze", _("Snooze…"), "clock", self.fill_snooze)
        self.more_button = self._button("bulkMore", _("More"), None, self.fill_more)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 2, 10, 2)
        layout.setSpacing(2)
        layout.addWidget(self.count)
        layout.addStretch(1)
        for button in (
            self.assign_button,
            self.tag_button,
            self.resolve_button,
            self.snooze_button,
            self.more_button,
        ):
            layout.addWidget(button)
        self.hide()

    def _button(
        self, name: str, text: str, icon_name: str | None, fill: Callable[[QMenu], None]
    ) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setToolTip(text)
        button.setAccessibleName(text)
        if icon_name:  # icons only: the left pane is narrow, the tooltip names them
            button.setIcon(icon(icon_name))
        else:
            button.setText(text)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)

        def refill() -> None:
            menu.clear()
            fill(menu)

        menu.aboutToShow.connect(refill)
        button.setMenu(menu)
        return button

    # ------------------------------------------------------------ state
    def set_choices(self, agents: tuple[Agent, ...], tags: tuple[str, ...]) -> None:
        """Agents to assign to and tags to add (the filter menus' values)."""
        self.agents, self.tags = agents, tags

    def selection_changed(self) -> None:
        """Show the bar for two or more selected, with the count (and the limit if over)."""
        count = len(self._selection())
        _ = self._ctx.i18n
        if count < 2:
            self.hide()
            return
        if count > MAX_BULK:
            text = _._("{count} selected: at most {limit} at once").format(
                count=_.number(count), limit=_.number(MAX_BULK)
            )
        else:
            text = _.ngettext("{count} selected", "{count} selected", count).format(
                count=_.number(count)
            )
        self.count.setText(text)
        for button in (
            self.assign_button,
            self.tag_button,
            self.resolve_button,
            self.snooze_button,
        ):
            button.setEnabled(count <= MAX_BULK)
        self.show()

    # ------------------------------------------------------------ menus
    def fill_assign(self, menu: QMenu) -> None:
        _ = self._ctx.i18n._
        me = self._ctx.workspace.me_id
        if me is not None:
            menu.addAction(_("Me")).triggered.connect(lambda: self.assign(me))
            menu.addSeparator()
        for agent in self.agents:
            if agent.id == me:
                continue
            action = menu.addAction(display_text(agent.name, NAME_CHARS))
            action.triggered.connect(lambda _c=False, a=agent.id: self.assign(a))
        menu.addSeparator()
        menu.addAction(_("Unassign")).triggered.connect(lambda: self.assign(None))

    def fill_tags(self, menu: QMenu) -> None:
        _ = self._ctx.i18n._
        for tag in self.tags[:50]:
            action = menu.addAction(
                display_text(tag_name(tag, self._ctx.i18n.ui_locale), NAME_CHARS)
            )
            action.triggered.connect(lambda _c=False, t=tag: self.add_tag(t))
        if self.tags:
            menu.addSeparator()
        menu.addAction(_("New tag…")).triggered.connect(lambda: self.add_tag(None))

    def fill_snooze(self, menu: QMenu) -> None:
        """The header's snooze choices in the agent's time (the customers' mornings differ)."""
        now = self._ctx.clock()
        zone = local_zone()
        for choice in snooze_choices(now, zone, "UTC"):
            if choice.preset is SnoozePreset.CUSTOMER_MORNING:
                continue
            label = self._ctx.i18n._(SNOOZE_LABELS[choice.preset])
            when = self._ctx.i18n.day_and_time(choice.until, now, None)
            action = menu.addAction(label.format(when=when))
            action.triggered.connect(lambda _c=False, u=choice.until: self.snooze(u))

    def fill_more(self, menu: QMenu) -> None:
        _ = self._ctx.i18n._
        menu.addAction(_("Set pending")).triggered.connect(lambda: self.set_status(Status.PENDING))
        menu.addAction(_("Reopen")).triggered.connect(lambda: self.set_status(Status.OPEN))
        self.add_pair_actions(menu)

    def add_pair_actions(self, menu: QMenu) -> None:
        """The hook for actions on exactly two conversations (Merge conversations…)."""
        ids = self._selection()
        if len(ids) != 2 or None in ids or not self.pair_actions:
            return
        first, second = ids
        assert first is not None and second is not None
        menu.addSeparator()
        for add in self.pair_actions:
            add(menu, (first, second))

    def context_menu(self) -> QMenu:
        """The list's right-click menu on the selection: every bulk action."""
        _ = self._ctx.i18n._
        menu = QMenu(self)
        menu.addAction(icon("check-circle"), _("Resolve")).triggered.connect(
            lambda: self.set_status(Status.RESOLVED)
        )
        for title, fill in (
            (_("Assign to…"), self.fill_assign),
            (_("Add tag…"), self.fill_tags),
            (_("Snooze…"), self.fill_snooze),
        ):
            fill(menu.addMenu(title))
        self.fill_more(menu)
        ids = [i for i in self._selection() if i is not None]
        if len(ids) == 1 and self.row_actions:
            menu.addSeparator()
            for add in self.row_actions:
                add(menu, ids[0])
        return menu

    # ------------------------------------------------------------ actions
    def set_status(self, status: Status) -> None:
        i18n, now = self._ctx.i18n, self._ctx.clock()
        templates = {
            Status.RESOLVED: ("Resolved {count} conversation", "Resolved {count} conversations"),
            Status.PENDING: (
                "Set {count} conversation to pending",
                "Set {count} conversations to pending",
            ),
            Status.OPEN: ("Reopened {count} conversation", "Reopened {count} conversations"),
        }
        one, many = templates[status]
        self._run(
            lambda repo, ids: bulk.set_status(repo, ids, status, now),
            lambda n: i18n.ngettext(one, many, n).format(count=i18n.number(n)),
        )

    def assign(self, agent_id: int | None) -> None:
        i18n, now = self._ctx.i18n, self._ctx.clock()
        name = next((a.name for a in self.agents if a.id == agent_id), "")
        agent = display_text(name, NAME_CHARS)

        def text(n: int) -> str:
            if agent_id is None:
                template = i18n.ngettext(
                    "Unassigned {count} conversation", "Unassigned {count} conversations", n
                )
            else:
                template = i18n.ngettext(
                    "Assigned {count} conversation to {agent}",
                    "Assigned {count} conversations to {agent}",
                    n,
                )
            return template.format(count=i18n.number(n), agent=agent)

        self._run(lambda repo, ids: bulk.assign(repo, ids, agent_id, now), text)

    def add_tag(self, tag: str | None) -> None:
        i18n, now = self._ctx.i18n, self._ctx.clock()
        if tag is None:
            tag, ok = QInputDialog.getText(
                self, i18n._("Add tag"), i18n._("Tag:"), QLineEdit.EchoMode.Normal
            )
            if not ok:
                return
        name = tag
        self._run(
            lambda repo, ids: bulk.add_tag(repo, ids, name, now),
            lambda n: i18n.ngettext(
                "Tagged {count} conversation “{tag}”", "Tagged {count} conversations “{tag}”", n
            ).format(count=i18n.number(n), tag=display_text(" ".join(name.split()), NAME_CHARS)),
        )

    def snooze(self, until: int) -> None:
        i18n, now = self._ctx.i18n, self._ctx.clock()
        self._run(
            lambda repo, ids: bulk.snooze(repo, ids, until, now),
            lambda n: i18n.ngettext(
                "Snoozed {count} conversation", "Snoozed {count} conversations", n
            ).format(count=i18n.number(n)),
        )

    def _run(
        self,
        work: Callable[[Store, Sequence[int]], BulkResult],
        text: Callable[[int], str],
    ) -> None:
        """Run a bulk action on the selection; say what happened and offer Undo."""
        ids = self._selection()
        i18n = self._ctx.i18n
        if len(ids) > MAX_BULK:
            self.selection_changed()  # says the limit
            return
        if None in ids:  # Ctrl+A on a long list whose ids are still on their way
            self._say(i18n._("The selection is still loading: try again in a moment"))
            return
        chosen = [cid for cid in ids if cid is not None]

        def done(result: BulkResult) -> None:
            if result.count:
                token = result.undo
                message = text(result.count)
                self.undo_offered.emit(message, lambda repo, now: bulk.undo(repo, token, now))
            else:
                self._say(i18n._("Nothing to change: the selection was already like that"))
            self.changed.emit(result.changes)

        self._ctx.tasks.run_store(
            lambda repo: work(repo, chosen),
            done,
            lambda e: self._say(localize(i18n, e)),
            owner=self,
        )

    def _say(self, text: str) -> None:
        """A message where the agent is looking (the count's place in the bar)."""
        self.count.setText(text)
        self.count.setToolTip(text)
        self.show()
