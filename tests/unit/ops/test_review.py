"""A lead's review over a real store: roles, the scorecard, annotations, promoting a
correction to the translation memory (and the memory winning the next time, through the
real translation pipeline), proposed points, review queues, surveys, sent findings."""

from __future__ import annotations

import pytest

from app.domain.models import Channel, MessageKind, Status
from app.domain.review import (
    AnnotationKind,
    Review,
    ReviewError,
    ReviewState,
    Role,
    Rubric,
    SentFinding,
    Severity,
    SurveyKind,
)
from app.ops import reply, review, review_queues, surveys
from app.ops.inbox import conversation_detail
from app.ops.reply import Outgoing, Reply
from app.ops.review_proposals import proposed_scores
from app.ops.translation import TranslationService
from app.storage.store import Store
from app.translation.pipeline import Provenance, ProvenanceKind
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.customers import lucia
from tests.helpers.sql import sql
from tests.helpers.translation import Packs

QUESTION = "hola, ¿dónde está mi pedido?"


@pytest.fixture
def agents(repo: Store) -> dict[str, int]:
    ids = add_agents(repo)
    review.set_roles(repo, ids["me"], [Role.AGENT, Role.LEAD])
    return ids


def spanish(repo: Store, agents: dict[str, int], **more: object) -> int:
    return add_conversation(
        repo,
        lucia(
            (MessageKind.CUSTOMER, QUESTION),
            (MessageKind.AGENT, "Hola Lucía, ya salió."),
            assignee="colleague",
            **more,
        ),
        agents,
    )


def customer_message(repo: Store, cid: int) -> int:
    return next(m.id for m in repo.messages.messages(cid) if m.kind is MessageKind.CUSTOMER)


# ------------------------------------------------------------------ roles and scorecard
def test_only_a_lead_starts_a_review_and_the_assignee_is_the_one_reviewed(repo: Store) -> None:
    ids = add_agents(repo)
    cid = spanish(repo, ids)
    assert review.my_roles(repo) == {Role.AGENT} and not review.is_lead(repo)
    with pytest.raises(ReviewError, match="Only a team lead"):
        review.open_review(repo, cid, ids["me"], NOW)
    assert review.review_of(repo, cid) is None
    review.set_roles(repo, ids["me"], [Role.LEAD])
    assert review.is_lead(repo)
    started, changes = review.open_review(repo, cid, ids["me"], NOW)
    assert changes.reviews and changes.names(cid)
    assert (started.reviewer_agent_id, started.reviewed_agent_id) == (ids["me"], ids["colleague"])
    assert started.state is ReviewState.DRAFT and started.rubric_uid == "default"
    again, nothing = review.open_review(repo, cid, ids["me"], NOW + 5)
    assert again.id == started.id and not nothing  # get, not create twice


def test_scores_give_a_total_weighted_for_the_customers_country(
    repo: Store, agents: dict[str, int]
) -> None:
    mexico = spanish(repo, agents)
    japan = add_conversation(
        repo,
        Conv(country="JP", language="ja-JP", messages=[(MessageKind.CUSTOMER, "こんにちは")]),
        agents,
    )
    scores = {"etiquette": 0, "solution": 4}
    saved: dict[int, Review] = {}
    for cid in (mexico, japan):
        started, _ = review.open_review(repo, cid, agents["me"], NOW)
        review.update_review(repo, started.id, NOW + 1, scores=scores, comment="  ok  ")
        found = review.review_of(repo, cid)
        assert found is not None
        saved[cid] = found
    assert saved[mexico].total == 62.5  # 25 of 15 + 25
    assert saved[japan].total == 55.6  # etiquette weighs 20 in JP
    assert saved[mexico].comment == "ok" and saved[mexico].version == 2


