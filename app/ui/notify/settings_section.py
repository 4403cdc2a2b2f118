"""The Notifications part of the Settings dialog: which kinds, quiet hours, sound."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QTimeEdit,
    QWidget,
)

from app.config.settings import Settings, quiet_minutes
from app.i18n import I18n

DEFAULT_QUIET = (22 * 60, 7 * 60)  # offered when quiet hours are switched on


class NotificationSettings(QGroupBox):
    """Checkboxes per kind, quiet hours from-to (local time, may span midnight), sound."""

    def __init__(self, i18n: I18n, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(i18n._("Notifications"), parent)
        _ = i18n._
        self.setObjectName("notificationSettings")
        self.kinds: dict[str, QCheckBox] = {}
        labels = {
            "notify_assigned": _("A conversation is assigned to me"),
            "notify_messages": _("A customer writes in one of my conversations"),
            "notify_sla": _("An SLA of mine ends in 5 minutes"),
            "notify_held": _("A colleague translated a reply I held"),
        }
        form = QFormLayout(self)
        for name, label in labels.items():
            box = QCheckBox(label, self)
            box.setObjectName(name)
            box.setChecked(bool(getattr(settings, name)))
            self.kinds[name] = box
            form.addRow(box)
        self.sound = QCheckBox(_("Play a sound"), self)
        self.sound.setObjectName("notify_sound")
        self.sound.setChecked(settings.notify_sound)
        form.addRow(self.sound)
        quiet = quiet_minutes(settings.quiet_hours)
        self.quiet = QCheckBox(_("Quiet hours (no notifications) from"), self)
        self.quiet.setObjectName("quietHours")
        self.quiet.setChecked(quiet is not None)
        start, end = quiet or DEFAULT_QUIET
        self.quiet_from = QTimeEdit(QTime(start // 60, start % 60), self)
        self.quiet_to = QTimeEdit(QTime(end // 60, end % 60), self)
        for edit, name in ((self.quiet_from, "quietFrom"), (self.quiet_to, "quietTo")):
            edit.setObjectName(name)
            edit.setDisplayFormat("HH:mm")
            edit.setEnabled(quiet is not None)
            self.quiet.toggled.connect(edit.setEnabled)
        self.quiet_from.setAccessibleName(_("Quiet hours start"))
        self.quiet_to.setAccessibleName(_("Quiet hours end"))
        row = QHBoxLayout()
        row.addWidget(self.quiet)
        row.addWidget(self.quiet_from)
        row.addWidget(QLabel(_("to"), self))
        row.addWidget(self.quiet_to)
        row.addStretch(1)
        form.addRow(row)

    def values(self) -> dict[str, Any]:
        """The settings fields this section edits."""
        values: dict[str, Any] = {name: box.isChecked() for name, box in self.kinds.items()}
        values["notify_sound"] = self.sound.isChecked()
        start, end = self.quiet_from.time(), self.quiet_to.time()
        text = f"{start.toString('HH:mm')}-{end.toString('HH:mm')}"
        values["quiet_hours"] = text if self.quiet.isChecked() and start != end else None
        return values
