"""Snooze until a chosen date and time, or until the customer replies.

The time is read in the agent's zone or the customer's (the agent picks which), and the
dialog always says both: "09:00 your time (Europe/Berlin) = 16:00 customer's time
(Asia/Shanghai)", so nobody wakes a conversation at the customer's 3 a.m. by mistake.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.display import display_text
from app.domain.snooze import (
    customer_zone,
    later_today,
    local_zone,
    next_monday,
    tomorrow_at,
    wall_time,
    zone_label,
)
from app.i18n import I18n

MAX_DAYS_AHEAD = 365


class SnoozeDialog(QDialog):
    """Pick when the conversation comes back.

    Signals:
        snooze_chosen(int): snooze until this epoch second.
        until_reply_chosen(): snooze until the customer writes again.
    """

    snooze_chosen = Signal(int)
    until_reply_chosen = Signal()

    def __init__(
        self,
        i18n: I18n,
        now: int,
        customer_name: str,
        customer_timezone: str,
        parent: QWidget | None = None,
        zone: Callable[[], tzinfo] = local_zone,
    ) -> None:
        super().__init__(parent)
        _ = i18n._
        self._i18n = i18n
        self._now = now
        self.agent_zone = zone()
        self.customer_zone = customer_zone(customer_timezone, self.agent_zone)
        self.setWindowTitle(_("Snooze"))
        self.setObjectName("snoozeDialog")

        heading = QLabel(
            _("Bring back the conversation with {name}:").format(
                name=display_text(customer_name, 60)
            ),
            self,
        )
        heading.setWordWrap(True)
        presets = QHBoxLayout()
        self.preset_buttons: dict[str, QPushButton] = {}
        for key, label, until in (
            ("later", _("Later today"), later_today(now, self.agent_zone)),
            ("tomorrow", _("Tomorrow 9:00"), tomorrow_at(now, self.agent_zone)),
            ("monday", _("Next Monday 9:00"), next_monday(now, self.agent_zone)),
        ):
            button = QPushButton(label, self)
            button.setObjectName(f"snoozePreset_{key}")
            button.setEnabled(until is not None)
            if until is not None:
                button.clicked.connect(lambda _c=False, u=until: self.set_until(u, mine=True))
            presets.addWidget(button)
            self.preset_buttons[key] = button

        self.at_time = QRadioButton(_("At a date and time"), self)
        self.until_reply = QRadioButton(_("Until the customer replies"), self)
        self.until_reply.setToolTip(
            _("Comes back as soon as the customer writes (after 30 days at the latest).")
        )
        kinds = QButtonGroup(self)
        kinds.addButton(self.at_time)
        kinds.addButton(self.until_reply)
        self.at_time.setChecked(True)

        self.date = QDateEdit(self)
        self.date.setCalendarPopup(True)
        self.date.setObjectName("snoozeDate")
        self.time = QTimeEdit(self)
        self.time.setObjectName("snoozeTime")
        self.time.setDisplayFormat("HH:mm")
        self.mine = QRadioButton(_("your time"), self)
        self.theirs = QRadioButton(_("customer's time"), self)
        zones = QButtonGroup(self)
        zones.addButton(self.mine)
        zones.addButton(self.theirs)
        self.mine.setChecked(True)
        when = QHBoxLayout()
        when.addWidget(self.date)
        when.addWidget(self.time)
        when.addWidget(self.mine)
        when.addWidget(self.theirs)
        when.addStretch(1)

        self.both_zones = QLabel(self)
        self.both_zones.setObjectName("snoozeZones")
        self.both_zones.setWordWrap(True)
        self.problem = QLabel(self)
        self.problem.setObjectName("notice")
        self.problem.setWordWrap(True)
        self.problem.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, parent=self)
        self.ok = buttons.addButton(_("Snooze"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(presets)
        layout.addWidget(self.at_time)
        layout.addLayout(when)
        layout.addWidget(self.both_zones)
        layout.addWidget(self.until_reply)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

        for signal in (
            self.date.dateChanged,
            self.time.timeChanged,
            self.mine.toggled,
            self.at_time.toggled,
        ):
            signal.connect(self._update)
        self.set_until(tomorrow_at(now, self.agent_zone), mine=True)

    # ------------------------------------------------------------------ state
    @property
    def zone(self) -> tzinfo:
        """The zone the date and time are read in."""
        return self.agent_zone if self.mine.isChecked() else self.customer_zone

    def set_until(self, until: int, *, mine: bool) -> None:
        """Show ``until`` in the agent's zone (``mine``) or the customer's."""
        (self.mine if mine else self.theirs).setChecked(True)
        self.at_time.setChecked(True)
        local = datetime.fromtimestamp(until, UTC).astimezone(self.zone)
        self.date.setDate(QDate(local.year, local.month, local.day))
        self.time.setTime(QTime(local.hour, local.minute))
        self._update()

    def until(self) -> int | None:
        """The chosen instant (None if the date is not real)."""
        d, t = self.date.date(), self.time.time()
        return wall_time(d.year(), d.month(), d.day(), t.hour(), t.minute(), self.zone)

    def _update(self, *_args: object) -> None:
        _ = self._i18n._
        timed = self.at_time.isChecked()
        for widget in (self.date, self.time, self.mine, self.theirs, self.both_zones):
            widget.setEnabled(timed)
        until = self.until()
        if until is None:
            self.both_zones.setText("")
            return
        agent_key = getattr(self.agent_zone, "key", None)  # None: the computer's own zone
        their_key = getattr(self.customer_zone, "key", None)
        self.both_zones.setText(
            _("{mine} your time ({mine_zone}) = {theirs} customer's time ({their_zone})").format(
                mine=self._i18n.day_and_time(until, self._now, agent_key),
                mine_zone=zone_label(self.agent_zone, until),
                theirs=self._i18n.day_and_time(until, self._now, their_key),
                their_zone=zone_label(self.customer_zone, until),
            )
        )

    def accept(self) -> None:
        _ = self._i18n._
        if self.until_reply.isChecked():
            self.until_reply_chosen.emit()
            super().accept()
            return
        until = self.until()
        if until is None or until <= self._now + 60:
            self.problem.setText(_("Pick a time in the future."))
            self.problem.show()
            return
        if until > self._now + MAX_DAYS_AHEAD * 86400:
            self.problem.setText(_("Snooze for a year at most."))
            self.problem.show()
            return
        self.snooze_chosen.emit(until)
        super().accept()
