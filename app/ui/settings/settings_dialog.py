"""Preferences: every user option in one dialog, in four tabs.

The options themselves are declared once, with their defaults, in
:class:`app.config.settings.Settings` and checked by
:func:`app.config.settings.check_setting`; this dialog only edits them, and refuses
OK with a message naming the field while a value would not pass that check.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.config.paths import Paths
from app.config.settings import APPEARANCES, LOG_LEVELS, Settings, check_setting
from app.i18n import N_, I18n
from app.ui.notify.settings_section import NotificationSettings

# Each language is named in itself, so a user who cannot read the current UI finds theirs.
LANGUAGE_NAMES = {
    "en": "English",
    "zh_CN": "简体中文",
    "zh_TW": "繁體中文",
    "ja": "日本語",
    "ko": "한국어",
    "es": "Español",
    "ar": "العربية",
}
# Languages an agent may read and write in (customer messages are translated into it).
AGENT_LANGUAGES = ("zh", "en", "es", "pt", "fr", "de", "ja", "ko", "ar", "ru", "vi", "th", "id")
APPEARANCE_NAMES = {
    "system": N_("Same as the system"),
    "light": N_("Light"),
    "dark": N_("Dark"),
    "high_contrast": N_("High contrast"),
}
LOG_LEVEL_NAMES = {
    "debug": N_("Debug (for a support case: more detail)"),
    "info": N_("Normal"),
    "warning": N_("Warnings and errors only"),
    "error": N_("Errors only"),
}
MAX_CERTIFICATE_BYTES = 1_000_000
LOCK_MINUTES = (1, 5, 10, 15, 30, 60, 120)  # the screen lock's choices (0: never)
RETENTION_DAYS = (30, 90, 180, 365, 730)  # keeping resolved conversations (0: for ever)


def certificate_problem(i18n: I18n, text: str) -> str | None:
    """Why the file at ``text`` cannot be a team's CA certificate (None: it can be)."""
    _ = i18n._
    path = Path(text).expanduser()
    try:
        if not path.is_file():
            return _("There is no file at {path}.").format(path=text)
        if path.stat().st_size > MAX_CERTIFICATE_BYTES:
            return _("{path} is too large to be a certificate.").format(path=text)
        head = path.read_bytes()
    except OSError as exc:
        return _("{path} cannot be read: {reason}").format(path=text, reason=exc.strerror or exc)
    if b"-----BEGIN CERTIFICATE-----" not in head:
        return _("{path} holds no PEM certificate (-----BEGIN CERTIFICATE-----).").format(path=text)
    return None


def _combo(parent: QWidget, name: str, items: list[tuple[str, str]], current: str) -> QComboBox:
    combo = QComboBox(parent)
    combo.setObjectName(name)
    for label, value in items:
        combo.addItem(label, value)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    return combo


