"""``--view training [--scenario ID] [--draft TEXT] [--debrief] --screenshot F.png``.

Once the inbox has loaded, the training window opens: with ``--scenario`` the scenario is
in play (its opening shown, ``--draft`` typed into the composer with its translation
preview and draft check); with ``--debrief [good|clumsy]`` the scenario's first such
rehearsal in the trainee's language is played headlessly and its debrief shown. Without
``--scenario`` the list of scenarios and the first brief. Nothing of training is imported
before then.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.ui.shell.headless import DRAFT_SETTLE_S, screenshot_room

if TYPE_CHECKING:
    from app.ui.shell.main_window import MainWindow
    from app.ui.shell.startup import LaunchOptions
    from app.ui.training.window import TrainingWindow


def good_rehearsal(scenario: Any, language: str, kind: str = "good") -> Any | None:
    """The scenario's first rehearsal in ``language`` that expects a good score (``kind``
    "clumsy": a capped one, whose debrief shows what went wrong)."""
    for rehearsal in scenario.rehearsals:
        expect = rehearsal.expect
        wanted = expect.min_score if kind == "good" else expect.max_score
        if rehearsal.lang == language and wanted is not None:
            return rehearsal
    return next((r for r in scenario.rehearsals if r.lang == language), None)


def show_rehearsal_debrief(view: TrainingWindow, scenario_id: str, kind: str = "good") -> None:
    """Play the scenario's good (or clumsy) rehearsal (compute lane), show its debrief."""
    from app.ops.training_play import headless_play
    from app.ui.training.labels import local_text, ui_key

    data, culture = view.training_data, view.culture
    scenario = view.scenario(scenario_id)
    i18n = view.ctx.i18n
    if data is None or culture is None or scenario is None:
        view.problem.emit(i18n._("There is no scenario “{id}”.").format(id=scenario_id[:64]))
        return
    rehearsal = good_rehearsal(scenario, view.trainee_language, kind)
    if rehearsal is None:
        view.problem.emit(i18n._("This scenario has no rehearsal to show."))
        return
    waits = list(rehearsal.waits or [])
    language, ui, rubric = view.trainee_language, ui_key(i18n), view.rubric
    title = local_text(scenario.title, ui)

    def work() -> dict[str, Any]:
        return headless_play(
            data,
            culture,
            scenario_id,
            list(rehearsal.replies),
            waits,
            trainee_language=language,
            ui_language=ui,
            rubric=rubric,
        )

    view.ctx.tasks.run(work, lambda report: view.show_report(report, title), owner=view)


def arm_training(
    window: MainWindow,
    options: LaunchOptions,
    quit_with: Callable[[int], None],
    settled: Callable[[], bool],
) -> None:
    """Open the training window after the inbox's first page (and screenshot it if asked)."""
    shown: list[TrainingWindow] = []
    typed_at: list[float] = []

    def failed(reason: str) -> None:
        print(f"crossdesk: training: {reason}", file=sys.stderr)
        quit_with(2)

    def open_view() -> None:
        if shown:
            return
        view = window.training.open()
        if options.size is not None:
            view.resize(*options.size)
        view.problem.connect(failed)
        shown.append(view)
        scenario = options.scenario
        if scenario is None:
            return

        def begin(_data: object = None) -> None:
            view.data_loaded.disconnect(begin)
            debrief = options.debrief
            if debrief:
                view.when_ready(lambda: show_rehearsal_debrief(view, scenario, debrief))
            else:
                view.play(scenario)

        view.data_loaded.connect(begin)

    window.inbox.page_loaded.connect(open_view)

    def ready() -> bool:
        view = shown[0] if shown else None
        if view is None or view.training_data is None or not settled():
            return False
        if options.scenario is None:
            return True
        if options.debrief:
            return view.debrief.report is not None
        play = view.current
        if play is None or not play.play.steps or view.culture is None:
            return False
        if options.draft is None:
            return True
        if not typed_at:
            play.composer.insert_text(options.draft)
            if play.draft_check is not None:
                play.draft_check.set_expanded(True)  # the picture shows why, not only how many
            typed_at.append(time.monotonic())
            return False
        return time.monotonic() - typed_at[0] > DRAFT_SETTLE_S

    screenshot_room(options.screenshot, ready, shown, quit_with)
