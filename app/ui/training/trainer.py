"""The trainer's tools in the training window's Trainer menu: author and edit scenarios,
import and export scenario files, assign scenarios, follow the trainees' attempts.

Each entry opens its own dialog module, imported when first used (none of it loads with
the window). Only a trainer, lead or admin may use them; anyone else sees the entries
disabled with the reason in the tooltip.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QInputDialog, QMenu, QMessageBox, QWidget

from app.config.paths import resources_dir
from app.domain.changes import Changes
from app.domain.training import PlayOptions
from app.i18n import N_
from app.ops.context import AppContext
from app.ui.shell.labels import localize
from app.ui.training.labels import local_text, ui_key

if TYPE_CHECKING:
    from app.ops.training_play import TrainingData
    from app.training.schema import Scenario


class Host(Protocol):
    """What the trainer's dialogs need of the training window (see ui_contract)."""

    ctx: AppContext
    training_data: TrainingData | None
    is_trainer: bool

    def reload_scenarios(self) -> None: ...

    def play_scenario(self, scenario: Scenario, options: PlayOptions) -> None: ...


TEMPLATE = "template.yaml"
NOT_A_TRAINER = N_("Only a trainer, team lead or admin can use the trainer's tools.")
NOT_LOADED = N_("The scenarios are still loading.")
NOTHING_TO_DELETE = N_(
    "Your team has no saved scenarios. Built-in scenarios cannot be deleted; edit one to"
    " save your team's own version."
)
RESTORES_BUILTIN = N_(
    "Delete your team's version of “{id}”? The built-in scenario of that id is used again."
)
DELETES_SCENARIO = N_(
    "Delete the scenario “{id}”? Trainees can no longer play it; their attempts are kept."
)

# (object name, msgid, handler name): the menu's entries, in order.
ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("newScenario", N_("New scenario…"), "new_scenario"),
    ("editScenario", N_("Edit scenario…"), "edit_scenario"),
    ("importScenarios", N_("Import scenarios…"), "import_scenarios"),
    ("exportScenario", N_("Export scenario…"), "export_scenario"),
    ("deleteScenario", N_("Delete scenario…"), "delete_scenario"),
    ("assignScenarios", N_("Assign…"), "assign"),
    ("trainingAttempts", N_("Attempts and progress…"), "attempts"),
)


def template_text() -> str:
    """The commented starting point of a new scenario."""
    return (resources_dir() / "training" / TEMPLATE).read_text(encoding="utf-8")


