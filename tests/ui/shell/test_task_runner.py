"""The real QtTaskRunner, driven directly: threads, a real SQLite store, results on the
UI thread. What the ~50 widget tests on the inline runner cannot show: supersession of
work that is already running, shutdown with busy workers, store calls that cannot work."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from app.domain.cancel import CancelToken, TaskCancelledError
from app.ops.tasks import StoreLaneError
from app.storage.store import Store
from app.ui.shell.tasks import QtTaskRunner
from tests.helpers.sql import sql
from tests.ui.conftest import ErrorSink

pytestmark = pytest.mark.gui
WAIT_S = 10


@pytest.fixture
def runner(tmp_path: Path, error_sink: ErrorSink) -> Iterator[QtTaskRunner]:
    tasks = QtTaskRunner(lambda: Store.open(tmp_path / "store.sqlite3"), error_sink)
    yield tasks
    tasks.shutdown(timeout=WAIT_S)


def occupy_compute(runner: QtTaskRunner, workers: int = 2) -> threading.Event:
    """Keep every compute worker busy until the returned event is set."""
    release = threading.Event()
    started = threading.Barrier(workers + 1)

    def busy() -> None:
        started.wait(WAIT_S)
        release.wait(WAIT_S)

    for _ in range(workers):
        runner.run(busy)
    started.wait(WAIT_S)
    return release


def test_results_arrive_on_the_ui_thread_and_pending_settles(
    qtbot: QtBot, runner: QtTaskRunner
) -> None:
    seen: list[tuple[object, bool]] = []
    runner.run(lambda: 6 * 7, lambda v: seen.append((v, is_main())))
    runner.run_store(
        lambda repo: sql(repo).execute("SELECT 1").fetchone()[0],
        lambda v: seen.append((v, is_main())),
    )
    qtbot.waitUntil(lambda: len(seen) == 2 and runner.pending == 0, timeout=WAIT_S * 1000)
    assert sorted(seen, key=str) == [(1, True), (42, True)]


def is_main() -> bool:
    return threading.current_thread() is threading.main_thread()


def test_a_key_supersedes_only_its_own_owners_task(qtbot: QtBot, runner: QtTaskRunner) -> None:
    """Two live widgets of one kind (the old and the new window) keep their own results;
    within one owner the newer task wins, and the older one's token is cancelled."""
    first, second = QObject(), QObject()
    gate = threading.Event()
    tokens: list[CancelToken] = []
    got: list[str] = []

    def slow(name: str, token: CancelToken) -> str:
        gate.wait(WAIT_S)
        return f"{name}:{'cancelled' if token.cancelled else 'live'}"

    for owner, name in ((first, "a1"), (second, "b"), (first, "a2")):
        token = CancelToken()
        tokens.append(token)
        runner.run(
            lambda n=name, t=token: slow(n, t), got.append, key="preview", owner=owner, token=token
        )
    gate.set()
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=WAIT_S * 1000)
    assert sorted(got) == ["a2:live", "b:live"]
    assert [t.cancelled for t in tokens] == [True, False, False]


def test_a_cancelled_token_stops_running_work(qtbot: QtBot, runner: QtTaskRunner) -> None:
    """Long work that checks its token stops when superseded instead of running on and
    holding a worker (a superseded translation batch starved the preview)."""
    steps: list[int] = []
    started = threading.Event()
    token = CancelToken()

    def batch() -> None:
        for step in range(1000):
            started.set()
            token.sleep(0.01)  # raises TaskCancelledError once cancelled
            steps.append(step)

    errors: list[BaseException] = []
    handle = runner.run(batch, on_error=errors.append, key="batch", token=token)
    assert started.wait(WAIT_S)
    runner.run(lambda: None, key="batch")  # the newer batch supersedes it
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=WAIT_S * 1000)
    assert handle.cancelled and len(steps) < 1000
    assert errors == []  # a superseded task's outcome is dropped, error or not
    with pytest.raises(TaskCancelledError):
        token.raise_if_cancelled()


