"""Reminders of data-request deadlines: a toast in the window when an open request is due
within :data:`REMIND_WITHIN` and again when it is overdue, once per request per day.

Checked when the window starts, every :data:`CHECK_MS` and after requests change. The
days already reminded are kept in the window's UI state (a restart the same day does not
remind again). Statutory deadlines are reminded whatever the notification settings say:
missing one is a breach of the law, not a missed chat message. The toasts are the
window's own (:mod:`app.ui.notify.toasts`, shared with the notification controller's
when it made them), reachable with the keyboard as theirs are; where the workspace's
notification controller has a system tray icon, the reminder is a desktop notification.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QTimer, Signal

from app.i18n import I18n
from app.ops import privacy
from app.ops.context import AppContext
from app.ops.notifications import Kind, Notification
from app.ops.privacy import RequestRow
from app.ui.notify.controller import NotificationController
from app.ui.notify.toasts import ToastStack, is_locked
from app.ui.notify.tray import Tray
from app.ui.privacy import texts

if TYPE_CHECKING:
    from app.ui.shell.main_window import MainWindow

REMIND_WITHIN = 3 * 24 * 3600
CHECK_MS = 15 * 60_000
STATE_KEY = "privacy/reminded"
MAX_REMEMBERED = 500  # request ids remembered with their last reminder day
MAX_SINGLE = 3  # more than this in one check: one summary


def reminder_texts(i18n: I18n, rows: list[RequestRow]) -> list[Notification]:
    """What to say for ``rows`` (one each, or one summary for many)."""
    if len(rows) > MAX_SINGLE:
        overdue = sum(1 for r in rows if r.overdue)
        title = i18n.ngettext(
            "{count} data request is due within 3 days or overdue",
            "{count} data requests are due within 3 days or overdue",
            len(rows),
        ).format(count=i18n.number(len(rows)))
        body = (
            i18n.ngettext("{count} is overdue.", "{count} are overdue.", overdue).format(
                count=i18n.number(overdue)
            )
            if overdue
            else ""
        )
        return [Notification(Kind.DATA_REQUEST, None, title, body)]
    result = []
    for row in rows:
        who = texts.customer_text(i18n, row.customer_name)
        if row.overdue:
            title = i18n._("Data request overdue: {customer}").format(customer=who)
        else:
            title = i18n._("Data request due in {duration}: {customer}").format(
                duration=i18n.duration(max(row.seconds_left, 0)), customer=who
            )
        body = i18n._("{kind} request, due {date} · {left}").format(
            kind=texts.kind_label(i18n, row.kind),
            date=i18n.day(row.due_at),
            left=texts.time_left(i18n, row),
        )
        result.append(Notification(Kind.DATA_REQUEST, None, title, body))
    return result


class Reminders(QObject):
    """Checks the deadlines and shows the reminders due.

    Signals:
        reminded(object): a Notification shown.
        counted(int, int): after each check, the requests due soon and how many are overdue.
    """

    reminded = Signal(object)
    counted = Signal(int, int)  # open requests due within REMIND_WITHIN, of them overdue

    def __init__(
        self,
        ctx: AppContext,
        window: MainWindow,
        open_queue: Callable[[], object],
        ui_state: QSettings | None = None,
    ) -> None:
        super().__init__(window)
        self._ctx = ctx
        self._window = window
        self._open_queue = open_queue
        self._ui_state = ui_state
        self.toasts: ToastStack | None = None
        self.given: dict[str, str] = self._load()  # request uid -> "overdue:" or "" + the day
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        now, lang = self._ctx.clock(), self._ctx.i18n.ui_locale
        self._ctx.tasks.run_store(
            lambda store: privacy.due_soon(store, now, REMIND_WITHIN, lang),
            lambda rows: self._remind(rows, now),
            key="data-request-reminders",
            owner=self,
        )

    def _remind(self, rows: list[RequestRow], now: int) -> None:
        self.counted.emit(len(rows), sum(1 for r in rows if r.overdue))
        day = dt.datetime.fromtimestamp(now, dt.UTC).astimezone().date().isoformat()
        fresh = []
        for row in rows:
            mark = ("overdue:" if row.overdue else "") + day
            if self.given.get(row.uid) != mark:  # once a day; becoming overdue is news
                fresh.append(row)
                self.given[row.uid] = mark
        if not fresh:
            return
        self._save()
        tray = self._tray()
        for notification in reminder_texts(self._ctx.i18n, fresh):
            if tray is not None:
                tray.show_notification(notification, locked=is_locked(self._window))
            else:
                self._toasts().show_notification(notification)
            self.reminded.emit(notification)

    def _tray(self) -> Tray | None:
        """The system tray of the workspace's notification controller, where there is one
        (a signed-in workspace on a desktop with a tray): the reminder reaches the agent
        with the window minimized; a click brings the window forward."""
        sync = self._window.sync
        owner = sync.parent() if sync is not None else None
        controller = owner.findChild(NotificationController) if owner is not None else None
        return controller.tray if controller is not None else None

    def _toasts(self) -> ToastStack:
        """The window's toast stack (the notification controller's, if it made one)."""
        if self.toasts is None:
            found = self._window.findChild(ToastStack, "toastStack")
            if found is None:
                found = ToastStack(self._ctx.i18n, self._window)
                found.open_requested.connect(lambda _cid: self._open_queue())
            self.toasts = found
        return self.toasts

    # ------------------------------------------------------------------ remembered days
    def _load(self) -> dict[str, str]:
        if self._ui_state is None:
            return {}
        raw = self._ui_state.value(STATE_KEY)
        entries = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []
        given: dict[str, str] = {}
        for entry in entries[:MAX_REMEMBERED]:
            uid, _sep, mark = str(entry).partition("=")
            if uid and mark:
                given[uid[:200]] = mark[:40]
        return given

    def _save(self) -> None:
        if len(self.given) > MAX_REMEMBERED:
            self.given = dict(list(self.given.items())[-MAX_REMEMBERED:])
        if self._ui_state is not None:
            self._ui_state.setValue(STATE_KEY, [f"{u}={m}" for u, m in self.given.items()])