class TrainerTools:
    """The Trainer menu's actions and the dialogs they open (kept on the window)."""

    def __init__(self, window: QWidget, host: Host, menu: QMenu) -> None:
        self.window = window
        self.host = host
        self.menu = menu
        self.actions: dict[str, QAction] = {}
        self.box: QMessageBox | None = None  # the last question asked (tests answer it)
        _ = host.ctx.i18n._
        menu.setToolTipsVisible(True)
        for name, msgid, handler in ENTRIES:
            action = menu.addAction(_(msgid))
            action.setObjectName(name)
            action.triggered.connect(self._slot(handler))
            self.actions[name] = action
        menu.aboutToShow.connect(self.refresh)
        self.refresh()

    def _slot(self, handler: str) -> Callable[..., None]:
        def triggered(_checked: bool = False) -> None:
            getattr(self, handler)()

        return triggered

    def refresh(self) -> None:
        """Enable the entries for a trainer once the scenarios are loaded; else say why."""
        _ = self.host.ctx.i18n._
        trainer = bool(getattr(self.host, "is_trainer", False))
        loaded = getattr(self.host, "training_data", None) is not None
        reason = "" if trainer and loaded else _(NOT_A_TRAINER if not trainer else NOT_LOADED)
        for action in self.actions.values():
            action.setEnabled(not reason)
            action.setToolTip(reason or action.text().rstrip("…"))

    def _allowed(self) -> bool:
        self.refresh()
        return next(iter(self.actions.values())).isEnabled()

    # ------------------------------------------------------------------ entries
    def new_scenario(self) -> None:
        if self._allowed():
            self.open_editor(template_text(), builtin=False, new=True)

    def edit_scenario(self, scenario_id: str | None = None) -> None:
        if not self._allowed():
            return
        chosen = scenario_id or self.choose_scenario(self.host.ctx.i18n._("Edit scenario"))
        data = self.host.training_data
        if chosen and data is not None and chosen in data.scenarios.texts:
            builtin = data.scenarios.origins.get(chosen) == "builtin"
            self.open_editor(data.scenarios.texts[chosen], builtin=builtin)

    def open_editor(self, text: str, *, builtin: bool, new: bool = False) -> QWidget:
        from app.ui.training.editor import ScenarioEditorDialog

        dialog = ScenarioEditorDialog(self.host, text, builtin=builtin, new=new, parent=self.window)
        dialog.saved.connect(self.forward)
        return self._open(dialog)

    def import_scenarios(self) -> None:
        if self._allowed():
            from app.ui.training.transfer import import_scenarios

            job = import_scenarios(self.host, self.window)
            if job is not None:
                job.finished.connect(lambda summary: self.forward(summary.changes))

    def export_scenario(self, scenario_id: str | None = None) -> None:
        if not self._allowed():
            return
        chosen = scenario_id or self.choose_scenario(self.host.ctx.i18n._("Export scenario"))
        if chosen:
            from app.ui.training.transfer import export_scenario

            export_scenario(self.host, self.window, chosen)

    def delete_scenario(self, scenario_id: str | None = None) -> None:
        """Delete one of the team's saved scenarios (a built-in one of that id returns)."""
        if not self._allowed() or self.host.training_data is None:
            return
        _ = self.host.ctx.i18n._
        origins = self.host.training_data.scenarios.origins
        saved = [sid for sid, origin in origins.items() if origin == "saved"]
        if not saved:
            self._ask(_("Delete scenario"), _(NOTHING_TO_DELETE), None)
            return
        chosen = scenario_id or self.choose_scenario(_("Delete scenario"), only=saved)
        if chosen not in saved:
            return
        bundled = resources_dir() / "training" / "scenarios" / f"{chosen}.yaml"
        question = _(RESTORES_BUILTIN if bundled.is_file() else DELETES_SCENARIO)
        self._ask(_("Delete scenario"), question.format(id=chosen), lambda: self._delete(chosen))

    def _ask(self, title: str, text: str, then: Callable[[], None] | None) -> None:
        """A question (Delete / Cancel) or, with nothing to do after, a note."""
        box = QMessageBox(self.window)
        box.setObjectName("trainerQuestion")
        box.setWindowTitle(title)
        box.setText(text)
        if then is None:
            box.setIcon(QMessageBox.Icon.Information)
            box.addButton(QMessageBox.StandardButton.Ok)
        else:
            box.setIcon(QMessageBox.Icon.Question)
            yes = box.addButton(self.host.ctx.i18n._("Delete"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.buttonClicked.connect(lambda button: then() if button is yes else None)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.box = box
        box.open()

    def _delete(self, scenario_id: str) -> None:
        _ = self.host.ctx.i18n._
        now = self.host.ctx.clock()

        def work(store: Any) -> Changes:
            from app.ops import training

            return training.delete_scenario(store, scenario_id, now)

        def done(changes: Changes) -> None:
            self.forward(changes)
            self.host.reload_scenarios()

        def failed(error: BaseException) -> None:
            self._ask(_("Delete scenario"), localize(self.host.ctx.i18n, error), None)

        self.host.ctx.tasks.run_store(work, done, failed, owner=self.window)

    def assign(self) -> QWidget | None:
        if not self._allowed():
            return None
        from app.ui.training.assign_dialog import AssignDialog

        dialog = AssignDialog(self.host, self.window)
        dialog.changed.connect(self.forward)
        return self._open(dialog)

    def attempts(self) -> QWidget | None:
        if not self._allowed():
            return None
        from app.ui.training.attempts_view import AttemptsDialog

        return self._open(AttemptsDialog(self.host, self.window))

    def _open(self, dialog: QDialog) -> QDialog:
        """Modeless: a trainer test-plays beside the editor, or plays while assigning."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def forward(self, changes: Changes) -> None:
        """Hand a write's Changes to the window (the main window syncs the training feed)."""
        signal = getattr(self.window, "changed", None)
        if changes and signal is not None:
            signal.emit(changes)

    # ------------------------------------------------------------------ choosing
    def choose_scenario(self, title: str, only: list[str] | None = None) -> str | None:
        """A scenario picked from the list (the one selected in the window first)."""
        labels = scenario_labels(self.host)
        if only is not None:
            labels = {sid: label for sid, label in labels.items() if sid in only}
        if not labels:
            return None
        browser = getattr(self.window, "browser", None)
        current = browser.current()[0] if browser is not None else None
        ids = list(labels)
        picked, ok = QInputDialog.getItem(
            self.window,
            title,
            self.host.ctx.i18n._("Scenario:"),
            list(labels.values()),
            ids.index(current) if current in labels else 0,
            False,
        )
        if not ok:
            return None
        return next((sid for sid, name in labels.items() if name == picked), None)


def scenario_labels(host: Host) -> dict[str, str]:
    """Scenario id -> "Title (id)" in the UI language, sorted by title."""
    data = host.training_data
    if data is None:
        return {}
    key = ui_key(host.ctx.i18n)
    out: dict[str, str] = {}
    for sid, scenario in data.scenarios.scenarios.items():
        out[sid] = f"{local_text(scenario.title, key)} ({sid})"
    return dict(sorted(out.items(), key=lambda item: item[1].casefold()))


def install_trainer_tools(window: QWidget) -> None:
    """Add the trainer's entries to ``window.trainer_menu()`` (a TrainingWindow)."""
    menu = window.trainer_menu()  # type: ignore[attr-defined]
    tools = TrainerTools(window, window, menu)  # type: ignore[arg-type]
    window.trainer_tools = tools  # type: ignore[attr-defined]
    loaded = getattr(window, "data_loaded", None)
    if loaded is not None:
        loaded.connect(lambda _data: tools.refresh())
