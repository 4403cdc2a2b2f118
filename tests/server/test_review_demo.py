"""The demo server holds the review data the offline demo shows: the default rubric, the
customers' survey answers, the lead's reviews and annotations, all through the feeds."""

from __future__ import annotations

from pathlib import Path

from app.contract.demo_review_schema import REVIEW_FILE, load_review_demo
from app.contract.demo_schema import load_demo
from app.contract.review_models import AnnotationChanges, ReviewChanges, SurveyAnswerChanges
from app.ops.review import default_rubric
from app.server.config import ServerConfig
from app.server.demo import DEMO_PASSWORD, demo_admin_token, demo_folder, load_demo_into
from tests.contract.client import Api
from tests.contract.server import RunningServer


def test_the_demo_server_serves_the_rubric_surveys_reviews_and_annotations(
    tmp_path: Path,
) -> None:
    config = ServerConfig(data_dir=tmp_path)
    server = RunningServer(config).start()
    try:
        load_demo_into(server.state.db, config)
        load_demo_into(server.state.db, config)  # a restart writes nothing twice
        admin = Api(server.base_url, demo_admin_token(server.state.db, config))
        demo = load_demo(demo_folder())
        expected = load_review_demo(demo_folder() / REVIEW_FILE, demo, default_rubric())

        (rubric,), _, _ = admin.drain("rubrics")
        assert rubric["id"] == default_rubric().uid
        assert [c["key"] for c in rubric["criteria"]] == [c.key for c in default_rubric().criteria]
        surveys, _, _ = admin.drain("survey-answers")
        SurveyAnswerChanges.model_validate(
            {"items": surveys, "next_cursor": "x", "has_more": False}
        )
        assert sorted((s["conversation_id"], s["kind"], s["score"]) for s in surveys) == sorted(
            (s.conversation, s.kind.value, s.score) for s in expected.surveys
        )
        reviews, _, _ = admin.drain("reviews")
        ReviewChanges.model_validate({"items": reviews, "next_cursor": "x", "has_more": False})
        assert len(reviews) == len(expected.reviews)
        assert all(r["rubric_id"] == rubric["id"] for r in reviews)
        notes, _, _ = admin.drain("annotations")
        AnnotationChanges.model_validate({"items": notes, "next_cursor": "x", "has_more": False})
        assert sorted(n["message_id"] for n in notes) == sorted(
            f"{n.conversation}-{n.message}" for n in expected.annotations
        )

        # the demo's lead signs in as a lead and may write; a plain agent may not
        for username, roles_hold in (("liu.yang", True), ("chen.jing", False)):
            signed = admin.with_token(None).post(
                "/v1/auth/token",
                {"grant_type": "password", "username": username, "password": DEMO_PASSWORD},
                key=None,
            )
            person = admin.with_token(signed.json()["access_token"])
            me = person.get("/v1/me").json()
            assert ("lead" in me["agent"]["roles"]) is roles_hold
            assert me["capabilities"]["annotations"] is True
            answer = person.put(
                f"/v1/rubrics/{rubric['id']}",
                {"name": "x", "criteria": rubric["criteria"]},
                if_match='"1"',
            )
            assert answer.status_code == (200 if roles_hold else 403), answer.text
        admin.close()
    finally:
        server.stop()
