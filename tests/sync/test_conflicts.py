"""Two agents change the same conversation: a change to the same field is a conflict the
agent decides (never overwritten silently); a tag added on a stale version re-applies."""

from __future__ import annotations

import pytest

from app.domain.models import Status
from tests.contract.client import Api
from tests.contract.server import ADMIN_ID
from tests.sync.conftest import DeskFactory, Reference
from tests.sync.harness import Desk


@pytest.fixture
def desks(reference: Reference, make_desk: DeskFactory) -> tuple[Desk, Desk]:
    """Ana (an agent, password) and Bruno (the admin account, API token), both synced."""
    ana = make_desk("ana")
    bruno = make_desk("bruno", agent_id=ADMIN_ID, api_token=reference.admin_token)
    return ana, bruno


def _conversation(admin: Api, uid: str) -> dict[str, object]:
    response = admin.conversation(uid)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_same_field_changed_by_two_agents_is_a_conflict(
    admin: Api, desks: tuple[Desk, Desk]
) -> None:
    """Ana resolves, Bruno (still seeing it open) sets it pending: Bruno's change gets a
    412 and waits as a conflict carrying the server's version; Ana's status stands."""
    ana, bruno = desks
    uid = admin.new_conversation()["id"]
    ana.synced()
    bruno.synced()

    ana.set_status(uid, Status.RESOLVED)
    ana.synced()
    bruno.set_status(uid, Status.PENDING)
    report = bruno.synced()

    assert _conversation(admin, uid)["status"] == "resolved"
    (operation,) = bruno.outbox()
    assert operation.state == "conflict"
    assert operation.payload["patch"] == {"status": "pending"}
    assert operation.conflict is not None and operation.conflict["status"] == "resolved"
    assert report.conflicts == 1 and report.pushed == 0
    # the agent's choice stays on screen until decided; a later sync does not resend it
    assert bruno.query("SELECT status FROM conversations WHERE uid = ?", (uid,)) == [("pending",)]
    bruno.synced()
    assert _conversation(admin, uid)["status"] == "resolved"
    assert [op.state for op in bruno.outbox()] == ["conflict"]


def test_tag_on_a_stale_version_is_rebased_and_lands(admin: Api, desks: tuple[Desk, Desk]) -> None:
    """Ana resolves; Bruno, on the version before, adds a tag: nobody else touched tags,
    so the 412 is re-based and the tag lands on top of Ana's change."""
    ana, bruno = desks
    uid = admin.new_conversation()["id"]
    ana.synced()
    bruno.synced()

    ana.set_status(uid, Status.RESOLVED)
    ana.synced()
    bruno.add_tag(uid, "vip")
    report = bruno.synced()

    server = _conversation(admin, uid)
    assert server["status"] == "resolved"
    assert server["tags"] == ["vip"]
    assert bruno.outbox() == []
    assert report.pushed == 1 and report.conflicts == 0
    assert bruno.query("SELECT status FROM conversations WHERE uid = ?", (uid,)) == [("resolved",)]


def test_status_change_queued_behind_a_rebased_tag_is_still_a_conflict(
    admin: Api, desks: tuple[Desk, Desk]
) -> None:
    """Bruno, on the old version, adds a tag then sets a status. The tag is re-based and
    sent; the status change must still be checked against the version Bruno saw, not
    the one the tag produced, or Ana's status would be overwritten without a word."""
    ana, bruno = desks
    uid = admin.new_conversation()["id"]
    ana.synced()
    bruno.synced()

    ana.set_status(uid, Status.RESOLVED)
    ana.synced()
    bruno.add_tag(uid, "billing")
    bruno.set_status(uid, Status.PENDING)
    report = bruno.synced()

    server = _conversation(admin, uid)
    assert server["tags"] == ["billing"]
    assert server["status"] == "resolved", "Ana's change was silently overwritten"
    (operation,) = bruno.outbox()
    assert operation.state == "conflict"
    assert operation.payload["patch"] == {"status": "pending"}
    assert report.conflicts == 1
