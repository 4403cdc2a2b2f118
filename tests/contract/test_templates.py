"""Channel realities in the contract: approved message templates (GET /v1/templates), a
reply naming the template it was filled from, and the optional read receipts and typing
indicator (present: they round-trip; absent: still a valid conversation and message)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from app.contract.models import Conversation, Message, MessageTemplate, TemplateList
from tests.contract.client import Api, expect_problem, new_id

TEMPLATE = {
    "name": "order_update",
    "channel": "whatsapp",
    "language": "pt-BR",
    "body": "Olá {{1}}, seu pedido {{2}} foi enviado. Responda a esta mensagem.",
    "variables": ["1", "2"],
}


def _listed(api: Api) -> dict[str, dict[str, Any]]:
    response = api.get("/v1/templates")
    assert response.status_code == 200, response.text
    TemplateList.model_validate(response.json())
    return {item["id"]: item for item in response.json()["items"]}


@pytest.mark.reference  # templates are approved through the reference server's admin route
def test_an_approved_template_is_listed_to_agents_with_every_field(
    api: Api, agent_api: Api
) -> None:
    template_id = new_id("tpl")
    created = api.http.put(f"/v1/admin/templates/{template_id}", json=TEMPLATE)
    assert created.status_code == 201, created.text
    listed = _listed(agent_api)[template_id]
    template = MessageTemplate.model_validate(listed)
    assert (template.name, template.channel, template.language) == (
        "order_update",
        "whatsapp",
        "pt-BR",
    )
    assert template.body == TEMPLATE["body"] and template.variables == ["1", "2"]
    assert template.updated_at > 0
    replaced = api.http.put(
        f"/v1/admin/templates/{template_id}", json={**TEMPLATE, "body": "Olá {{1}}! {{2}}"}
    )
    assert replaced.status_code == 200
    assert _listed(agent_api)[template_id]["body"] == "Olá {{1}}! {{2}}"
    assert api.http.delete(f"/v1/admin/templates/{template_id}").status_code == 204
    assert template_id not in _listed(agent_api)


@pytest.mark.reference
def test_templates_need_a_signed_in_caller_and_valid_fields(
    anonymous: Api, api: Api, agent_api: Api
) -> None:
    expect_problem(anonymous.get("/v1/templates"), 401, "unauthorized")
    template_id = new_id("tpl")
    expect_problem(
        agent_api.http.put(f"/v1/admin/templates/{template_id}", json=TEMPLATE), 403, "forbidden"
    )
    bad = {**TEMPLATE, "channel": "fax"}
    expect_problem(
        api.http.put(f"/v1/admin/templates/{template_id}", json=bad), 422, "validation_failed"
    )
    long = {**TEMPLATE, "body": "x" * 4097}
    expect_problem(
        api.http.put(f"/v1/admin/templates/{template_id}", json=long), 422, "validation_failed"
    )


def test_a_reply_may_name_the_template_it_was_filled_from(api: Api) -> None:
    conversation = api.new_conversation(channel="whatsapp")
    body = {
        "id": new_id("reply"),
        "kind": "agent",
        "body": "Olá Ana, seu pedido BR-1 foi enviado. Responda a esta mensagem.",
        "language": "pt-BR",
        "template": {
            "id": "order-update-pt-br",
            "name": "order_update",
            "language": "pt-BR",
            "parameters": {"1": "Ana", "2": "BR-1"},
        },
    }
    path = f"/v1/conversations/{conversation['id']}/messages"
    posted = api.post(path, body)
    assert posted.status_code == 201, posted.text
    assert posted.json()["body"] == body["body"]
    replay = api.post(path, body)
    assert replay.status_code == 200  # same id, same content (template included)
    clash = api.post(path, {**body, "template": {**body["template"], "parameters": {"1": "X"}}})
    expect_problem(clash, 409, "message_id_conflict")
    bad = {**body, "id": new_id("reply"), "template": {"id": "x", "name": ""}}
    expect_problem(api.post(path, bad), 422, "validation_failed")


def _signals(api: Api, **body: Any) -> Any:
    return api.post("/v1/inbound/signals", body)


@pytest.mark.reference  # /v1/inbound/signals is the reference server's way to report them
def test_read_receipts_and_typing_round_trip_when_present(api: Api) -> None:
    conversation = api.new_conversation(channel="whatsapp")
    cid = conversation["id"]
    path = f"/v1/conversations/{cid}/messages"
    reply = api.post(path, {"id": new_id("reply"), "kind": "agent", "body": "Hi!"}).json()
    note = api.post(path, {"id": new_id("note"), "kind": "note", "body": "internal"}).json()
    _items, _deleted, cursor = api.drain("messages")
    _c, _d, conversations_cursor = api.drain("conversations")
    version = api.conversation(cid).json()["version"]
    now = int(time.time())
    response = _signals(
        api,
        conversation_id=cid,
        read=[
            {"message_id": reply["id"], "read_at": now - 5},
            {"message_id": note["id"], "read_at": now - 5},  # a note is never "read"
        ],
        customer_typing_until=now + 30,
    )
    assert response.status_code == 200, response.text
    assert response.json()["read"] == 1
    changed, _deleted, _cursor = api.drain("messages", cursor)
    read = {m["id"]: Message.model_validate(m) for m in changed}
    assert read[reply["id"]].read_at == now - 5  # the message came again, with read_at
    assert note["id"] not in read
    listed = api.get(path).json()["items"]
    assert next(m for m in listed if m["id"] == reply["id"])["read_at"] == now - 5
    again, _deleted, _cursor = api.drain("conversations", conversations_cursor)
    typing = Conversation.model_validate(next(c for c in again if c["id"] == cid))
    assert typing.customer_typing_until == now + 30
    assert typing.version == version  # typing is not an edit: no new version, no 412
    stopped = _signals(api, conversation_id=cid, customer_typing_until=None)
    assert stopped.status_code == 200 and stopped.json().get("customer_typing_until") is None
    assert api.conversation(cid).json().get("customer_typing_until") is None


def test_their_absence_is_valid(api: Api) -> None:
    conversation = api.new_conversation(channel="email")
    assert conversation.get("customer_typing_until") is None
    minimal = {k: v for k, v in conversation.items() if k != "customer_typing_until"}
    assert Conversation.model_validate(minimal).customer_typing_until is None
    message = api.get(f"/v1/conversations/{conversation['id']}/messages").json()["items"][0]
    assert message.get("read_at") is None
    minimal_message = {k: v for k, v in message.items() if k != "read_at"}
    assert Message.model_validate(minimal_message).read_at is None


@pytest.mark.reference
def test_signals_need_the_integration_role_and_a_known_conversation(
    api: Api, agent_api: Api
) -> None:
    expect_problem(_signals(agent_api, conversation_id="nope"), 403, "forbidden")
    expect_problem(_signals(api, conversation_id=new_id("conv")), 404, "not_found")
    expect_problem(
        _signals(api, conversation_id="x", read=[{"message_id": "m", "read_at": -1}]),
        422,
        "validation_failed",
    )
