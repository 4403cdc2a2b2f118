"""The demo has a lead, reviews to read, annotations to act on and survey answers that
differ by market; loading it twice adds nothing; a broken review file names its line."""

from __future__ import annotations

import shutil
from pathlib import Path
from statistics import mean

import pytest

from app.config.paths import resources_dir
from app.domain.datafiles import DataFileError
from app.domain.review import AnnotationKind, ReviewState, Role, SurveyKind
from app.ops import review, review_queues, surveys
from app.ops.demo import load_demo_into
from app.storage.store import Store
from tests.helpers.builders import NOW
from tests.helpers.sql import sql

DEMO = resources_dir() / "demo"


@pytest.fixture
def demo(repo: Store) -> Store:
    load_demo_into(repo, DEMO, NOW)
    return repo


def cid(repo: Store, uid: str) -> int:
    found = repo.conversations.conversation_id_by_uid(uid)
    assert found is not None
    return found


def test_the_demo_user_is_an_agent_and_a_lead_and_the_team_has_its_lead(demo: Store) -> None:
    assert review.my_roles(demo) == {Role.AGENT, Role.LEAD} and review.is_lead(demo)
    lead = demo.conversations.agent_by_uid("liu.yang")
    agent = demo.conversations.agent_by_uid("chen.jing")
    assert lead is not None and Role.LEAD in review.roles_of(demo, lead.id)
    assert agent is not None and review.roles_of(demo, agent.id) == {Role.AGENT}


def test_the_demo_has_reviews_with_feedback_and_a_correction_to_promote(demo: Store) -> None:
    li_wei = review.me_id(demo)
    assert li_wei is not None
    feedback = review.feedback(demo, li_wei)
    assert {demo.conversations.conversation_row(r.conversation_id).uid for r in feedback} >= {
        "br-0004",
        "mx-0003",
    }
    assert all(r.state is ReviewState.DONE and r.reviewer_name for r in feedback)
    jp = review.review_of(demo, cid(demo, "jp-0001"))
    assert jp is not None and jp.total is not None and jp.total < 60  # a poor first reply
    notes = {n.kind: n for n in review.annotations_of(demo, cid(demo, "jp-0001"))}
    assert notes[AnnotationKind.ETIQUETTE].reference == "profile:JP"
    assert AnnotationKind.PRAISE in notes
    (wrong,) = review.annotations_of(demo, cid(demo, "mx-0003"))
    assert wrong.kind is AnnotationKind.MISTRANSLATION and wrong.correction
    assert wrong.promoted is None  # left for the lead to promote
    draft = review.review_of(demo, cid(demo, "de-0003"))
    assert draft is not None and draft.state is ReviewState.DRAFT


def test_survey_answers_differ_by_market(demo: Store) -> None:
    def scores(kind: SurveyKind, *uids: str) -> list[int]:
        return [
            a.score for uid in uids for a in surveys.answers(demo, cid(demo, uid)) if a.kind is kind
        ]

    japan = scores(SurveyKind.NPS, "jp-0001", "jp-0004")
    brazil = scores(SurveyKind.NPS, "br-0004", "br-0006", "br-0007", "br-0008")
    assert japan and brazil and mean(brazil) - mean(japan) >= 2
    assert scores(SurveyKind.CES, "de-0003") == [5]  # "easy enough", strictly judged
    answered = sql(demo).execute("SELECT count(DISTINCT conversation_id) FROM survey_answers")
    assert answered.fetchone()[0] >= 20
    low = review_queues.smart_queue(demo, "low_csat", NOW)
    assert {demo.conversations.conversation_row(c).uid for c in low} == {"id-0002", "us-0003"}


def test_loading_twice_adds_no_review_data(demo: Store) -> None:
    def counts() -> tuple[int, ...]:
        return tuple(
            sql(demo).execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("reviews", "annotations", "survey_answers")
        )

    before = counts()
    assert before[0] >= 3 and before[1] >= 4
    demo.meta.set("demo_fingerprint", "changed")
    load_demo_into(demo, DEMO, NOW + 60)
    assert counts() == before


def test_a_broken_review_file_names_its_line(repo: Store, tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    review_file = folder / "review.yaml"
    text = review_file.read_text(encoding="utf-8")
    review_file.write_text(
        text.replace(
            "conversation: de-0003\n    message: 2", "conversation: de-0003\n    message: 9"
        ),
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match=r"review.yaml:\d+: 'de-0003' has 6 messages"):
        load_demo_into(repo, folder, NOW)
    assert sql(repo).execute("SELECT count(*) FROM conversations").fetchone()[0] == 0
    review_file.write_text(
        text.replace("kind: csat, score: 4, at: -10h", "kind: csat, score: 6, at: -10h"),
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match="between 1 and 5"):
        load_demo_into(repo, folder, NOW)
