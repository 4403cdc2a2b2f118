"""The agent sees that a change is being retried: the status bar says "Retrying in 4m
(attempt 5)" and the sync dialog lists it with "Try now" (real server, real store)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from app.ops.sync_problems import ProblemKind
from app.ui.sync.problems_dialog import SyncProblemsDialog
from app.ui.sync.status import SyncController, SyncStatus
from tests.contract.client import Api
from tests.helpers.fixtures import ContextFactory
from tests.sync.conftest import (  # noqa: F401  (the real server's fixtures)
    DeskFactory,
    ProxyFactory,
    admin,
    make_desk,
    make_proxy,
    reference,
)
from tests.sync.proxy import Answer, Reply

pytestmark = pytest.mark.gui

START = 1_900_000_000
UNAVAILABLE = Answer(
    Reply(
        503,
        {"Content-Type": "application/problem+json"},
        b'{"type":"about:blank","title":"Service Unavailable","status":503,'
        b'"code":"unavailable","retryable":true}',
    )
)


def test_a_retried_change_shows_its_attempts_and_next_try(
    qtbot: QtBot,
    admin: Api,  # noqa: F811
    make_desk: DeskFactory,  # noqa: F811
    make_proxy: ProxyFactory,  # noqa: F811
    make_ctx: ContextFactory,
    store_path: Path,
) -> None:
    conversation = admin.new_conversation()["id"]
    proxy = make_proxy()
    store_path.parent.mkdir(parents=True, exist_ok=True)
    desk = make_desk(
        str(store_path.relative_to(store_path.parents[2]).with_suffix("")), url=proxy.base_url
    )
    assert desk.path == store_path
    desk.synced()
    now = [START]
    desk.engine.clock = lambda: now[0]
    desk.engine.rand = lambda: 0.999  # the top of each jitter range: 30 s, 1, 2, 4 min
    desk.reply(conversation, "Your replacement is on its way.")
    proxy.on("POST", f"/v1/conversations/{conversation}/messages", UNAVAILABLE, times=None)
    for _ in range(3):  # three failed tries, each at its due time
        desk.sync()
        (operation,) = desk.outbox()
        now[0] = operation.next_attempt_at

    ctx = make_ctx("en", clock=lambda: now[0])
    controller = SyncController(ctx, lambda: desk.engine)
    status = SyncStatus(ctx, controller)
    qtbot.addWidget(status)
    with qtbot.waitSignal(controller.finished, timeout=30_000) as fourth:
        controller.sync_now()
    assert fourth.args[0].retry_attempts == 4
    assert not status.attention.isHidden()
    assert status.attention.text() == "Retrying in 4m (attempt 5)"

    dialog = SyncProblemsDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: len(dialog.problems) == 1)
    (problem,) = dialog.problems
    assert (problem.kind, problem.attempts) == (ProblemKind.RETRYING, 4)
    detail = dialog.findChild(QLabel, "syncProblemDetail")
    assert detail is not None
    assert "waiting to be sent" in detail.text()
    assert "Retrying in 4m (attempt 5)" in detail.text() and "503" in detail.text()

    try_now = dialog.findChild(QPushButton, "retry")
    assert try_now is not None and try_now.text() == "Try now"
    with qtbot.waitSignal(dialog.changed):
        try_now.click()
    (operation,) = desk.outbox()
    assert (operation.attempts, operation.next_attempt_at) == (0, 0)  # due now, a new series