def test_a_bad_score_or_comment_changes_nothing(repo: Store, agents: dict[str, int]) -> None:
    cid = spanish(repo, agents)
    started, _ = review.open_review(repo, cid, agents["me"], NOW)
    review.update_review(repo, started.id, NOW, scores={"greeting": 3})
    with pytest.raises(ReviewError, match="between 0 and 4"):
        review.update_review(repo, started.id, NOW, scores={"greeting": 9})
    with pytest.raises(ReviewError, match="at most 4000"):
        review.update_review(repo, started.id, NOW, comment="x" * 4001)
    with pytest.raises(ReviewError, match="Only a team lead"):  # an agent reads, never edits
        review.update_review(repo, started.id, NOW, scores={"greeting": 0}, by=agents["colleague"])
    kept = review.review_of(repo, cid)
    assert kept is not None and kept.scores == {"greeting": 3} and kept.total == 75.0


def test_an_edited_rubric_is_versioned_and_scores_use_it(
    repo: Store, agents: dict[str, int]
) -> None:
    default = review.rubric(repo)
    assert default.version == 1 and len(default.criteria) == 8
    short = Rubric(default.uid, "Short", default.criteria[:2])
    assert review.save_rubric(repo, short, NOW).reviews
    review.save_rubric(repo, short, NOW + 1)
    saved = review.rubric(repo)
    # shipped 1, first stored save 2, second 3
    assert (saved.name, saved.version, len(saved.criteria)) == ("Short", 3, 2)
    with pytest.raises(ReviewError, match="at least one criterion"):
        review.save_rubric(repo, Rubric(default.uid, "Empty", ()), NOW + 2)
    cid = spanish(repo, agents)
    started, _ = review.open_review(repo, cid, agents["me"], NOW)
    with pytest.raises(ReviewError, match="not a criterion"):
        review.update_review(repo, started.id, NOW, scores={"speed": 1})  # not in this rubric


def test_an_agent_sees_the_finished_reviews_of_their_own_conversations(
    repo: Store, agents: dict[str, int]
) -> None:
    theirs, mine = spanish(repo, agents), spanish(repo, agents, status=Status.OPEN)
    repo.conversations.assign(mine, agents["me"], NOW)
    for cid in (theirs, mine):
        started, _ = review.open_review(repo, cid, agents["me"], NOW)
        review.update_review(repo, started.id, NOW, scores={"tone": 4}, state=ReviewState.DONE)
    _draft, _ = review.open_review(repo, spanish(repo, agents), agents["me"], NOW)
    feedback = review.feedback(repo, agents["colleague"])
    assert [r.conversation_id for r in feedback] == [theirs]  # not the draft, not mine
    assert feedback[0].reviewer_name == "Mei Agent"


# ------------------------------------------------------------------ annotations
def test_annotations_are_the_authors_to_change(repo: Store, agents: dict[str, int]) -> None:
    cid = spanish(repo, agents)
    other = spanish(repo, agents)
    mid = customer_message(repo, cid)
    with pytest.raises(ReviewError, match="not part of this conversation"):
        review.add_annotation(
            repo, other, mid, AnnotationKind.NOTE, Severity.MINOR, "x", agents["me"], NOW
        )
    with pytest.raises(ReviewError, match="corrected translation or a note"):
        review.add_annotation(
            repo, cid, mid, AnnotationKind.MISTRANSLATION, Severity.MAJOR, " ", agents["me"], NOW
        )
    changes = review.add_annotation(
        repo,
        cid,
        mid,
        AnnotationKind.ETIQUETTE,
        Severity.MINOR,
        "Too casual for a first contact",
        agents["me"],
        NOW,
        reference="MX: usted with new customers",
    )
    assert changes.reviews and changes.names(cid)
    (note,) = review.annotations_of(repo, cid)
    assert (note.kind, note.reference, note.author_name) == (
        AnnotationKind.ETIQUETTE,
        "MX: usted with new customers",
        "Mei Agent",
    )
    with pytest.raises(ReviewError, match="Only its author"):
        review.edit_annotation(repo, note.id, agents["colleague"], NOW, body="mine now")
    with pytest.raises(ReviewError, match="Only its author"):
        review.delete_annotation(repo, note.id, agents["colleague"])
    review.edit_annotation(repo, note.id, agents["me"], NOW + 9, severity=Severity.MAJOR)
    (edited,) = review.annotations_of(repo, cid)
    assert (edited.severity, edited.body, edited.version) == (
        Severity.MAJOR,
        "Too casual for a first contact",
        2,
    )
    review.delete_annotation(repo, note.id, agents["me"])
    assert review.annotations_of(repo, cid) == []


