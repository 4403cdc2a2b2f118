"""An erasure the server refuses (an agent may not erase) is shown in the sync dialog as
what it is: the customer's erasure, named by their id (their name is gone), with what to
do; never as "your change to this conversation" (real server, real store)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.ops.sync_problems import ProblemKind
from app.ui.sync.problems_dialog import SyncProblemsDialog
from tests.contract.client import Api, new_id
from tests.helpers.fixtures import ContextFactory
from tests.sync.conftest import (  # noqa: F401  (the real server's fixtures)
    DeskFactory,
    admin,
    make_desk,
    reference,
)
from tests.sync.test_erasure_sync import _customer_and_neighbour, _erase_locally

pytestmark = pytest.mark.gui


def test_a_refused_erasure_names_the_customer_and_says_what_to_do(
    qtbot: QtBot,
    admin: Api,  # noqa: F811
    make_desk: DeskFactory,  # noqa: F811
    make_ctx: ContextFactory,
    store_path: Path,
) -> None:
    customer, _conversations, _ = _customer_and_neighbour(admin)
    store_path.parent.mkdir(parents=True, exist_ok=True)
    desk = make_desk(str(store_path.relative_to(store_path.parents[2]).with_suffix("")))
    assert desk.path == store_path
    desk.synced()
    _erase_locally(desk, customer, new_id("dsr"))
    assert desk.sync().needs_attention == 1  # an agent: 403

    dialog = SyncProblemsDialog(make_ctx("en"))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: len(dialog.problems) == 1, timeout=10_000)
    (problem,) = dialog.problems
    assert (problem.kind, problem.item, problem.subject) == (
        ProblemKind.NEEDS_ATTENTION,
        "erasure",
        customer,
    )
    detail = dialog.findChild(QLabel, "syncProblemDetail")
    assert detail is not None
    assert detail.text().startswith(
        "The server did not accept this customer's erasure. They are erased on this computer;"
        " ask your server's administrator to erase them there.\nThe server said: "
    )
    assert "conversation" not in detail.text().split("\n")[0]
