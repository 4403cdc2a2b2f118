"""The training window: practise with simulated customers from other cultures.

Three pages: the scenarios with their brief, a practice conversation in the real
conversation widgets (:mod:`app.ui.training.play_view`), and its debrief. A practice
conversation lives in memory only (:class:`app.training.engine.Play`); when it ends the
attempt (transcript, path, score) is recorded through :func:`app.ops.training.record_attempt`
on the store lane - except a trainer's test-play of an unsaved scenario, which records
nothing. Scenarios are read and validated on the compute lane when the window opens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QStackedWidget, QWidget

from app.domain.changes import Changes
from app.domain.training import AttemptRecord, PlayOptions
from app.ops import review, training
from app.ops.context import AppContext
from app.ops.culture import CultureData, load_culture
from app.ops.training_play import TrainingData, load_training, start_play
from app.ui.shell.icons import icon
from app.ui.shell.labels import localize
from app.ui.training.browser import ScenarioBrowser
from app.ui.training.debrief import DebriefView
from app.ui.training.labels import local_text, trainee_language, ui_key
from app.ui.training.outcome import Finished, finish_play
from app.ui.training.play_view import PlayView
from app.ui.training.trainer import install_trainer_tools

if TYPE_CHECKING:
    from app.training.engine import Play
    from app.training.schema import Scenario


class TrainingWindow(QMainWindow):
    """Scenarios | a practice conversation | its debrief.

    Signals:
        data_loaded(object): the TrainingData, once the compute lane has loaded it.
        attempt_recorded(object): the AttemptRecord, once record_attempt stored it.
        changed(object): Changes a write here made (the main window applies them: sync).
        problem(str): something asked of the window could not be done (headless runs).
    """

    data_loaded = Signal(object)
    attempt_recorded = Signal(object)
    changed = Signal(object)
    problem = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        _ = ctx.i18n._
        self.setWindowTitle(_("CrossDesk — Training"))
        self.setWindowIcon(icon("crossdesk"))
        self.setObjectName("trainingWindow")
        self.training_data: TrainingData | None = None
        self.culture: CultureData | None = None
        self.rubric = review.default_rubric()  # the team's, once read
        self.is_trainer = False
        self.records: tuple[list[Any], list[AttemptRecord]] = ([], [])
        self.trainee_language = trainee_language(ctx.i18n)
        self.current: PlayView | None = None
        self.finished: Finished | None = None  # the last play's score, report and record
        self._replay: Callable[[], None] | None = None  # Try again
        self._waiting: list[Callable[[], None]] = []  # asked before the data was loaded
        self._started_at = 0  # when the current play began (epoch seconds)

        self.browser = ScenarioBrowser(ctx.i18n, self)
        self.browser.start_requested.connect(self.play)
        self.debrief = DebriefView(ctx.i18n, self)
        self.debrief.try_again.connect(self.try_again)
        self.debrief.back.connect(self.show_scenarios)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.browser)
        self.stack.addWidget(self.debrief)
        self.setCentralWidget(self.stack)
        self.status = QLabel(self)
        self.statusBar().addWidget(self.status, 1)
        self._trainer_menu = self.menuBar().addMenu(_("Trainer"))
        self._trainer_menu.setToolTipsVisible(True)
        close = QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self)
        close.activated.connect(self.close)
        install_trainer_tools(self)
        self.resize(1366, 768)
        self.reload_scenarios()

    # ------------------------------------------------------------------ loading
    def trainer_menu(self) -> QMenu:
        """The Trainer menu (its entries come from :mod:`app.ui.training.trainer`)."""
        return self._trainer_menu

    def set_culture_data(self, data: CultureData) -> None:
        """The etiquette data the inbox already loaded (else the window reads it)."""
        self.culture = data
        self._run_waiting()

    def reload_scenarios(self) -> None:
        """Read the records and the trainers' saved scenarios, then load every scenario."""
        me = self.ctx.workspace.me_id

        def read(store: Any) -> tuple[Any, ...]:
            saved = training.saved_scenarios(store)
            mine = training.assignments(store, trainee_id=me) if me is not None else []
            tried = training.attempts(store, trainee_id=me) if me is not None else []
            return saved, mine, tried, review.rubric(store), training.is_trainer(store)

        self.ctx.tasks.run_store(read, self._records_read, key="training-records", owner=self)
        if self.culture is None:
            paths = self.ctx.paths
            self.ctx.tasks.run(
                lambda: load_culture(paths), self.set_culture_data, key="culture", owner=self
            )

    def _records_read(self, read: tuple[Any, ...]) -> None:
        saved, mine, tried, rubric, trainer = read
        self.records = (mine, tried)
        self.rubric = rubric
        self.is_trainer = bool(trainer)
        paths = self.ctx.paths
        self.ctx.tasks.run(
            lambda: load_training(paths, saved), self._loaded, key="training-data", owner=self
        )

    def _loaded(self, data: TrainingData) -> None:
        self.training_data = data
        self.browser.set_scenarios(data.scenarios.scenarios, *self.records)
        errors = list(data.scenarios.errors)
        self.status.setText(
            self.ctx.i18n.ngettext(
                "{count} scenario file could not be used (hover for details)",
                "{count} scenario files could not be used (hover for details)",
                len(errors),
            ).format(count=len(errors))
            if errors
            else ""
        )
        self.status.setToolTip("\n".join(str(e) for e in errors[:20]))
        self.data_loaded.emit(data)
        self._run_waiting()

    def _run_waiting(self) -> None:
        if self.training_data is None or self.culture is None:
            return
        waiting, self._waiting = self._waiting, []
        for call in waiting:
            call()

    def when_ready(self, call: Callable[[], None]) -> None:
        self._waiting.append(call)
        self._run_waiting()

    def apply_changes(self, changes: Changes, _initiator: object = None) -> None:
        """The main window's change path: a sync or a trainer's save brought training rows."""
        if changes.training and self.current is None:
            self.reload_scenarios()

    # ------------------------------------------------------------------ playing
    def scenario(self, scenario_id: str) -> Scenario | None:
        data = self.training_data
        return data.scenarios.scenarios.get(scenario_id) if data is not None else None

    def play(
        self,
        scenario_id: str,
        options: PlayOptions | None = None,
        assignment_uid: str | None = None,
    ) -> None:
        """Start a practice conversation of a scenario (an assignment's, if named)."""
        chosen = options if options is not None else PlayOptions()

        def begin() -> None:
            scenario = self.scenario(scenario_id)
            if scenario is None:
                self._problem(
                    self.ctx.i18n._("There is no scenario “{id}”.").format(id=scenario_id[:64])
                )
                return
            self._begin(scenario, chosen, assignment_uid, record=True)

        self._replay = lambda: self.play(scenario_id, chosen, assignment_uid)
        self.when_ready(begin)

    def play_scenario(self, scenario: Scenario, options: PlayOptions) -> None:
        """A trainer's test-play of a scenario being edited: nothing is recorded."""
        self._replay = lambda: self.play_scenario(scenario, options)
        self.when_ready(lambda: self._begin(scenario, options, None, record=False))

    def _begin(
        self, scenario: Scenario, options: PlayOptions, uid: str | None, record: bool
    ) -> None:
        data, culture = self.training_data, self.culture
        assert data is not None and culture is not None
        try:
            play = start_play(
                data,
                culture,
                scenario,
                trainee_language=self.trainee_language,
                ui_language=ui_key(self.ctx.i18n),
            )
        except Exception as error:  # a scenario that cannot be played: said, not raised
            self._problem(localize(self.ctx.i18n, error))
            return
        self._close_play()
        self._started_at = self.ctx.clock()
        view = PlayView(self.ctx, play, scenario, options, culture, self.trainee_language, self)
        view.leave_requested.connect(self.show_scenarios)
        view.finished.connect(lambda p: self._ended(p, scenario, options, uid, record))
        view.debrief_requested.connect(self.show_debrief)
        self.current = view
        self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        self.setWindowTitle(
            self.ctx.i18n._("CrossDesk — Training: {title}").format(
                title=local_text(scenario.title, ui_key(self.ctx.i18n))
            )
        )
        view.begin()

    def _ended(
        self, play: Play, scenario: Scenario, options: PlayOptions, uid: str | None, record: bool
    ) -> None:
        """Score the play (compute lane), then record the attempt (store lane)."""
        ctx, rubric, started = self.ctx, self.rubric, self._started_at
        ui = ui_key(ctx.i18n)
        trainee = (ctx.workspace.me_id, ctx.workspace.me_name)

        def work() -> Finished:
            return finish_play(play, rubric, ui, options, uid, trainee, started, ctx.clock())

        ctx.tasks.run(work, lambda done: self._scored(done, scenario, record), owner=self)

    def _scored(self, done: Finished, scenario: Scenario, record: bool) -> None:
        self.finished = done
        title = local_text(scenario.title, ui_key(self.ctx.i18n))
        self.debrief.show_report(done.report, title)
        self.debrief.try_button.setEnabled(True)
        if self.current is not None:
            self.current.debrief_ready()
        _ = self.ctx.i18n._
        if not record:
            self.debrief.set_recorded(_("Test-play: this attempt is not recorded."))
            return
        attempt = done.record
        now = self.ctx.clock()
        self.ctx.tasks.run_store(
            lambda store: training.record_attempt(store, attempt, now),
            lambda changes: self._recorded(attempt, changes),
            self._not_recorded,
            owner=self,
        )

    def _recorded(self, attempt: AttemptRecord, changes: Changes) -> None:
        self.debrief.set_recorded(self.ctx.i18n._("Your attempt is recorded for your trainer."))
        self.attempt_recorded.emit(attempt)
        self.changed.emit(changes)

    def _not_recorded(self, error: BaseException) -> None:
        self.debrief.set_recorded(
            self.ctx.i18n._("This attempt could not be recorded: {reason}").format(
                reason=localize(self.ctx.i18n, error)
            )
        )

    def show_debrief(self) -> None:
        if self.finished is not None:
            self._close_play()
            self.stack.setCurrentWidget(self.debrief)

    def show_report(self, report: dict[str, Any], title: str) -> None:
        """A debrief from a report (a stored attempt's, or a headless rehearsal): Try again
        plays its scenario, if this window has it."""
        self.debrief.show_report(report, title)
        scenario_id = str(report.get("scenario") or "")
        self._replay = (lambda: self.play(scenario_id)) if self.scenario(scenario_id) else None
        self.debrief.try_button.setEnabled(self._replay is not None)
        self.stack.setCurrentWidget(self.debrief)

    def try_again(self) -> None:
        if self._replay is not None:
            self._replay()

    def show_scenarios(self) -> None:
        self._close_play()
        self.setWindowTitle(self.ctx.i18n._("CrossDesk — Training"))
        self.stack.setCurrentWidget(self.browser)
        if self.training_data is not None:
            self.reload_scenarios()  # the best scores and assignments may have moved

    def _close_play(self) -> None:
        view, self.current = self.current, None
        if view is not None:
            view.stop()
            self.stack.removeWidget(view)
            view.deleteLater()

    def _problem(self, text: str) -> None:
        self.status.setText(text)
        self.problem.emit(text)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self._close_play()
        super().closeEvent(event)