class SettingsDialog(QDialog):
    """Edits a Settings value; the caller saves and applies it."""

    def __init__(
        self,
        i18n: I18n,
        settings: Settings,
        parent: QWidget | None = None,
        paths: Paths | None = None,
    ) -> None:
        super().__init__(parent)
        _ = i18n._
        self._i18n = i18n
        self.setWindowTitle(_("Settings"))
        self.setObjectName("settingsDialog")
        self._settings = settings
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("settingsTabs")

        general = QWidget(self.tabs)
        form = QFormLayout(general)
        self.language = _combo(
            general,
            "uiLanguage",
            [(_("Same as the system"), "system"), *((n, c) for c, n in LANGUAGE_NAMES.items())],
            settings.ui_language,
        )
        self.agent_language = _combo(
            general,
            "agentLanguage",
            [
                (_("Same as the interface"), "auto"),
                *((i18n.language_name(code), code) for code in AGENT_LANGUAGES),
            ],
            settings.agent_language,
        )
        self.appearance = _combo(
            general,
            "appearance",
            [(_(APPEARANCE_NAMES[code]), code) for code in APPEARANCES],
            settings.appearance,
        )
        form.addRow(_("Interface language"), self.language)
        form.addRow(_("Agent language (you read and write)"), self.agent_language)
        form.addRow(_("Appearance"), self.appearance)
        self.lock_after = self._lock_combo(general, settings.lock_after_minutes)
        form.addRow(_("Lock CrossDesk"), self.lock_after)
        note = QLabel(_("The window is rebuilt in the new language; your drafts are kept."))
        note.setObjectName("muted")
        note.setWordWrap(True)
        form.addRow(note)
        self.tabs.addTab(general, _("General"))

        self.notifications = NotificationSettings(i18n, settings, self.tabs)
        self.notifications.setFlat(True)
        self.notifications.setTitle("")  # the tab names it
        self.tabs.addTab(self.notifications, _("Notifications"))

        self.tabs.addTab(self._server_tab(settings), _("Server"))
        self.tabs.addTab(self._support_tab(settings, paths), _("Support"))

        self.problem = QLabel(self)
        self.problem.setObjectName("settingsProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def _lock_combo(self, parent: QWidget, current: int) -> QComboBox:
        """Never, or after so many minutes without input (a hand-written value is kept)."""
        ngettext = self._i18n.ngettext
        minutes = sorted({*LOCK_MINUTES, current} - {0})
        items = [(self._i18n._("Never (only when the computer locks)"), 0)]
        items += [
            (
                ngettext("After {count} minute idle", "After {count} minutes idle", m).format(
                    count=m
                ),
                m,
            )
            for m in minutes
        ]
        combo = QComboBox(parent)
        combo.setObjectName("lockAfterMinutes")
        for label, value in items:
            combo.addItem(label, value)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.setToolTip(
            self._i18n._(
                "The window hides its content until you unlock it (with the system keychain "
                "or the workspace's passphrase). It also locks when the computer locks."
            )
        )
        return combo

    def _server_tab(self, settings: Settings) -> QWidget:
        _ = self._i18n._
        tab = QWidget(self.tabs)
        form = QFormLayout(tab)
        workspace = settings.workspace
        shown = (
            _("{agent} on {server}").format(agent=workspace.agent_id, server=workspace.server_url)
            if workspace
            else _("Demo workspace (not signed in to a server)")
        )
        current = QLabel(shown, tab)
        current.setObjectName("currentWorkspace")
        current.setWordWrap(True)
        form.addRow(_("Workspace"), current)
        self.ca_bundle = QLineEdit(settings.ca_bundle or "", tab)
        self.ca_bundle.setObjectName("caBundle")
        self.ca_bundle.setPlaceholderText(_("None: the system's certificates"))
        self.ca_bundle.setAccessibleName(_("Team CA certificate file"))
        browse = QPushButton(_("Choose…"), tab)
        browse.setObjectName("chooseCaBundle")
        browse.clicked.connect(self._choose_certificate)
        row = QHBoxLayout()
        row.addWidget(self.ca_bundle, 1)
        row.addWidget(browse)
        form.addRow(_("Team CA certificate"), row)
        hint = QLabel(
            _(
                "Only if your team's server uses a certificate of its own authority. "
                "Connections stay encrypted and verified either way. Sign in or out "
                "from the File menu."
            ),
            tab,
        )
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        form.addRow(hint)
        self.retention = self._retention_combo(tab, settings.retention_days)
        form.addRow(_("Keep resolved conversations"), self.retention)
        return tab

    def _retention_combo(self, parent: QWidget, current: int) -> QComboBox:
        """Always, or so many days after their last activity (a hand-written value is kept)."""
        ngettext = self._i18n.ngettext
        items = [(self._i18n._("Always (nothing is removed)"), 0)]
        items += [
            (ngettext("{count} day", "{count} days", d).format(count=d), d)
            for d in sorted({*RETENTION_DAYS, current} - {0})
        ]
        combo = _combo(
            parent, "retentionDays", [(label, str(d)) for label, d in items], str(current)
        )
        combo.setToolTip(
            self._i18n._(
                "Resolved conversations with no activity for this long are removed from this "
                "computer, with no trace left (they stay on your team's server). When you are "
                "signed in and your team's server sets a retention, the server's applies."
            )
        )
        return combo

    def _support_tab(self, settings: Settings, paths: Paths | None) -> QWidget:
        _ = self._i18n._
        tab = QWidget(self.tabs)
        form = QFormLayout(tab)
        self.log_level = _combo(
            tab,
            "logLevel",
            [(_(LOG_LEVEL_NAMES[code]), code) for code in LOG_LEVELS],
            settings.log_level,
        )
        form.addRow(_("Log detail"), self.log_level)
        if paths is not None:
            for label, folder in (
                (_("Log folder"), paths.logs),
                (_("Data folder"), paths.data_dir),
                (_("Settings file"), paths.settings_file),
            ):
                where = QLabel(str(folder), tab)
                where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                where.setWordWrap(True)
                form.addRow(label, where)
        return tab

    def _choose_certificate(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            self._i18n._("Team CA certificate"),
            self.ca_bundle.text() or str(Path.home()),
            self._i18n._("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        if chosen:
            self.ca_bundle.setText(chosen)

    # ------------------------------------------------------------------ result
    def problems(self) -> list[str]:
        """What stops OK: each names the field (empty: the values can be saved)."""
        _ = self._i18n._
        found: list[str] = []
        values = self.result_settings()
        for name in (
            "ui_language",
            "agent_language",
            "appearance",
            "log_level",
            "quiet_hours",
            "lock_after_minutes",
            "retention_days",
        ):
            reason = check_setting(name, getattr(values, name))
            if reason is not None:
                found.append(f"{name}: {reason}")
        bundle = self.ca_bundle.text().strip()
        if bundle:
            reason = check_setting("ca_bundle", bundle) or certificate_problem(self._i18n, bundle)
            if reason is not None:
                found.append(_("Team CA certificate: {reason}").format(reason=reason))
        return found

    def accept(self) -> None:
        found = self.problems()
        if found:
            self.problem.setText("\n".join(found))
            self.problem.show()
            return
        super().accept()

    def result_settings(self) -> Settings:
        return self._settings.with_(
            ui_language=self.language.currentData(),
            agent_language=self.agent_language.currentData(),
            appearance=self.appearance.currentData(),
            log_level=self.log_level.currentData(),
            lock_after_minutes=self.lock_after.currentData(),
            retention_days=int(self.retention.currentData()),
            ca_bundle=self.ca_bundle.text().strip() or None,
            **self.notifications.values(),
        )
