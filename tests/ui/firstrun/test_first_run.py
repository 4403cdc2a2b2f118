"""First run: the welcome dialog's pages, what it saves, and what the app does next."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWizard
from pytestqt.qtbot import QtBot

from app.config.paths import Paths, translations_dir
from app.config.settings import Settings, load_settings, save_settings
from app.i18n import I18n
from app.ui.firstrun import flow
from app.ui.firstrun.choices import FirstRunChoices
from app.ui.firstrun.wizard import MAX_PACK_FILES, FirstRunWizard
from app.ui.shell.application import CrossDeskApp, LaunchOptions
from app.ui.sync.sign_in_dialog import SignInDialog
from app.ui.translation.packs_dialog import PackManagerDialog

pytestmark = pytest.mark.gui


def english() -> I18n:
    return I18n("en", translations_dir())


def test_finish_at_once_keeps_the_defaults(qtbot: QtBot) -> None:
    wizard = FirstRunWizard(english())
    qtbot.addWidget(wizard)
    assert wizard.windowTitle() == "Welcome to CrossDesk"
    assert wizard.choices() == FirstRunChoices()


def test_the_answers_are_read_from_every_page(qtbot: QtBot, tmp_path: Path) -> None:
    wizard = FirstRunWizard(english())
    qtbot.addWidget(wizard)
    names = [wizard.ui_language.itemText(i) for i in range(wizard.ui_language.count())]
    assert {"English", "简体中文", "繁體中文", "日本語", "한국어", "Español", "العربية"} <= set(
        names
    )
    wizard.ui_language.setCurrentIndex(wizard.ui_language.findData("ja"))
    wizard.agent_language.setCurrentIndex(wizard.agent_language.findData("es"))
    wizard.server.setChecked(True)
    pack = tmp_path / "en_es.argosmodel"
    wizard.add_pack_files([pack, pack])  # the same file once
    assert wizard.choices() == FirstRunChoices("ja", "es", True, (pack,))
    wizard.add_pack_files([tmp_path / f"{n}.argosmodel" for n in range(MAX_PACK_FILES * 2)])
    assert wizard.packs.count() == MAX_PACK_FILES


def test_closing_the_dialog_means_not_now_and_it_never_nags_again(tmp_path: Path) -> None:
    paths = Paths(tmp_path / "data")
    assert flow.wanted(paths, Settings(), interactive=True)
    assert not flow.wanted(paths, Settings(), interactive=False)  # a screenshot, a script
    after = flow.settings_after(Settings(), None)
    assert after.first_run_done and after.ui_language == "system"
    save_settings(paths.settings_file, after)
    assert not flow.wanted(paths, load_settings(paths.settings_file)[0], interactive=True)


def test_an_upgraded_install_is_not_greeted_as_new(tmp_path: Path) -> None:
    paths = Paths(tmp_path / "data")
    save_settings(paths.settings_file, Settings(ui_language="zh_CN"))  # from an older version
    assert not flow.wanted(paths, load_settings(paths.settings_file)[0], interactive=True)


def test_ask_saves_the_answers(qtbot: QtBot, tmp_path: Path) -> None:
    paths = Paths(tmp_path / "data")
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)

    def answer() -> None:
        wizard = next(w for w in qt_app.topLevelWidgets() if isinstance(w, FirstRunWizard))
        wizard.ui_language.setCurrentIndex(wizard.ui_language.findData("ko"))
        wizard.agent_language.setCurrentIndex(wizard.agent_language.findData("ko"))
        while wizard.currentId() != wizard.pageIds()[-1]:
            wizard.next()
        wizard.button(QWizard.WizardButton.FinishButton).click()

    QTimer.singleShot(0, answer)
    settings, choices = flow.ask(qt_app, paths, Settings(), "en")
    assert choices == FirstRunChoices("ko", "ko", False, ())
    saved = load_settings(paths.settings_file)[0]
    assert (saved.ui_language, saved.agent_language, saved.first_run_done) == ("ko", "ko", True)
    assert settings == saved


def test_the_app_installs_the_chosen_packs_and_opens_sign_in(qtbot: QtBot, tmp_path: Path) -> None:
    broken = tmp_path / "not-a-pack.argosmodel"
    broken.write_bytes(b"this is not a zip file")
    missing = tmp_path / "gone.argosmodel"
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    crossdesk = CrossDeskApp(
        qt_app,
        Paths(tmp_path / "data"),
        Settings(),
        LaunchOptions(
            demo=True,
            ui_language="en",
            first_run=FirstRunChoices(sign_in=True, pack_files=(broken, missing)),
        ),
    )
    crossdesk.start()
    try:
        qtbot.waitUntil(lambda: crossdesk.window is not None, timeout=20_000)
        window = crossdesk.window
        assert window is not None
        qtbot.waitUntil(lambda: window.findChild(SignInDialog) is not None, timeout=5_000)
        sign_in = window.findChild(SignInDialog)
        assert sign_in is not None and sign_in.isVisible()
        packs = window.findChild(PackManagerDialog)
        assert packs is not None
        status = packs.findChild(QLabel, "packStatus")
        assert status is not None
        # the two installs queue on the compute lane behind start-up's own work
        qtbot.waitUntil(lambda: "gone.argosmodel: " in status.text(), timeout=30_000)
        first, second = status.text().split("\n")  # each file's outcome, named
        assert first.startswith("not-a-pack.argosmodel: Not done:")
        assert second.startswith("gone.argosmodel: Not done:")
        assert crossdesk.options.first_run is None  # acted on once
    finally:
        crossdesk.shutdown()
        if crossdesk.window is not None:
            crossdesk.window.close()


def test_the_welcome_dialog_is_operable_from_the_keyboard(qtbot: QtBot) -> None:
    from tests.ui.a11y.test_keyboard import check_dialog

    kept: list[FirstRunWizard] = []

    def open_wizard() -> None:
        wizard = FirstRunWizard(english())
        kept.append(wizard)
        wizard.open()

    assert check_dialog("Welcome", open_wizard, qtbot) == []