# ------------------------------------------------------------------ promotion
def test_a_promoted_correction_wins_over_the_machine_the_next_time(
    repo: Store, agents: dict[str, int], translation_service: TranslationService, packs: Packs
) -> None:
    service = translation_service
    service.engine.install(packs.get("es-en", transform="upper"))  # the "machine" shouts
    service.load_team_data(repo)
    cid = spanish(repo, agents)

    def translated(conversation_id: int) -> tuple[str, str]:
        plan = service.prepare_incoming(repo, conversation_detail(repo, conversation_id), "en")
        result = service.translate_incoming(plan)
        service.save_incoming(repo, result, NOW)
        got = {**plan.cached, **result.results}[customer_message(repo, conversation_id)]
        return got.text, got.provenance.kind

    assert translated(cid) == ("HOLA, ¿DÓNDE ESTÁ MI PEDIDO?", "mt")
    review.add_annotation(
        repo,
        cid,
        customer_message(repo, cid),
        AnnotationKind.MISTRANSLATION,
        Severity.MAJOR,
        "",
        agents["me"],
        NOW,
        correction="Hello, where is my order?",
    )
    (note,) = review.annotations_of(repo, cid)
    changes = review.promote_correction(
        repo, note.id, agents["me"], NOW, service, agent_language="en"
    )
    assert changes.translation_data and changes.reviews
    (entry,) = repo.translation.memory()
    assert (entry.source_language, entry.target_language, entry.origin) == ("es", "en", "lead")
    assert (entry.source_text, entry.target_text) == (QUESTION, "Hello, where is my order?")
    assert review.annotations_of(repo, cid)[0].promoted == "memory"
    # The same conversation again (its machine translation was cached) and a new one.
    assert translated(cid) == ("Hello, where is my order?", "tm")
    assert translated(spanish(repo, agents)) == ("Hello, where is my order?", "tm")


def test_a_replys_correction_teaches_the_agents_words_and_a_term_goes_to_the_glossary(
    repo: Store, agents: dict[str, int], translation_service: TranslationService, packs: Packs
) -> None:
    service = translation_service
    service.engine.install(packs.get("en-es", transform="upper"))
    service.engine.install(packs.get("es-en", transform="lower"))  # the back-translation
    cid = spanish(repo, agents)
    sent = Reply(
        MessageKind.AGENT,
        "your parcel ships today",
        "en",
        Outgoing(
            "SU PARCELA SALE HOY",
            "es-MX",
            Provenance(ProvenanceKind.MT, "en-es@1.0", confidence=0.8, source_language="en",
                       target_language="es"),
        ),
    )  # fmt: skip
    reply.send(repo, cid, sent, agents["colleague"], NOW)
    mid = repo.messages.messages(cid)[-1].id
    review.add_annotation(
        repo, cid, mid, AnnotationKind.MISTRANSLATION, Severity.MINOR, "parcela is a plot of land",
        agents["me"], NOW, correction="Su paquete sale hoy",
    )  # fmt: skip
    note = review.annotations_of(repo, cid)[-1]
    review.promote_correction(repo, note.id, agents["me"], NOW, service, agent_language="en")
    assert service.preview("Your parcel ships today.", "en", "es-MX").text == "Su paquete sale hoy"
    with pytest.raises(ReviewError, match="Name the term"):
        review.promote_correction(
            repo, note.id, agents["me"], NOW, None, agent_language="en", to="glossary"
        )
    review.promote_correction(
        repo, note.id, agents["me"], NOW, None, agent_language="en", to="glossary",
        term=("parcel", "paquete"),
    )  # fmt: skip
    (term,) = repo.translation.glossary()
    assert (term.term, term.rendering, term.source_language, term.target_language) == (
        "parcel", "paquete", "en", "es",
    )  # fmt: skip
    assert review.annotations_of(repo, cid)[-1].promoted == "glossary"