def test_shutdown_cancels_queued_compute_work_by_default(
    qtbot: QtBot, runner: QtTaskRunner
) -> None:
    release = occupy_compute(runner)
    ran: list[str] = []
    runner.run(lambda: ran.append("queued"))
    running_token = CancelToken()
    runner.run(lambda: None, token=running_token)
    release.set()
    assert runner.shutdown(timeout=WAIT_S)
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=WAIT_S * 1000)
    assert ran == [] and running_token.cancelled


def test_shutdown_with_drain_finishes_queued_compute_work(
    qtbot: QtBot, runner: QtTaskRunner
) -> None:
    release = occupy_compute(runner)
    ran: list[str] = []
    runner.run(lambda: ran.append("queued"))
    release.set()
    assert runner.shutdown(drain=True, timeout=WAIT_S)
    assert ran == ["queued"]


def test_a_must_run_task_survives_shutdown_with_both_workers_busy(
    qtbot: QtBot, runner: QtTaskRunner
) -> None:
    """Sign-out's revoke: queued behind a sync cycle and a translation, then the runner is
    shut down at once (the workspace switches). It must still run."""
    release = occupy_compute(runner)
    revoked = threading.Event()
    runner.run(revoked.set, must_run=True)
    runner.run(lambda: None)  # an ordinary task queued as well: dropped
    timer = threading.Timer(0.2, release.set)  # the busy work ends a moment later
    timer.start()
    assert runner.shutdown(timeout=WAIT_S)
    assert revoked.is_set()
    timer.join()


def test_store_writes_queued_before_shutdown_all_finish(
    tmp_path: Path, runner: QtTaskRunner
) -> None:
    def write(repo: Store, i: int) -> None:
        with repo.transaction():
            repo.meta.set(f"draft-{i}", str(i))

    for i in range(50):
        runner.run_store(lambda repo, i=i: write(repo, i))
    runner.shutdown()
    conn = sqlite3.connect(tmp_path / "store.sqlite3")
    try:
        count = conn.execute("SELECT count(*) FROM meta WHERE key LIKE 'draft-%'").fetchone()
        assert count[0] == 50
    finally:
        conn.close()


def test_store_call_after_shutdown_says_so(qtbot: QtBot, runner: QtTaskRunner) -> None:
    runner.shutdown()
    errors: list[BaseException] = []
    done = threading.Event()

    def late() -> None:  # a sync cycle still running when the workspace closed
        try:
            runner.store_call(lambda repo: None)
        except BaseException as exc:
            errors.append(exc)
        done.set()

    threading.Thread(target=late).start()
    assert done.wait(WAIT_S)
    assert isinstance(errors[0], StoreLaneError)
    assert "shut down" in str(errors[0])


def test_store_call_from_the_store_lane_is_an_error_not_a_deadlock(
    qtbot: QtBot, runner: QtTaskRunner
) -> None:
    errors: list[BaseException] = []
    runner.run_store(lambda repo: runner.store_call(lambda r: 1), on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_S * 1000)
    assert isinstance(errors[0], StoreLaneError)
    assert "wait for itself" in str(errors[0])
    done: list[int] = []
    runner.run_store(lambda repo: 2, done.append)  # the lane is still alive
    qtbot.waitUntil(lambda: done == [2], timeout=WAIT_S * 1000)


def test_store_call_on_the_ui_thread_is_refused(runner: QtTaskRunner) -> None:
    with pytest.raises(StoreLaneError, match="UI thread"):
        runner.store_call(lambda repo: 1)


def test_work_submitted_after_shutdown_never_starts(qtbot: QtBot, runner: QtTaskRunner) -> None:
    runner.shutdown()
    ran: list[str] = []
    handle = runner.run(lambda: ran.append("late"))
    store = runner.run_store(lambda repo: ran.append("late store"))
    assert handle.cancelled and store.cancelled and runner.pending == 0 and ran == []
