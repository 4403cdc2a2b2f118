"""When the welcome dialog opens, and what its answers change."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from app.config.paths import Paths
from app.config.settings import Settings, SettingsError, save_settings
from app.ui.firstrun.choices import FirstRunChoices

log = logging.getLogger(__name__)


def wanted(paths: Paths, settings: Settings, *, interactive: bool) -> bool:
    """A new installation (no settings file yet, never answered), started for a person:
    not for a screenshot, a script, a pretend clock or a named workspace file."""
    return interactive and not settings.first_run_done and not paths.settings_file.exists()


def settings_after(settings: Settings, choices: FirstRunChoices | None) -> Settings:
    """The settings the welcome dialog leaves: its languages, and never asking again
    (closing the dialog means "not now": defaults, the demo, and no second nag)."""
    if choices is None:
        return settings.with_(first_run_done=True)
    return settings.with_(
        ui_language=choices.ui_language,
        agent_language=choices.agent_language,
        first_run_done=True,
    )


def ask(
    qt_app: QApplication, paths: Paths, settings: Settings, language: str | None
) -> tuple[Settings, FirstRunChoices | None]:
    """Show the welcome dialog (in ``language`` or the system's) and save its answers;
    a settings file that cannot be written is logged, and the answers still apply."""
    from app.ui.firstrun.wizard import FirstRunWizard
    from app.ui.shell.locale import make_i18n

    i18n = make_i18n(language or settings.ui_language)
    qt_app.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft if i18n.right_to_left else Qt.LayoutDirection.LeftToRight
    )
    wizard = FirstRunWizard(i18n)
    choices = wizard.choices() if wizard.exec() == QDialog.DialogCode.Accepted else None
    updated = settings_after(settings, choices)
    try:
        save_settings(paths.settings_file, updated)
    except SettingsError as exc:
        log.warning("the welcome dialog's answers were not saved: %s", exc)
    return updated, choices