def test_only_a_corrected_mistranslation_is_promoted(repo: Store, agents: dict[str, int]) -> None:
    cid = spanish(repo, agents)
    review.add_annotation(
        repo, cid, customer_message(repo, cid), AnnotationKind.PRAISE, Severity.MINOR,
        "Lovely", agents["me"], NOW,
    )  # fmt: skip
    (note,) = review.annotations_of(repo, cid)
    with pytest.raises(ReviewError, match="Only a mistranslation"):
        review.promote_correction(repo, note.id, agents["me"], NOW, None, agent_language="en")
    assert repo.translation.memory() == []


# ------------------------------------------------------------------ proposals, findings
def test_findings_shown_at_send_are_recorded_and_feed_the_proposal(
    repo: Store, agents: dict[str, int]
) -> None:
    cid = add_conversation(
        repo, Conv(channel=Channel.EMAIL, messages=[(MessageKind.CUSTOMER, "Hi")], age=600), agents
    )
    finding = SentFinding("en.idiom.piece_of_cake", "piece of cake", "warning", "idiom")
    reply.send(
        repo, cid, Reply(MessageKind.AGENT, "A piece of cake!"), agents["me"], NOW,
        sent_findings=[finding],
    )  # fmt: skip
    sent = repo.messages.messages(cid)[-1]
    assert review.sent_findings(repo, sent.id) == (finding,)
    reply.send(repo, cid, Reply(MessageKind.AGENT, "Anything else?"), agents["me"], NOW + 9)
    assert review.findings_of(repo, cid) == {sent.id: (finding,)}  # the second had none
    review.add_annotation(
        repo, cid, sent.id, AnnotationKind.TONE, Severity.MAJOR, "Flippant", agents["me"], NOW
    )
    proposal = {p.key: p for p in proposed_scores(repo, cid, review.rubric(repo))}
    assert set(proposal) == {"speed", "etiquette", "tone"}  # nothing known of the rest
    assert proposal["speed"].points == 4 and proposal["speed"].params["minutes"] == 10
    assert proposal["etiquette"].points == 3
    assert proposal["etiquette"].plural == "{count} replies sent despite draft-check findings"
    assert proposal["tone"].points == 2 and proposal["tone"].params == {"count": 1}


def test_a_slow_reopened_mistranslated_conversation_is_proposed_low_points(
    repo: Store, agents: dict[str, int]
) -> None:
    cid = add_conversation(
        repo,
        Conv(channel=Channel.WEB_CHAT, messages=[(MessageKind.CUSTOMER, "Hola")], age=3 * 3600),
        agents,
    )
    reply.send(repo, cid, Reply(MessageKind.AGENT, "Hola"), None, NOW, then=Status.RESOLVED)
    repo.messages.add_message(cid, MessageKind.CUSTOMER, "No llegó", NOW + 60)
    mid = customer_message(repo, cid)
    review.add_annotation(
        repo, cid, mid, AnnotationKind.MISTRANSLATION, Severity.CRITICAL, "", agents["me"], NOW,
        correction="Hello",
    )  # fmt: skip
    proposal = {p.key: p for p in proposed_scores(repo, cid, review.rubric(repo))}
    assert proposal["speed"].points == 0  # hours on a chat
    assert proposal["solution"].points == 2 and proposal["solution"].params == {"count": 1}
    assert proposal["translation"].points == 0


