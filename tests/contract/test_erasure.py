"""Customer erasure (contract 1.2, GUIDE.md "Customer erasure"):
``POST /v1/customers/{customer_id}/erasure`` removes the customer and everything held about
them, with tombstones in every feed; it follows the rules of every write (Idempotency-Key
replayed, problems), only leads and admins may erase, and other customers are untouched.

Core profile: the data comes through the contract (inbound messages, replies, annotations,
survey answers), the suite's token is an admin's; tested where /v1/me advertises
``capabilities.customer_erasure`` (the reference server does, so there it always runs)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.contract.privacy_models import CustomerErasure
from tests.contract.client import Api, expect_problem, new_id


@pytest.fixture(autouse=True)
def _only_if_advertised(api: Api) -> None:
    if not api.get("/v1/me").json().get("capabilities", {}).get("customer_erasure"):
        pytest.skip("this backend does not advertise capabilities.customer_erasure")


def _erase(api: Api, customer_id: str, *, key: object = None, **body: Any) -> httpx.Response:
    payload = {"request_id": new_id("dsr"), **body}
    path = f"/v1/customers/{customer_id}/erasure"
    return api.post(path, payload) if key is None else api.post(path, payload, key=key)


def _customer_with_two_conversations(api: Api) -> tuple[str, list[str], list[str]]:
    """A customer who wrote twice (two conversations) and got a reply: (customer id,
    conversation ids, message ids)."""
    customer_id = new_id("cust")
    first = api.new_conversation(customer_id=customer_id, message_id=new_id("m"))
    second = api.new_conversation(customer_id=customer_id, channel="whatsapp")
    reply = {"id": new_id("reply"), "kind": "agent", "body": "Your order left today."}
    response = api.post(f"/v1/conversations/{first['id']}/messages", reply)
    assert response.status_code == 201, response.text
    conversations = [first["id"], second["id"]]
    messages = [
        m["id"]
        for cid in conversations
        for m in api.get(f"/v1/conversations/{cid}/messages").json()["items"]
    ]
    return customer_id, conversations, messages


def test_erasure_removes_the_customer_from_every_feed_and_leaves_others(api: Api) -> None:
    customer_id, conversations, messages = _customer_with_two_conversations(api)
    other = api.new_conversation()
    other_before = api.conversation(other["id"]).json()
    *_, conversation_cursor = api.drain("conversations")
    *_, message_cursor = api.drain("messages")

    response = _erase(api, customer_id, requested_at=1_760_000_000)

    assert response.status_code in (200, 202), response.text
    erased = CustomerErasure.model_validate(response.json())
    assert erased.customer_id == customer_id and not erased.already_erased
    if response.status_code == 200:
        assert erased.status == "erased"
        assert (erased.conversations, erased.messages) == (2, 3)
        for cid in conversations:
            expect_problem(api.conversation(cid), 404, "not_found")
            expect_problem(api.get(f"/v1/conversations/{cid}/messages"), 404, "not_found")
        items, deleted, _ = api.drain("conversations", conversation_cursor)
        assert {t["id"] for t in deleted} >= set(conversations)
        assert not {i["id"] for i in items} & set(conversations)
        items, deleted, _ = api.drain("messages", message_cursor)
        assert {t["id"] for t in deleted} >= set(messages)
        assert not {i["id"] for i in items} & set(messages)
        snapshot, _, _ = api.drain("conversations")  # a new client never sees them either
        assert not {c["customer"]["id"] for c in snapshot} & {customer_id}
    # the other customer's conversation did not change at all
    assert api.conversation(other["id"]).json() == other_before


def test_a_retry_replays_and_a_new_key_says_already_erased(api: Api) -> None:
    customer_id, _, _ = _customer_with_two_conversations(api)
    key = new_id("erase-key")
    body = {"request_id": new_id("dsr")}
    path = f"/v1/customers/{customer_id}/erasure"

    first = api.post(path, body, key=key)
    retry = api.post(path, body, key=key)
    later = api.post(path, {"request_id": new_id("dsr")})  # a crash lost the key, or a colleague

    assert first.status_code == 200, first.text
    assert retry.status_code == 200 and retry.headers.get("Idempotent-Replayed") == "true"
    assert retry.json() == first.json()
    assert later.status_code == 200, later.text
    again = CustomerErasure.model_validate(later.json())
    done = CustomerErasure.model_validate(first.json())
    assert again.already_erased
    assert (again.erased_at, again.conversations, again.messages, again.request_id) == (
        done.erased_at,
        done.conversations,
        done.messages,
        done.request_id,
    )
    # the same key for another request is refused, as for every write
    expect_problem(
        api.post(path, {"request_id": new_id("dsr")}, key=key), 422, "idempotency_key_reused"
    )


def test_a_customer_who_writes_again_is_a_new_customer_to_erase(api: Api) -> None:
    customer_id, _, _ = _customer_with_two_conversations(api)
    assert _erase(api, customer_id).status_code == 200
    returning = api.new_conversation(customer_id=customer_id)

    response = _erase(api, customer_id)

    erased = CustomerErasure.model_validate(response.json())
    assert not erased.already_erased and erased.conversations == 1
    expect_problem(api.conversation(returning["id"]), 404, "not_found")


def test_an_unknown_customer_is_404(api: Api) -> None:
    expect_problem(_erase(api, new_id("nobody")), 404, "not_found")


def test_erasure_needs_an_idempotency_key_and_a_valid_body(api: Api) -> None:
    customer_id, conversations, _ = _customer_with_two_conversations(api)
    path = f"/v1/customers/{customer_id}/erasure"
    expect_problem(api.post(path, {"request_id": "r1"}, key=None), 400, "idempotency_key_missing")
    for body, pointer in (
        ({}, "/request_id"),
        ({"request_id": "not an id"}, "/request_id"),
        ({"request_id": "r1", "requested_at": "yesterday"}, "/requested_at"),
        ({"request_id": "r1", "requested_at": -1}, "/requested_at"),
    ):
        problem = expect_problem(api.post(path, body), 422, "validation_failed")
        assert problem.errors and problem.errors[0].pointer == pointer, problem
    expect_problem(api.post(f"/v1/customers/{'x' * 129}/erasure", {"request_id": "r1"}), 422,
                   "validation_failed")  # fmt: skip
    assert api.conversation(conversations[0]).status_code == 200  # nothing was erased


def test_agents_may_not_erase(api: Api, agent_api: Api) -> None:
    customer_id, conversations, _ = _customer_with_two_conversations(api)
    expect_problem(_erase(agent_api, customer_id), 403, "forbidden")
    # 403 wins over the missing key and the body: decided from the token alone
    expect_problem(agent_api.post(f"/v1/customers/{customer_id}/erasure", {}, key=None), 403,
                   "forbidden")  # fmt: skip
    assert api.conversation(conversations[0]).status_code == 200


def test_annotations_and_survey_answers_of_the_customer_go_too(api: Api) -> None:
    if not api.get("/v1/me").json().get("capabilities", {}).get("annotations"):
        pytest.skip("this backend does not advertise capabilities.annotations")
    customer_id, conversations, messages = _customer_with_two_conversations(api)
    annotation = {
        "conversation_id": conversations[0],
        "message_id": messages[0],
        "kind": "mistranslation",
        "severity": "major",
        "body": "'Pedido' is the order.",
    }
    written = api.put(f"/v1/annotations/{new_id('ann')}", annotation)
    assert written.status_code == 201, written.text
    survey = {"id": new_id("sv"), "conversation_id": conversations[1], "kind": "csat", "score": 5}
    answered = api.post("/v1/inbound/survey-answers", {**survey, "answered_at": 1})
    assert answered.status_code == 201, answered.text
    *_, notes = api.drain("annotations")
    *_, answers = api.drain("survey-answers")

    assert _erase(api, customer_id).status_code == 200

    _, deleted, _ = api.drain("annotations", notes)
    assert written.json()["id"] in {t["id"] for t in deleted}
    _, deleted, _ = api.drain("survey-answers", answers)
    assert survey["id"] in {t["id"] for t in deleted}
