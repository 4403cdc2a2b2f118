"""Contract 1.1, settled rules about the inbox: redelivered and late customer messages,
another channel, reopening, a missing language, the SLA clock, tags, the 409 codes and
the version of a recreated object (GUIDE.md, "Inbound messages" and "Tags and the SLA")."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from app.contract.models import Conversation, Message
from tests.contract.client import Api, expect_problem, new_id

DAY, HOUR = 24 * 3600, 3600


def _patch(api: Api, conversation: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    response = api.patch(
        f"/v1/conversations/{conversation['id']}", body, if_match=f'"{conversation["version"]}"'
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _again(api: Api, conversation: dict[str, Any], **message: Any) -> httpx.Response:
    """Another customer message on an existing conversation."""
    channel = message.pop("channel", conversation["channel"])
    return api.inbound(
        conversation["id"],
        customer_id=conversation["customer"]["id"],
        channel=channel,
        **message,
    )


# ------------------------------------------------------------------- redelivery
def test_redelivery_changes_nothing_and_answers_the_stored_message_and_the_conversation_now(
    api: Api,
) -> None:
    message_id = new_id("wa")
    conversation = api.new_conversation(message_id=message_id)
    resolved = _patch(api, conversation, {"status": "resolved"})
    again = _again(api, conversation, message_id=message_id)  # a new Idempotency-Key
    assert again.status_code == 200, again.text
    result = again.json()
    assert result["created_conversation"] is False
    assert Conversation.model_validate(result["conversation"]) == Conversation.model_validate(
        resolved
    )  # as it is now: still resolved, same version
    assert result["message"]["id"] == message_id and result["message"]["seq"] == 1


def test_redelivery_under_the_same_key_replays_the_first_answer(api: Api) -> None:
    key = str(uuid.uuid4())
    payload = {
        "conversation": {
            "id": new_id("conv"),
            "customer": {"id": new_id("cust"), "name": "Ana"},
            "channel": "sms",
        },
        "message": {"id": new_id("sms"), "body": "Olá"},
    }
    first = api.post("/v1/inbound/messages", payload, key=key)
    again = api.post("/v1/inbound/messages", payload, key=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again.json()["created_conversation"] is True
    assert again.headers.get("idempotent-replayed") == "true"


# ------------------------------------------------------------------- time base
def test_a_past_created_at_is_kept_but_the_sla_runs_from_receipt(api: Api) -> None:
    past = int(time.time()) - 3 * HOUR
    before = int(time.time())
    result = api.inbound(channel="email", created_at=past).json()
    after = int(time.time())
    conversation, message = result["conversation"], result["message"]
    assert message["created_at"] == past
    assert before - 2 <= conversation["created_at"] <= after + 2
    assert before + DAY - 2 <= conversation["sla_due_at"] <= after + DAY + 2
    assert conversation["last_activity_at"] == past


def test_seq_is_the_order_of_arrival_not_of_created_at(api: Api) -> None:
    conversation = api.new_conversation()
    earlier = int(time.time()) - DAY
    late = _again(api, conversation, created_at=earlier).json()
    assert late["message"]["seq"] == 2 and late["message"]["created_at"] == earlier
    assert late["conversation"]["last_activity_at"] >= conversation["last_activity_at"]


def test_a_created_at_in_the_future_becomes_now(api: Api) -> None:
    before = int(time.time())
    message = api.inbound(created_at=before + DAY).json()["message"]
    assert before - 2 <= message["created_at"] <= int(time.time()) + 2


# ------------------------------------------------------------------- channel, reopening
def test_a_message_from_another_channel_joins_the_conversation_on_its_channel(api: Api) -> None:
    conversation = api.new_conversation(channel="email")
    reply = {"id": new_id("r"), "kind": "agent", "body": "We are on it."}
    assert api.post(f"/v1/conversations/{conversation['id']}/messages", reply).status_code == 201
    before = int(time.time())
    response = _again(api, conversation, channel="whatsapp", body="Any news?")
    after = int(time.time())
    assert response.status_code == 201, response.text
    joined = response.json()["conversation"]
    assert joined["channel"] == "email" and joined["subject"] == conversation["subject"]
    assert before + DAY - 2 <= joined["sla_due_at"] <= after + DAY + 2  # email's SLA


@pytest.mark.parametrize("status", ["pending", "snoozed", "resolved"])
def test_a_customer_message_reopens_a_conversation_in_any_status(api: Api, status: str) -> None:
    conversation = api.new_conversation(channel="sms")
    change: dict[str, Any] = {"status": status}
    if status == "snoozed":
        change["snoozed_until"] = int(time.time()) + DAY
    waiting = _patch(api, conversation, change)
    result = _again(api, conversation, body="Hello?").json()["conversation"]
    assert result["status"] == "open"
    assert result.get("snoozed_until") is None
    assert result["version"] > waiting["version"]
    assert result.get("sla_due_at") is not None


def test_a_customer_message_keeps_a_running_sla(api: Api) -> None:
    conversation = api.new_conversation(channel="web_chat")
    later = _again(api, conversation, body="Still there?").json()["conversation"]
    assert later["sla_due_at"] == conversation["sla_due_at"]


def test_a_missing_language_is_unknown_never_guessed(api: Api) -> None:
    payload = {
        "conversation": {
            "id": new_id("conv"),
            "customer": {"id": new_id("cust"), "name": "Kim"},
            "channel": "line",
        },
        "message": {"id": new_id("line"), "body": "안녕하세요"},
    }
    result = api.post("/v1/inbound/messages", payload).json()
    assert result["message"].get("language") is None
    assert Conversation.model_validate(result["conversation"]).language == ""
    given = api.inbound(language="pt-BR").json()  # the customer's language fills the gap
    assert given["message"]["language"] == "pt-BR"
    assert given["conversation"]["language"] == "pt-BR"


# ------------------------------------------------------------------- the SLA clock
def test_resolving_clears_the_sla_and_only_a_customer_message_starts_it_again(api: Api) -> None:
    conversation = api.new_conversation(channel="phone")
    resolved = _patch(api, conversation, {"status": "resolved"})
    assert resolved.get("sla_due_at") is None
    reopened = _patch(api, resolved, {"status": "open"})
    assert reopened.get("sla_due_at") is None
    before = int(time.time())
    answered = _again(api, conversation, body="Call me").json()["conversation"]
    assert before + 4 * HOUR - 2 <= answered["sla_due_at"] <= int(time.time()) + 4 * HOUR + 2


def test_pending_and_snoozed_keep_the_sla(api: Api) -> None:
    conversation = api.new_conversation(channel="email")
    pending = _patch(api, conversation, {"status": "pending"})
    assert pending["sla_due_at"] == conversation["sla_due_at"]
    snoozed = _patch(api, pending, {"status": "snoozed", "snoozed_until": int(time.time()) + 60})
    assert snoozed["sla_due_at"] == conversation["sla_due_at"]


def test_a_reply_or_a_note_never_changes_the_status(api: Api) -> None:
    conversation = api.new_conversation()
    resolved = _patch(api, conversation, {"status": "resolved"})
    path = f"/v1/conversations/{conversation['id']}/messages"
    for kind in ("agent", "note"):
        posted = api.post(path, {"id": new_id("m"), "kind": kind, "body": "Closing note"})
        assert posted.status_code == 201, posted.text
    assert api.conversation(conversation["id"]).json()["status"] == resolved["status"]


def test_a_snooze_that_has_ended_stays_snoozed_on_the_server(api: Api) -> None:
    """Waking is the reader's business: the stored status stays until someone changes it
    (a customer message, a PATCH); clients show it as open once the time has passed."""
    conversation = api.new_conversation()
    past = int(time.time()) - 60
    snoozed = _patch(api, conversation, {"status": "snoozed", "snoozed_until": past})
    assert (snoozed["status"], snoozed["snoozed_until"]) == ("snoozed", past)
    now = api.conversation(conversation["id"]).json()
    assert (now["status"], now["version"]) == ("snoozed", snoozed["version"])


# ------------------------------------------------------------------- tags
def test_tags_are_trimmed_on_add_and_on_remove(api: Api) -> None:
    conversation = api.new_conversation()
    tagged = _patch(api, conversation, {"tags": {"add": ["  vip ", "\trefund\n"]}})
    assert sorted(tagged["tags"]) == ["refund", "vip"]
    untagged = _patch(api, tagged, {"tags": {"remove": [" vip"]}})
    assert untagged["tags"] == ["refund"]


def test_tags_are_case_sensitive(api: Api) -> None:
    conversation = api.new_conversation()
    assert sorted(_patch(api, conversation, {"tags": {"add": ["VIP", "vip"]}})["tags"]) == [
        "VIP",
        "vip",
    ]


def test_a_tag_of_100_characters_after_trimming_is_accepted(api: Api) -> None:
    conversation = api.new_conversation()
    assert _patch(api, conversation, {"tags": {"add": [" " + "x" * 100 + " "]}})["tags"] == [
        "x" * 100
    ]


@pytest.mark.parametrize(
    ("ops", "pointer"),
    [
        ({"add": [""]}, "/tags/add/0"),
        ({"add": ["ok", "   "]}, "/tags/add/1"),
        ({"add": ["x" * 101]}, "/tags/add/0"),
        ({"add": ["two\nlines"]}, "/tags/add/0"),
        ({"remove": [" "]}, "/tags/remove/0"),
    ],
    ids=["empty", "blank", "too-long", "control-character", "blank-remove"],
)
def test_a_blank_long_or_control_character_tag_is_422(
    api: Api, ops: dict[str, list[str]], pointer: str
) -> None:
    conversation = api.new_conversation()
    response = api.patch(f"/v1/conversations/{conversation['id']}", {"tags": ops}, if_match='"1"')
    problem = expect_problem(response, 422, "validation_failed")
    assert [e.pointer for e in problem.errors] == [pointer]
    assert problem.errors[0].code == "invalid_tag"


# ------------------------------------------------------------------- 409 codes
def test_conversation_conflict_is_another_customers_conversation_id(api: Api) -> None:
    conversation = api.new_conversation()
    problem = expect_problem(
        api.inbound(conversation["id"], customer_id=new_id("cust")), 409, "conversation_conflict"
    )
    assert problem.retryable is False


def test_conflict_is_retryable_and_a_retry_with_the_same_key_lands_once(api: Api) -> None:
    """Eight first messages of one new conversation at once: each answer is 201 or a
    retryable 409 (``conflict`` or ``idempotency_in_flight``); retried with its key,
    every message lands exactly once, with consecutive seqs."""
    conversation_id, customer_id = new_id("conv"), new_id("cust")
    clients = [api.with_token(api.token) for _ in range(8)]
    barrier = threading.Barrier(len(clients))
    keys = [str(uuid.uuid4()) for _ in clients]
    ids = [new_id("msg") for _ in clients]

    def deliver(index: int) -> int:
        client = clients[index]
        payload = {
            "conversation": {
                "id": conversation_id,
                "customer": {"id": customer_id, "name": "Ana"},
                "channel": "web_chat",
            },
            "message": {"id": ids[index], "body": f"message {index}"},
        }
        barrier.wait(timeout=30)
        for _attempt in range(50):
            response = client.post("/v1/inbound/messages", payload, key=keys[index])
            if response.status_code != 409:
                return response.status_code
            problem = response.json()
            assert problem["retryable"] is True, problem
            assert problem["code"] in ("conflict", "idempotency_in_flight"), problem
        raise AssertionError("a retryable 409 never resolved")

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        statuses = list(pool.map(deliver, range(len(clients))))
    assert statuses == [201] * len(clients)
    items = api.get(f"/v1/conversations/{conversation_id}/messages").json()["items"]
    assert sorted(m["id"] for m in items) == sorted(ids)
    assert [m["seq"] for m in items] == list(range(1, len(ids) + 1))
    assert [Message.model_validate(m).kind for m in items] == ["customer"] * len(ids)


# ------------------------------------------------------------------- recreated objects
@pytest.mark.reference  # erasing a conversation is the reference server's admin route
def test_a_recreated_conversation_continues_above_its_old_version(api: Api) -> None:
    conversation = api.new_conversation()
    changed = _patch(api, conversation, {"status": "pending"})
    erase = api.http.delete(f"/v1/admin/conversations/{conversation['id']}")
    assert erase.status_code == 204
    again = api.inbound(conversation["id"], customer_id=conversation["customer"]["id"])
    assert again.status_code == 201 and again.json()["created_conversation"] is True
    revived = again.json()["conversation"]
    assert revived["version"] > changed["version"]
    response = api.conversation(conversation["id"])
    assert response.headers["etag"] == f'"{revived["version"]}"'
    for old in ('"1"', f'"{changed["version"]}"'):
        stale = api.patch(f"/v1/conversations/{conversation['id']}", {}, if_match=old)
        expect_problem(stale, 412, "version_mismatch")
