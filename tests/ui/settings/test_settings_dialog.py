"""One settings dialog for every option: each tab edits its fields, bad values are refused."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from app.config.paths import Paths, translations_dir
from app.config.settings import ServerWorkspace, Settings
from app.i18n import I18n
from app.ui.settings.settings_dialog import SettingsDialog

pytestmark = pytest.mark.gui

# What the dialog does not edit, and why: the workspace and the agent's name come from
# signing in (File menu); the welcome dialog's flag is not a preference.
NOT_IN_THE_DIALOG = {"workspace", "workspace_agent_name", "first_run_done"}
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def dialog_for(qtbot: QtBot, tmp_path: Path, settings: Settings | None = None) -> SettingsDialog:
    dialog = SettingsDialog(
        I18n("en", translations_dir()), settings or Settings(), None, Paths(tmp_path / "data")
    )
    qtbot.addWidget(dialog)
    return dialog


def choose(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def test_every_preference_is_edited_here(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = dialog_for(qtbot, tmp_path)
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert tabs == ["General", "Notifications", "Server", "Support"]
    certificate = tmp_path / "team-ca.pem"
    certificate.write_text(PEM)
    choose(dialog.language, "ar")
    choose(dialog.agent_language, "ar")
    choose(dialog.appearance, "high_contrast")
    choose(dialog.log_level, "debug")
    dialog.lock_after.setCurrentIndex(dialog.lock_after.findData(5))
    dialog.retention.setCurrentIndex(dialog.retention.findData("90"))
    dialog.ca_bundle.setText(str(certificate))
    dialog.notifications.kinds["notify_held"].setChecked(False)
    dialog.notifications.quiet.setChecked(True)
    result = dialog.result_settings()
    changed = {
        f.name for f in fields(Settings) if getattr(result, f.name) != getattr(Settings(), f.name)
    }
    assert changed == {
        "ui_language",
        "agent_language",
        "appearance",
        "log_level",
        "ca_bundle",
        "notify_held",
        "quiet_hours",
        "lock_after_minutes",
        "retention_days",
    }
    # every field is either edited above or deliberately elsewhere
    editable = changed | {"notify_assigned", "notify_messages", "notify_sla", "notify_sound"}
    assert editable | NOT_IN_THE_DIALOG == {f.name for f in fields(Settings)}
    dialog.accept()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "There is no file at"),
        ("just some text", "holds no PEM certificate"),
    ],
)
def test_a_bad_certificate_is_refused_with_its_reason(
    qtbot: QtBot, tmp_path: Path, content: str | None, expected: str
) -> None:
    path = tmp_path / "ca.pem"
    if content is not None:
        path.write_text(content)
    dialog = dialog_for(qtbot, tmp_path)
    dialog.show()
    dialog.ca_bundle.setText(str(path))
    dialog.accept()
    assert dialog.isVisible()  # not closed: nothing the user typed is lost
    problem = dialog.findChild(QLabel, "settingsProblem")
    assert problem is not None and problem.isVisible()
    assert "Team CA certificate:" in problem.text() and expected in problem.text()
    dialog.ca_bundle.clear()  # none: the system's certificates
    dialog.accept()
    assert not dialog.isVisible()


def test_it_shows_where_things_are_and_the_current_workspace(qtbot: QtBot, tmp_path: Path) -> None:
    signed_in = Settings(workspace=ServerWorkspace("https://desk.example.com", "agent-7"))
    dialog = dialog_for(qtbot, tmp_path, signed_in)
    current = dialog.findChild(QLabel, "currentWorkspace")
    assert current is not None and current.text() == "agent-7 on https://desk.example.com"
    shown = {label.text() for label in dialog.findChildren(QLabel)}
    assert str(tmp_path / "data" / "logs") in shown
    assert str(tmp_path / "data" / "settings.json") in shown
    assert dialog.findChild(QLineEdit, "caBundle") is not None