# ------------------------------------------------------------------ queues
def test_a_seeded_sample_is_reproducible_and_per_group(repo: Store, agents: dict[str, int]) -> None:
    countries = ["MX", "BR", "JP", "DE"]
    for n in range(40):
        add_conversation(
            repo,
            Conv(
                country=countries[n % 4],
                messages=[(MessageKind.CUSTOMER, "?"), (MessageKind.AGENT, "!")],
                age=3600 + n,
            ),
            agents,
        )
    add_conversation(repo, Conv(country="FR", messages=[(MessageKind.CUSTOMER, "?")]), agents)
    first = review_queues.sample(repo, 3, by="region", seed=7)
    assert first == review_queues.sample(repo, 3, by="region", seed=7)
    assert first != review_queues.sample(repo, 3, by="region", seed=8)
    countries_drawn = [
        sql(repo).execute("SELECT country FROM conversations WHERE id = ?", (c,)).fetchone()[0]
        for c in first
    ]
    assert sorted(countries_drawn) == sorted(["BR", "DE", "JP", "MX"] * 3)  # FR: unanswered
    assert len(review_queues.sample(repo, 5, seed=1)) == 5
    assert review_queues.sample(repo, 5, period=(NOW, NOW + 10)) == []
    with pytest.raises(ReviewError, match="1 to 1000"):
        review_queues.sample(repo, 0)
    done, _ = review.open_review(repo, first[0], agents["me"], NOW)
    review.update_review(repo, done.id, NOW, state=ReviewState.DONE)
    assert first[0] not in review_queues.sample(repo, 50, seed=7)
    assert first[0] in review_queues.sample(repo, 50, seed=7, include_reviewed=True)


def test_smart_queues_find_what_a_lead_looks_for(repo: Store, agents: dict[str, int]) -> None:
    plain = spanish(repo, agents)
    unsure = spanish(repo, agents)
    reply.send(
        repo, unsure,
        Reply(MessageKind.AGENT, "ok", "en", Outgoing("VALE", "es-MX", Provenance(
            ProvenanceKind.MT, "en-es@1.0", confidence=0.1))),
        None, NOW,
    )  # fmt: skip
    unhappy = spanish(repo, agents)
    surveys.add_answer(repo, unhappy, SurveyKind.CSAT, 1, "Slow", NOW)
    surveys.add_answer(repo, plain, SurveyKind.CSAT, 5, "", NOW)
    waiting = add_conversation(repo, lucia((MessageKind.CUSTOMER, "¿Hola?")), agents)
    reply.send(repo, waiting, reply.ReplyDraft("en", True).held("refund", "es-MX"), None, NOW)
    assert review_queues.smart_queue(repo, "low_confidence", NOW) == [unsure]
    assert review_queues.smart_queue(repo, "low_csat", NOW) == [unhappy]
    assert review_queues.smart_queue(repo, "held_translation", NOW) == [waiting]
    # Every conversation here was answered by "me" in the last days: "me" is new.
    firsts = review_queues.smart_queue(repo, "new_agent", NOW)
    assert set(firsts) == {plain, unsure, unhappy}
    assert review_queues.smart_queue(repo, "new_agent", NOW + 60 * 86400) == []
    with pytest.raises(ReviewError, match="no review queue"):
        review_queues.smart_queue(repo, "vip", NOW)  # type: ignore[arg-type]


def test_survey_answers_are_checked_against_their_scale(
    repo: Store, agents: dict[str, int]
) -> None:
    cid = spanish(repo, agents)
    assert surveys.add_answer(repo, cid, SurveyKind.NPS, 10, "¡Excelente!", NOW).reviews
    with pytest.raises(ReviewError, match="CES answer must be between 1 and 7"):
        surveys.add_answer(repo, cid, SurveyKind.CES, 0, "", NOW)
    assert [(a.kind, a.score) for a in surveys.answers(repo, cid)] == [(SurveyKind.NPS, 10)]
