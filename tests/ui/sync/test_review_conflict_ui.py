"""A lead's review edit that met another lead's newer one waits in the sync dialog, named
as a review (not a conversation); "Keep theirs" shows the other lead's scorecard (real
server, real store, the real dialog)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from app.ops import review
from app.ops.sync_problems import ProblemKind
from app.ui.sync.problems_dialog import SyncProblemsDialog
from tests.contract.client import Api
from tests.contract.server import ADMIN_ID
from tests.helpers.fixtures import ContextFactory
from tests.sync.conftest import (  # noqa: F401  (the real server's fixtures)
    DeskFactory,
    Reference,
    admin,
    make_desk,
    reference,
)
from tests.sync.test_reviews import LEAD_ID, LEAD_PASSWORD, _answered, _lead_account, edit_review

pytestmark = pytest.mark.gui


def test_a_review_conflict_is_named_and_the_lead_takes_theirs(
    qtbot: QtBot,
    admin: Api,  # noqa: F811
    reference: Reference,  # noqa: F811
    make_desk: DeskFactory,  # noqa: F811
    make_ctx: ContextFactory,
    store_path: Path,
) -> None:
    _lead_account(reference)
    store_path.parent.mkdir(parents=True, exist_ok=True)
    agent = make_desk("agent")
    uid, _ = _answered(admin, agent)
    lead = make_desk(
        str(store_path.relative_to(store_path.parents[2]).with_suffix("")),
        agent_id=LEAD_ID,
        password=LEAD_PASSWORD,
    )
    assert lead.path == store_path
    other = make_desk("other", agent_id=ADMIN_ID, api_token=reference.admin_token)
    lead.synced()
    local = lead.conversation_id(uid)
    lead.runner.store_call(
        lambda repo: review.open_review(repo, local, review.me_id(repo), lead.clock())
    )
    lead.synced()
    other.synced()
    edit_review(other, uid, comment="Great save on the refund.")
    other.synced()
    edit_review(lead, uid, comment="Refund offered too late.")
    assert lead.synced().conflicts == 1

    ctx = make_ctx("en")
    dialog = SyncProblemsDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: len(dialog.problems) == 1)
    (problem,) = dialog.problems
    assert (problem.kind, problem.item) == (ProblemKind.CONFLICT, "review")
    detail = dialog.findChild(QLabel, "syncProblemDetail")
    assert detail is not None
    assert detail.text() == "Someone else changed this review while your change was on its way."
    button = dialog.findChild(QPushButton, "keepTheirs")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.problems, timeout=10_000)

    kept = lead.runner.store_call(lambda repo: review.review_of(repo, local))
    assert kept is not None and kept.comment == "Great save on the refund."
    assert lead.outbox() == []
    lead.synced()
    assert lead.outbox() == []
