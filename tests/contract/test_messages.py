"""GET/POST /v1/conversations/{id}/messages: seq, message-id replay, SLA effects."""

from __future__ import annotations

import time

from app.contract.models import Message, MessagePage
from tests.contract.client import Api, expect_problem, new_id


def _reply(api: Api, conversation_id: str, **fields: object) -> dict:
    body = {"id": new_id("reply"), "kind": "agent", "body": "We are on it.", **fields}
    response = api.post(f"/v1/conversations/{conversation_id}/messages", body)
    assert response.status_code == 201, response.text
    return response.json()


def test_posting_assigns_the_next_seq_and_the_server_time(api: Api) -> None:
    conversation = api.new_conversation()
    before = int(time.time()) - 5
    first = _reply(api, conversation["id"], client_created_at=1)
    second = _reply(api, conversation["id"], kind="note", body="internal")
    assert (first["seq"], second["seq"]) == (2, 3)  # the customer's message is seq 1
    assert first["created_at"] >= before  # the server's clock, not client_created_at
    message = Message.model_validate(first)
    assert message.author.type == "agent"
    assert message.conversation_id == conversation["id"]


def test_reply_carries_translation_and_provenance(api: Api) -> None:
    conversation = api.new_conversation()
    posted = _reply(
        api,
        conversation["id"],
        body="Seu pedido chega amanhã.",
        language="pt-BR",
        original_body="你的订单明天到。",
        original_language="zh",
        provenance={"kind": "mt", "route": "zh->en->pt", "pivots": ["en"], "confidence": 0.8},
    )
    page = MessagePage.model_validate(
        api.get(f"/v1/conversations/{conversation['id']}/messages").json()
    )
    stored = page.items[-1]
    assert Message.model_validate(posted) == stored  # omitted optional fields mean null
    assert stored.original_body == "你的订单明天到。"
    assert stored.provenance is not None
    assert stored.provenance.pivots == ["en"]


def test_same_message_id_and_body_returns_the_stored_message(api: Api) -> None:
    conversation = api.new_conversation()
    body = {"id": new_id("reply"), "kind": "agent", "body": "Once only."}
    path = f"/v1/conversations/{conversation['id']}/messages"
    first = api.post(path, body)
    again = api.post(path, body)  # a new Idempotency-Key: this is the message-id rule
    assert (first.status_code, again.status_code) == (201, 200)
    assert Message.model_validate(again.json()) == Message.model_validate(first.json())
    items = api.get(path).json()["items"]
    assert [m["id"] for m in items].count(body["id"]) == 1
    assert api.conversation(conversation["id"]).json()["last_message_seq"] == first.json()["seq"]


def test_same_message_id_with_other_content_is_409(api: Api) -> None:
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}/messages"
    body = {"id": new_id("reply"), "kind": "agent", "body": "One."}
    assert api.post(path, body).status_code == 201
    expect_problem(api.post(path, {**body, "body": "Two."}), 409, "message_id_conflict")


def test_an_agent_reply_clears_the_sla_and_updates_the_conversation(api: Api) -> None:
    conversation = api.new_conversation(channel="web_chat")
    assert conversation["sla_due_at"] is not None
    posted = _reply(api, conversation["id"])
    after = api.conversation(conversation["id"]).json()
    assert after.get("sla_due_at") is None
    assert after["last_message_seq"] == posted["seq"]
    assert after["last_activity_at"] >= posted["created_at"]
    assert after["version"] > conversation["version"]


def test_an_internal_note_keeps_the_sla_running(api: Api) -> None:
    conversation = api.new_conversation(channel="email")
    note = _reply(api, conversation["id"], kind="note", body="Checking with the warehouse")
    after = api.conversation(conversation["id"]).json()
    assert after["sla_due_at"] == conversation["sla_due_at"]
    assert after["last_message_seq"] == note["seq"]


def test_messages_page_by_seq(api: Api) -> None:
    conversation = api.new_conversation()
    for _ in range(4):
        _reply(api, conversation["id"])
    path = f"/v1/conversations/{conversation['id']}/messages"
    first = api.get(path, params={"limit": 2}).json()
    assert [m["seq"] for m in first["items"]] == [1, 2]
    assert first["has_more"] is True
    rest = api.get(path, params={"after_seq": 2, "limit": 100}).json()
    assert [m["seq"] for m in rest["items"]] == [3, 4, 5]
    assert rest["has_more"] is False


def test_messages_of_an_unknown_conversation_are_404(api: Api) -> None:
    expect_problem(api.get("/v1/conversations/nope-xyz-1/messages"), 404, "not_found")
    body = {"id": new_id("reply"), "kind": "agent", "body": "x"}
    expect_problem(api.post("/v1/conversations/nope-xyz-1/messages", body), 404, "not_found")


def test_message_validation(api: Api) -> None:
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}/messages"
    problem = expect_problem(
        api.post(path, {"id": "bad id with spaces", "kind": "customer", "body": ""}),
        422,
        "validation_failed",
    )
    assert {"/id", "/kind", "/body"} <= {e.pointer for e in problem.errors}
