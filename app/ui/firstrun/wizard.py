"""First run: the UI language, the agent's working language, demo or a team's server,
and language packs from files (IT may have pre-seeded them; an agent may have a file).

Nothing is applied here: the dialog returns :class:`FirstRunChoices`, and
:func:`app.ui.firstrun.flow.settings_after` and the application act on them once the
window is open (signing in and installing packs use the dialogs the app already has).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.i18n import I18n
from app.ui.firstrun.choices import FirstRunChoices
from app.ui.settings.settings_dialog import AGENT_LANGUAGES, LANGUAGE_NAMES

MAX_PACK_FILES = 20  # a first run installs a handful of pairs; IT scripts use `crossdesk packs`


class FirstRunWizard(QWizard):
    """Three short pages; every page has a sensible default, so Finish works at once."""

    def __init__(self, i18n: I18n, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _ = i18n._
        self._i18n = i18n
        self.setObjectName("firstRunWizard")
        self.setWindowTitle(_("Welcome to CrossDesk"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.addPage(self._languages_page())
        self.addPage(self._workspace_page())
        self.addPage(self._packs_page())

    # ------------------------------------------------------------------ pages
    def _page(self, title: str, text: str) -> tuple[QWizardPage, QVBoxLayout]:
        page = QWizardPage(self)
        page.setTitle(title)
        layout = QVBoxLayout(page)
        intro = QLabel(text, page)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        return page, layout

    def _languages_page(self) -> QWizardPage:
        _ = self._i18n._
        page, layout = self._page(
            _("Your languages"),
            _(
                "CrossDesk shows its menus in your language, and translates each customer's "
                "messages into the language you work in, on this computer."
            ),
        )
        form = QFormLayout()
        self.ui_language = QComboBox(page)
        self.ui_language.setObjectName("firstRunUiLanguage")
        self.ui_language.addItem(_("Same as the system"), "system")
        for code, name in LANGUAGE_NAMES.items():  # each named in itself
            self.ui_language.addItem(name, code)
        self.agent_language = QComboBox(page)
        self.agent_language.setObjectName("firstRunAgentLanguage")
        self.agent_language.addItem(_("Same as the interface"), "auto")
        for code in AGENT_LANGUAGES:
            self.agent_language.addItem(self._i18n.language_name(code), code)
        form.addRow(_("Interface language"), self.ui_language)
        form.addRow(_("I read and write in"), self.agent_language)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def _workspace_page(self) -> QWizardPage:
        _ = self._i18n._
        page, layout = self._page(
            _("Where to start"),
            _("You can explore first and sign in to your team's server at any time (File menu)."),
        )
        self.demo = QRadioButton(_("Explore the demo workspace (sample customers, nothing sent)"))
        self.demo.setObjectName("firstRunDemo")
        self.server = QRadioButton(_("Sign in to my team's server"))
        self.server.setObjectName("firstRunServer")
        self.demo.setChecked(True)
        group = QButtonGroup(page)
        for button in (self.demo, self.server):
            group.addButton(button)
            layout.addWidget(button)
        layout.addStretch(1)
        return page

    def _packs_page(self) -> QWizardPage:
        _ = self._i18n._
        page, layout = self._page(
            _("Offline translation"),
            _(
                "Translation runs on this computer with language packs. If your team gave "
                "you pack files (.argosmodel), add them now; you can also do it later under "
                "Translation → Language packs."
            ),
        )
        self.packs = QListWidget(page)
        self.packs.setObjectName("firstRunPacks")
        self.packs.setAccessibleName(_("Language pack files to install"))
        add = QPushButton(_("Add pack files…"), page)
        add.setObjectName("firstRunAddPacks")
        add.clicked.connect(self._choose_packs)
        layout.addWidget(self.packs)
        layout.addWidget(add)
        return page

    def _choose_packs(self) -> None:
        files, _filter = QFileDialog.getOpenFileNames(
            self,
            self._i18n._("Language pack files"),
            str(Path.home()),
            self._i18n._("Language packs (*.argosmodel);;All files (*)"),
        )
        self.add_pack_files([Path(f) for f in files])

    def add_pack_files(self, files: list[Path]) -> None:
        """Add files to the list (each once; at most MAX_PACK_FILES). They are checked
        when installed, by the pack manager, which names any that is not a pack."""
        shown = {self.packs.item(i).text() for i in range(self.packs.count())}
        for path in files:
            if str(path) not in shown and self.packs.count() < MAX_PACK_FILES:
                self.packs.addItem(str(path))
                shown.add(str(path))

    # ------------------------------------------------------------------ result
    def choices(self) -> FirstRunChoices:
        return FirstRunChoices(
            ui_language=self.ui_language.currentData(),
            agent_language=self.agent_language.currentData(),
            sign_in=self.server.isChecked(),
            pack_files=tuple(Path(self.packs.item(i).text()) for i in range(self.packs.count())),
        )
