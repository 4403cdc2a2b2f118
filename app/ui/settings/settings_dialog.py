"""Preferences dialog: the interface language (more preferences join later)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from app.config.settings import Settings
from app.i18n import I18n
from app.ui.notify.settings_section import NotificationSettings

# Each language is named in itself, so a user who cannot read the current UI finds theirs.
LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}
# Languages an agent may read and write in (customer messages are translated into it).
AGENT_LANGUAGES = ("zh", "en", "es", "pt", "fr", "de", "ja", "ko", "ar", "ru", "vi", "th", "id")


class SettingsDialog(QDialog):
    """Edits a Settings value; the caller saves and applies it."""

    def __init__(self, i18n: I18n, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _ = i18n._
        self.setWindowTitle(_("Settings"))
        self._settings = settings
        self.language = QComboBox(self)
        self.language.setObjectName("uiLanguage")
        self.language.addItem(_("Same as the system"), "system")
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(settings.ui_language), 0))
        self.agent_language = QComboBox(self)
        self.agent_language.setObjectName("agentLanguage")
        self.agent_language.addItem(_("Same as the interface"), "auto")
        for code in AGENT_LANGUAGES:
            self.agent_language.addItem(i18n.language_name(code), code)
        self.agent_language.setCurrentIndex(
            max(self.agent_language.findData(settings.agent_language), 0)
        )
        note = QLabel(_("The window is rebuilt in the new language; your drafts are kept."), self)
        note.setObjectName("muted")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_("Interface language"), self.language)
        form.addRow(_("Agent language (you read and write)"), self.agent_language)
        form.addRow(note)
        self.notifications = NotificationSettings(i18n, settings, self)
        form.addRow(self.notifications)
        form.addRow(buttons)

    def result_settings(self) -> Settings:
        return self._settings.with_(
            ui_language=self.language.currentData(),
            agent_language=self.agent_language.currentData(),
            **self.notifications.values(),
        )
