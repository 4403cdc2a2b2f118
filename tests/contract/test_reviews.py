"""Quality review in the contract: the rubric, reviews (scorecards), annotations and survey
answers sync under the conversations' rules - feeds with cursors and tombstones, PUT with
If-Match (412 when stale, absent: create only) and Idempotency-Key, problem documents -
and only leads and admins write; an agent reads the published reviews of their own work."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from pydantic import BaseModel

from app.contract.review_models import (
    AnnotationChanges,
    Review,
    ReviewChanges,
    RubricChanges,
    SurveyAnswer,
    SurveyAnswerChanges,
)
from tests.contract.client import Api, expect_problem, new_id
from tests.contract.feed_checks import (
    check_compaction_expires_cursors,
    check_delete_needs_the_version,
    check_foreign_cursors_are_400,
    check_pages_match,
    ids,
)

RUBRIC = {
    "name": "Cross-border QA",
    "criteria": [
        {"key": "greeting", "label": "Greeting", "weight": 10, "scale": 4},
        {"key": "etiquette", "label": "Etiquette", "weight": 20, "region_weights": {"JP": 30}},
        {"key": "solution", "label": "Solution", "weight": 40, "scale": 5},
    ],
}
FEEDS: dict[str, type[BaseModel]] = {
    "rubrics": RubricChanges,
    "reviews": ReviewChanges,
    "annotations": AnnotationChanges,
    "survey-answers": SurveyAnswerChanges,
}


@pytest.fixture(autouse=True)
def _only_if_advertised(api: Api) -> None:
    """Quality review is optional in the contract: tested where /v1/me advertises it
    (the reference server does, so there it always runs)."""
    if not api.get("/v1/me").json().get("capabilities", {}).get("annotations"):
        pytest.skip("this backend does not advertise capabilities.annotations")


def _conversation(api: Api) -> tuple[str, str]:
    """A new conversation and the id of its customer's first message."""
    message_id = new_id("msg")
    conversation = api.new_conversation(message_id=message_id)
    return conversation["id"], message_id


def _review(conversation_id: str, agent_id: str | None, **fields: Any) -> dict[str, Any]:
    return {
        "conversation_id": conversation_id,
        "reviewed_agent_id": agent_id,
        "scores": {"greeting": 3},
        "comment": "Warm greeting; the refund terms came late.",
        **fields,
    }


def _annotation(conversation_id: str, message_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "conversation_id": conversation_id,
        "message_id": message_id,
        "kind": "mistranslation",
        "severity": "major",
        "body": "'Pedido' is the order, not a request.",
        "correction": "Where is my order?",
        **fields,
    }


@pytest.mark.parametrize("collection", sorted(FEEDS))
def test_feed_pages_match_the_contract_models(api: Api, agent_api: Api, collection: str) -> None:
    check_pages_match(api, agent_api, collection, FEEDS[collection])


def test_a_rubric_is_created_once_then_replaced_under_if_match(api: Api, agent_api: Api) -> None:
    _, _, cursor = api.drain("rubrics")
    path = f"/v1/rubrics/{new_id('rubric')}"
    created = api.put(path, RUBRIC)
    assert created.status_code == 201, created.text
    assert created.headers["etag"] == '"1"'
    assert created.json()["criteria"][1]["region_weights"] == {"JP": 30}
    # without If-Match a PUT only creates: the id exists, so 412 with what is there
    again = expect_problem(api.put(path, RUBRIC), 412, "version_mismatch")
    assert again.current is not None and again.current["version"] == 1
    replaced = api.put(path, {**RUBRIC, "name": "QA v2"}, if_match='"1"')
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["version"], replaced.headers["etag"]) == (2, '"2"')
    stale = expect_problem(
        api.put(path, {**RUBRIC, "name": "QA v3"}, if_match='"1"'), 412, "version_mismatch"
    )
    assert stale.current is not None and stale.current["name"] == "QA v2"
    # every account reads the rubric: the agent's feed has the newest version
    items, _, _ = agent_api.drain("rubrics", None)
    latest = {r["id"]: r for r in items}[path.rsplit("/", 1)[1]]
    assert latest == replaced.json()
    assert path.rsplit("/", 1)[1] in ids(api, "rubrics", cursor)


