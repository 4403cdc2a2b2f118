"""A sync cycle reports what it stored as one Changes: the window refreshes only that."""

from __future__ import annotations

import uuid

from app.domain.changes import NOTHING
from tests.contract.client import Api
from tests.sync.conftest import DeskFactory
from tests.sync.harness import customer_writes


def test_a_cycle_names_exactly_the_conversations_and_kinds_it_stored(
    admin: Api, make_desk: DeskFactory
) -> None:
    first, second = admin.new_conversation()["id"], admin.new_conversation()["id"]
    desk = make_desk()
    initial = desk.synced().changes
    assert {desk.conversation_id(first), desk.conversation_id(second)} <= initial.conversation_ids
    assert initial.list_membership and initial.messages and initial.choices
    assert desk.synced().changes == NOTHING, "a cycle that brings nothing names nothing"

    customer_writes(admin, first, "Any news?")
    pulled = desk.synced().changes
    assert pulled.conversation_ids == {desk.conversation_id(first)}
    assert pulled.list_membership and pulled.messages
    assert not (pulled.choices or pulled.articles or pulled.sync_problems or pulled.translation)
    assert not pulled.outbox

    desk.reply(second, "It is on its way.")
    assert desk.synced().changes.conversation_ids == {desk.conversation_id(second)}

    tag = f"vip-{uuid.uuid4().hex[:6]}"  # a value the tag filter does not offer yet
    path = f"/v1/conversations/{first}"
    version = admin.conversation(first).json()["version"]
    response = admin.patch(path, {"tags": {"add": [tag]}}, if_match=f'"{version}"')
    assert response.status_code == 200, response.text
    tagged = desk.synced().changes
    assert tagged.choices and tagged.conversation_ids == {desk.conversation_id(first)}
