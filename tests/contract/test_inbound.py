"""POST /v1/inbound/messages: how customer messages enter from channels."""

from __future__ import annotations

import time

import pytest

from app.contract.models import Message
from tests.contract.client import Api, expect_problem, new_id

SLA = {
    "web_chat": 15 * 60,
    "whatsapp": 3600,
    "line": 3600,
    "messenger": 3600,
    "sms": 2 * 3600,
    "phone": 4 * 3600,
    "email": 24 * 3600,
}


@pytest.mark.parametrize("channel", sorted(SLA))
def test_first_message_opens_a_conversation_with_the_channel_sla(api: Api, channel: str) -> None:
    before = int(time.time())
    response = api.inbound(channel=channel)
    after = int(time.time())
    assert response.status_code == 201, response.text
    result = response.json()
    conversation, message = result["conversation"], result["message"]
    assert result["created_conversation"] is True
    assert conversation["status"] == "open"
    assert conversation["channel"] == channel
    assert conversation["version"] >= 1
    assert before + SLA[channel] - 2 <= conversation["sla_due_at"] <= after + SLA[channel] + 2
    assert message["kind"] == "customer"
    assert message["author"]["type"] == "customer"
    assert message["seq"] == conversation["last_message_seq"] == 1


def test_next_message_appends_and_reopens_a_resolved_conversation(api: Api) -> None:
    conversation = api.new_conversation(channel="sms")
    path = f"/v1/conversations/{conversation['id']}"
    resolved = api.patch(path, {"status": "resolved"}, if_match=f'"{conversation["version"]}"')
    assert resolved.json()["status"] == "resolved"
    response = api.inbound(
        conversation["id"], customer_id=conversation["customer"]["id"], channel="sms", body="Hi?"
    )
    assert response.status_code == 201
    result = response.json()
    assert result["created_conversation"] is False
    assert result["message"]["seq"] == 2
    assert result["conversation"]["status"] == "open"
    assert result["conversation"]["sla_due_at"] is not None
    assert result["conversation"]["version"] > resolved.json()["version"]


def test_delivery_is_idempotent_by_message_id(api: Api) -> None:
    message_id = new_id("wa")
    conversation_id = new_id("conv")
    customer_id = new_id("cust")
    first = api.inbound(conversation_id, customer_id=customer_id, message_id=message_id)
    again = api.inbound(conversation_id, customer_id=customer_id, message_id=message_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert Message.model_validate(again.json()["message"]) == Message.model_validate(
        first.json()["message"]
    )
    messages = api.get(f"/v1/conversations/{conversation_id}/messages").json()["items"]
    assert len(messages) == 1
    other = api.inbound(
        conversation_id, customer_id=customer_id, message_id=message_id, body="changed"
    )
    expect_problem(other, 409, "message_id_conflict")


def test_customer_send_time_is_kept_but_never_in_the_future(api: Api) -> None:
    past = int(time.time()) - 3600
    response = api.inbound(created_at=past)
    assert response.json()["message"]["created_at"] == past
    future = api.inbound(created_at=int(time.time()) + 86400)
    assert future.json()["message"]["created_at"] <= int(time.time()) + 2


def test_a_conversation_belongs_to_one_customer(api: Api) -> None:
    conversation = api.new_conversation()
    response = api.inbound(conversation["id"], customer_id=new_id("someone-else"))
    expect_problem(response, 409, "conversation_conflict")


def test_plain_agents_cannot_deliver_inbound_messages(agent_api: Api) -> None:
    expect_problem(agent_api.inbound(), 403, "forbidden")


def test_inbound_validation(api: Api) -> None:
    response = api.post(
        "/v1/inbound/messages",
        {"conversation": {"id": "x", "channel": "fax"}, "message": {"id": "y", "body": ""}},
    )
    problem = expect_problem(response, 422, "validation_failed")
    pointers = {e.pointer for e in problem.errors}
    assert {"/conversation/customer", "/conversation/channel", "/message/body"} <= pointers