def test_an_agent_reads_only_published_reviews_of_their_own_work(
    api: Api, agent_api: Api, agent_credentials: tuple[str, str]
) -> None:
    agent_id = agent_credentials[0]
    conversation_id, message_id = _conversation(api)
    other_id, _ = _conversation(api)
    _, _, agent_reviews = agent_api.drain("reviews")
    _, _, agent_notes = agent_api.drain("annotations")
    review_path = f"/v1/reviews/{new_id('rev')}"
    draft = api.put(review_path, _review(conversation_id, agent_id))
    assert draft.status_code == 201, draft.text
    assert Review.model_validate(draft.json()).state == "draft"
    annotation = api.put(
        f"/v1/annotations/{new_id('ann')}", _annotation(conversation_id, message_id)
    )
    assert annotation.status_code == 201, annotation.text
    someone_else = api.put(f"/v1/reviews/{new_id('rev')}", _review(other_id, None, state="done"))
    assert someone_else.status_code == 201
    # a draft is the reviewer's: the agent sees neither it nor its annotations yet
    assert ids(agent_api, "reviews", agent_reviews) == set()
    assert ids(agent_api, "annotations", agent_notes) == set()
    assert draft.json()["id"] in ids(api, "reviews")  # leads and admins read everything
    published = api.put(
        review_path, _review(conversation_id, agent_id, state="done", total=75.0), if_match='"1"'
    )
    assert published.status_code == 200, published.text
    # published: the review and the annotations written before reach the agent's feeds
    items, _, agent_reviews = agent_api.drain("reviews", agent_reviews)
    assert items == [published.json()]
    assert ids(agent_api, "annotations", agent_notes) == {annotation.json()["id"]}
    # once published it stays published, on the same agent
    expect_problem(
        api.put(review_path, _review(conversation_id, agent_id), if_match='"2"'),
        422,
        "validation_failed",
    )
    moved = api.put(review_path, _review(conversation_id, None, state="done"), if_match='"2"')
    assert expect_problem(moved, 422, "validation_failed").errors[0].pointer == "/reviewed_agent_id"


def test_only_leads_and_admins_write(api: Api, agent_api: Api) -> None:
    conversation_id, message_id = _conversation(api)
    annotation = api.put(
        f"/v1/annotations/{new_id('ann')}", _annotation(conversation_id, message_id)
    )
    assert annotation.status_code == 201
    writes = [
        agent_api.put(f"/v1/rubrics/{new_id('rubric')}", RUBRIC),
        agent_api.put(f"/v1/reviews/{new_id('rev')}", _review(conversation_id, None)),
        agent_api.put(f"/v1/annotations/{new_id('ann')}", _annotation(conversation_id, message_id)),
        agent_api.delete(f"/v1/annotations/{annotation.json()['id']}", if_match='"1"'),
    ]
    for response in writes:
        expect_problem(response, 403, "forbidden")
    survey = {"id": new_id("sv"), "conversation_id": conversation_id, "kind": "csat", "score": 5}
    expect_problem(
        agent_api.post("/v1/inbound/survey-answers", {**survey, "answered_at": 1}), 403, "forbidden"
    )


def test_a_write_replays_under_its_idempotency_key(api: Api) -> None:
    conversation_id, message_id = _conversation(api)
    path = f"/v1/annotations/{new_id('ann')}"
    key = str(uuid.uuid4())
    body = _annotation(conversation_id, message_id)
    first = api.put(path, body, key=key)
    second = api.put(path, body, key=key)  # the response was lost: the retry replays it
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers.get("idempotent-replayed") == "true"
    assert second.headers["etag"] == '"1"'
    changed = api.put(path, {**body, "severity": "critical"}, key=key)
    expect_problem(changed, 422, "idempotency_key_reused")
    expect_problem(api.http.put(path, json=body), 400, "idempotency_key_missing")


def test_deleting_an_annotation_needs_its_version_and_leaves_a_tombstone(api: Api) -> None:
    conversation_id, message_id = _conversation(api)
    path = f"/v1/annotations/{new_id('ann')}"
    assert api.put(path, _annotation(conversation_id, message_id)).status_code == 201
    updated = api.put(path, _annotation(conversation_id, message_id, kind="tone"), if_match='"1"')
    assert updated.json()["version"] == 2
    current = check_delete_needs_the_version(api, path, "annotations")
    assert current["kind"] == "tone"
    # with If-Match the item must exist
    expect_problem(
        api.put(path, _annotation(conversation_id, message_id), if_match='"2"'), 404, "not_found"
    )


def test_a_recreated_annotation_continues_above_its_old_version(api: Api) -> None:
    """Versions never go back for an id, even across a deletion (contract 1.1): an old
    ETag never matches the new object, and a client keeping the newest version per id
    does not drop it."""
    conversation_id, message_id = _conversation(api)
    path = f"/v1/annotations/{new_id('ann')}"
    assert api.put(path, _annotation(conversation_id, message_id)).status_code == 201
    assert (
        api.put(path, _annotation(conversation_id, message_id), if_match='"1"').status_code == 200
    )
    assert api.delete(path, if_match='"2"').status_code == 200
    _, _, cursor = api.drain("annotations")
    again = api.put(path, _annotation(conversation_id, message_id, kind="tone"))
    assert again.status_code == 201, again.text
    version = again.json()["version"]
    assert version > 2 and again.headers["etag"] == f'"{version}"'
    for old in ('"1"', '"2"'):
        stale = api.put(path, _annotation(conversation_id, message_id), if_match=old)
        expect_problem(stale, 412, "version_mismatch")
    items, deleted, _ = api.drain("annotations", cursor)
    assert [(i["id"], i["version"]) for i in items] == [(path.rsplit("/", 1)[1], version)]
    assert deleted == []


@pytest.mark.parametrize(
    ("path", "body", "pointer"),
    [
        ("/v1/reviews/{id}", {"scores": {"greeting": 5}}, "/scores/greeting"),  # scale 4
        ("/v1/reviews/{id}", {"scores": {"speed": 1}}, "/scores/speed"),  # not on the rubric
        ("/v1/reviews/{id}", {"conversation_id": "no-such-conv"}, "/conversation_id"),
        ("/v1/reviews/{id}", {"reviewed_agent_id": "nobody-here"}, "/reviewed_agent_id"),
        ("/v1/reviews/{id}", {"comment": "x" * 4001}, "/comment"),
        ("/v1/reviews/{id}", {"state": "final"}, "/state"),
        ("/v1/annotations/{id}", {"message_id": "no-such-msg"}, "/message_id"),
        ("/v1/annotations/{id}", {"kind": "typo"}, "/kind"),
        ("/v1/annotations/{id}", {"correction": "y" * 4001}, "/correction"),
    ],
)
def test_invalid_writes_are_422_with_the_field(
    api: Api, path: str, body: dict[str, Any], pointer: str
) -> None:
    conversation_id, message_id = _conversation(api)
    rubric_id = new_id("rubric")
    assert api.put(f"/v1/rubrics/{rubric_id}", RUBRIC).status_code == 201
    base = (
        _review(conversation_id, None, rubric_id=rubric_id)
        if "reviews" in path
        else _annotation(conversation_id, message_id)
    )
    response = api.put(path.format(id=new_id("x")), {**base, **body})
    problem = expect_problem(response, 422, "validation_failed")
    assert pointer in {e.pointer for e in problem.errors}, problem


def test_an_invalid_rubric_is_422(api: Api) -> None:
    twice = {**RUBRIC, "criteria": [RUBRIC["criteria"][0], RUBRIC["criteria"][0]]}
    weightless = {"name": "x", "criteria": [{"key": "a", "label": "A", "weight": 0}]}
    region = {"name": "x", "criteria": [{"key": "a", "label": "A", "region_weights": {"jp": 1}}]}
    for body in (twice, weightless, region, {"name": "", "criteria": RUBRIC["criteria"]}):
        response = api.put(f"/v1/rubrics/{new_id('rubric')}", body)
        expect_problem(response, 422, "validation_failed")


def test_survey_answers_enter_from_integrations_and_every_account_reads_them(
    api: Api, agent_api: Api
) -> None:
    conversation_id, _ = _conversation(api)
    _, _, cursor = agent_api.drain("survey-answers")
    answer = {
        "id": new_id("sv"),
        "conversation_id": conversation_id,
        "kind": "nps",
        "score": 9,
        "comment": "Rápido e educado",
        "answered_at": 1_700_000_000,
    }
    key = str(uuid.uuid4())
    created = api.post("/v1/inbound/survey-answers", answer, key=key)
    assert created.status_code == 201, created.text
    assert SurveyAnswer.model_validate(created.json()) == SurveyAnswer.model_validate(answer)
    # the same answer delivered again (new key): the stored one, never a second
    again = api.post("/v1/inbound/survey-answers", answer)
    assert again.status_code == 200 and again.json() == created.json()
    clash = api.post("/v1/inbound/survey-answers", {**answer, "score": 3})
    expect_problem(clash, 409, "survey_answer_conflict")
    items, _, _ = agent_api.drain("survey-answers", cursor)
    assert items == [created.json()]


@pytest.mark.parametrize(("kind", "score"), [("csat", 0), ("csat", 6), ("ces", 8), ("nps", 11)])
def test_a_survey_score_off_its_scale_is_422(api: Api, kind: str, score: int) -> None:
    conversation_id, _ = _conversation(api)
    body = {
        "id": new_id("sv"),
        "conversation_id": conversation_id,
        "kind": kind,
        "score": score,
        "answered_at": 1,
    }
    expect_problem(api.post("/v1/inbound/survey-answers", body), 422, "validation_failed")


def test_a_survey_answer_for_an_unknown_conversation_is_404(api: Api) -> None:
    body = {"id": new_id("sv"), "conversation_id": new_id("c"), "kind": "ces", "score": 4}
    response = api.post("/v1/inbound/survey-answers", {**body, "answered_at": 1})
    expect_problem(response, 404, "not_found")


@pytest.mark.parametrize("collection", sorted(FEEDS))
def test_a_cursor_of_another_feed_is_400(api: Api, collection: str) -> None:
    check_foreign_cursors_are_400(api, collection)


@pytest.mark.test_hooks
def test_compaction_expires_review_cursors_with_410(api: Api) -> None:
    conversation_id, _ = _conversation(api)

    def write() -> str:
        response = api.put(f"/v1/reviews/{new_id('rev')}", _review(conversation_id, None))
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    check_compaction_expires_cursors(api, "reviews", write)


@pytest.mark.test_hooks
def test_erasing_a_conversation_tombstones_its_reviews_annotations_and_answers(api: Api) -> None:
    conversation_id, message_id = _conversation(api)
    review = api.put(f"/v1/reviews/{new_id('rev')}", _review(conversation_id, None)).json()
    note = api.put(f"/v1/annotations/{new_id('ann')}", _annotation(conversation_id, message_id))
    answer = {"id": new_id("sv"), "conversation_id": conversation_id, "kind": "csat", "score": 2}
    assert api.post("/v1/inbound/survey-answers", {**answer, "answered_at": 1}).status_code == 201
    cursors = {c: api.drain(c)[2] for c in ("reviews", "annotations", "survey-answers")}
    assert api.http.delete(f"/v1/admin/conversations/{conversation_id}").status_code == 204
    expected = {
        "reviews": review["id"],
        "annotations": note.json()["id"],
        "survey-answers": answer["id"],
    }
    for collection, item_id in expected.items():
        items, deleted, _ = api.drain(collection, cursors[collection])
        assert items == [] and [t["id"] for t in deleted] == [item_id], collection
