"""A team lead's review of a conversation: rubric, scorecard, annotations (store lane).

Every write is validated (:mod:`app.domain.review`) and returns :class:`Changes` with
``reviews`` set and the conversation named. A corrected translation is promoted to the
team's translation memory (or a term to the glossary) in one step, the lead approving it,
so the next translation of that sentence comes from the memory instead of the machine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Literal

from app.config.paths import resources_dir
from app.domain.changes import Changes
from app.domain.errors import N_
from app.domain.lang import primary_language
from app.domain.review import (
    MAX_COMMENT_CHARS,
    MAX_CORRECTION_CHARS,
    MAX_REFERENCE_CHARS,
    Annotation,
    AnnotationKind,
    Review,
    ReviewError,
    ReviewState,
    Role,
    Rubric,
    SentFinding,
    Severity,
    can_read_reviews,
    can_review,
    check_rubric,
    check_scores,
    clean_text,
    findings_from_json,
    parse_roles,
    roles_json,
    weighted_total,
)
from app.ops.outbox import queue_annotation_delete, synced
from app.storage.store import Store
from app.storage.translation_store import GlossaryRow, MemoryRow

if TYPE_CHECKING:
    from app.ops.translation import TranslationService

RUBRIC_FILE = resources_dir() / "review" / "rubric.yaml"
MAX_TERM_CHARS = 200


def _changed(store: Store, conversation_id: int | None = None, **flags: bool) -> Changes:
    """A review write: named conversation, ``reviews``, and ``outbox`` when the workspace
    syncs (the sync finds the edited rows and sends them: the window syncs at once)."""
    ids = () if conversation_id is None else (conversation_id,)
    return Changes.of(*ids, reviews=True, outbox=synced(store), **flags)


# ------------------------------------------------------------------ roles
def me_id(store: Store) -> int | None:
    """The agent this workspace is signed in as (the demo's "me" or the server's /v1/me)."""
    uid = store.meta.get("me_agent_uid")
    me = store.conversations.agent_by_uid(uid) if uid else None
    return me.id if me else None


def roles_of(store: Store, agent_id: int | None) -> frozenset[Role]:
    raw = store.reviews.roles(agent_id) if agent_id is not None else None
    return parse_roles(raw)


def my_roles(store: Store) -> frozenset[Role]:
    return roles_of(store, me_id(store))


def is_lead(store: Store) -> bool:
    """Whether "me" may write reviews (lead or admin)."""
    return can_review(my_roles(store))


def review_access(store: Store) -> tuple[bool, bool]:
    """What "me" may do with the team's reviews: (read them all, write them). A trainer
    reads; a lead or admin also writes; an agent neither (only their own feedback)."""
    roles = my_roles(store)
    return can_read_reviews(roles), can_review(roles)


def set_roles(store: Store, agent_id: int, roles: Iterable[Role]) -> Changes:
    store.reviews.set_roles(agent_id, roles_json(roles))
    return Changes(choices=True, reviews=True)


def _require_reviewer(store: Store, agent_id: int | None) -> None:
    if not can_review(roles_of(store, agent_id)):
        raise ReviewError(N_("Only a team lead or admin can write reviews"))


# ------------------------------------------------------------------ rubric
@cache
def default_rubric() -> Rubric:
    """The shipped rubric (``resources/review/rubric.yaml``), validated once."""
    from app.contract.review_schema import load_rubric  # pydantic: only here

    return load_rubric(RUBRIC_FILE)


def rubric(store: Store) -> Rubric:
    """The team's rubric; the shipped default until one is saved."""
    saved = store.reviews.rubric()
    if saved is not None and saved.criteria:
        return saved
    return default_rubric()


def save_rubric(store: Store, edited: Rubric, now: int) -> Changes:
    """Save the edited rubric (validated; its version grows). Reviews keep their scores."""
    store.reviews.save_rubric(check_rubric(edited), now)
    return _changed(store)


# ------------------------------------------------------------------ reviews
def review_of(store: Store, conversation_id: int) -> Review | None:
    return store.reviews.review_of(conversation_id)


def open_review(
    store: Store, conversation_id: int, reviewer_id: int | None, now: int
) -> tuple[Review, Changes]:
    """The conversation's review, started (as a draft, by ``reviewer_id``) if it has none.

    The reviewed agent is the assignee, else the last agent who replied."""
    existing = store.reviews.review_of(conversation_id)
    if existing is not None:
        return existing, Changes()
    _require_reviewer(store, reviewer_id)
    facts = store.reviews.conversation_facts(conversation_id)
    if facts is None:
        raise KeyError(conversation_id)
    reviewed = facts.assignee_id
    if reviewed is None:
        replied = [m.author_agent_id for m in facts.messages if m.kind == "agent"]
        reviewed = next((a for a in reversed(replied) if a is not None), None)
    with store.transaction():
        review_id = store.reviews.add_review(
            conversation_id, reviewer_id, reviewed, rubric(store).uid, now
        )
    created = store.reviews.review(review_id)
    assert created is not None
    return created, _changed(store, conversation_id)


def update_review(
    store: Store,
    review_id: int,
    now: int,
    *,
    scores: Mapping[str, int] | None = None,
    comment: str | None = None,
    state: ReviewState | None = None,
    by: int | None = None,
) -> Changes:
    """Change a review's scores (replacing them), comment or state; the total follows
    the rubric's weights for the customer's country. ``by``: who edits (checked to be a
    reviewer when given; the UI passes "me")."""
    if by is not None:
        _require_reviewer(store, by)
    current = store.reviews.review(review_id)
    if current is None:
        raise KeyError(review_id)
    scorecard = rubric(store)
    new_scores = check_scores(scorecard, scores) if scores is not None else dict(current.scores)
    new_comment = (
        clean_text(comment, MAX_COMMENT_CHARS, N_("A comment can be at most {count} characters"))
        if comment is not None
        else current.comment
    )
    facts = store.reviews.conversation_facts(current.conversation_id)
    region = facts.country if facts else None
    total = weighted_total(scorecard, new_scores, region) if new_scores else None
    store.reviews.update_review(
        review_id, new_scores, total, new_comment, state or current.state, now
    )
    return _changed(store, current.conversation_id)


def feedback(store: Store, agent_id: int, limit: int = 200) -> list[Review]:
    """The finished reviews of an agent's conversations (their feedback view)."""
    return store.reviews.feedback(agent_id, limit)


def sent_findings(store: Store, message_id: int) -> tuple[SentFinding, ...]:
    """The draft-check findings shown when this reply was sent (none if not recorded)."""
    return findings_from_json(store.reviews.sent_findings(message_id))


def findings_of(store: Store, conversation_id: int) -> dict[int, tuple[SentFinding, ...]]:
    """The findings shown at send, per message id, for a whole conversation (one query)."""
    return {
        message_id: findings_from_json(raw)
        for message_id, raw in store.reviews.conversation_findings(conversation_id).items()
    }


# ------------------------------------------------------------------ annotations
def annotations_of(store: Store, conversation_id: int) -> list[Annotation]:
    return store.reviews.annotations(conversation_id)


def _texts(
    kind: AnnotationKind, body: str, correction: str | None, reference: str | None
) -> tuple[str, str | None, str | None]:
    body = clean_text(
        body, MAX_COMMENT_CHARS, N_("An annotation can be at most {count} characters")
    )
    fixed = (
        clean_text(
            correction,
            MAX_CORRECTION_CHARS,
            N_("A corrected translation can be at most {count} characters"),
        )
        if correction
        else None
    )
    ref = (
        clean_text(
            reference, MAX_REFERENCE_CHARS, N_("A reference can be at most {count} characters")
        )
        if reference
        else None
    )
    if kind is AnnotationKind.MISTRANSLATION and not fixed and not body:
        raise ReviewError(N_("A mistranslation needs the corrected translation or a note"))
    if kind is not AnnotationKind.MISTRANSLATION and not body and not ref:
        raise ReviewError(N_("An annotation needs some text"))
    return body, fixed or None, ref or None


def add_annotation(
    store: Store,
    conversation_id: int,
    message_id: int,
    kind: AnnotationKind,
    severity: Severity,
    body: str,
    me: int | None,
    now: int,
    *,
    correction: str | None = None,
    reference: str | None = None,
) -> Changes:
    """Annotate one message of the conversation (author: ``me``, a reviewer)."""
    _require_reviewer(store, me)
    if store.reviews.message_conversation(message_id) != conversation_id:
        raise ReviewError(N_("That message is not part of this conversation"))
    kind, severity = AnnotationKind(kind), Severity(severity)
    text, fixed, ref = _texts(kind, body, correction, reference)
    store.reviews.add_annotation(
        conversation_id, message_id, me, kind, severity, text, fixed, ref, now
    )
    return _changed(store, conversation_id)


def _own(store: Store, annotation_id: int, me: int | None) -> Annotation:
    found = store.reviews.annotation(annotation_id)
    if found is None:
        raise ReviewError(N_("This annotation no longer exists"))
    if me is None or found.author_agent_id != me:
        raise ReviewError(N_("Only its author can change an annotation"))
    return found


def edit_annotation(
    store: Store,
    annotation_id: int,
    me: int | None,
    now: int,
    *,
    kind: AnnotationKind | None = None,
    severity: Severity | None = None,
    body: str | None = None,
    correction: str | None = None,
    reference: str | None = None,
) -> Changes:
    """Change one's own annotation (a field left None stays as it was)."""
    with store.transaction():
        old = _own(store, annotation_id, me)
        new_kind = AnnotationKind(kind) if kind is not None else old.kind
        text, fixed, ref = _texts(
            new_kind,
            body if body is not None else old.body,
            correction if correction is not None else old.correction,
            reference if reference is not None else old.reference,
        )
        promoted = old.promoted if fixed == old.correction else None  # a new text: not yet
        store.reviews.update_annotation(
            replace(
                old,
                kind=new_kind,
                severity=Severity(severity) if severity else old.severity,
                body=text,
                correction=fixed,
                reference=ref,
                promoted=promoted,
            ),
            now,
        )
    return _changed(store, old.conversation_id)


def delete_annotation(store: Store, annotation_id: int, me: int | None) -> Changes:
    with store.transaction():
        old = _own(store, annotation_id, me)
        queue_annotation_delete(store, annotation_id)  # a synced one goes on the server too
        store.reviews.delete_annotation(annotation_id)
    return _changed(store, old.conversation_id)


# ------------------------------------------------------------------ promotion
def promote_correction(
    store: Store,
    annotation_id: int,
    me: int | None,
    now: int,
    service: TranslationService | None,
    *,
    agent_language: str,
    to: Literal["memory", "glossary"] = "memory",
    term: tuple[str, str] | None = None,
) -> Changes:
    """Teach the team's translation data a mistranslation's correction, in one step.

    ``memory``: source = what the customer wrote (incoming, translated into
    ``agent_language``) or the agent's own words (a reply), target = the corrected
    translation; origin "lead" (the lead approves by promoting). ``glossary``: ``term`` =
    (term, its rendering), source and target languages as for the memory. The annotation
    is marked promoted; the translation engine reloads the team data."""
    _require_reviewer(store, me)
    with store.transaction():
        note = store.reviews.annotation(annotation_id)
        if note is None:
            raise ReviewError(N_("This annotation no longer exists"))
        if note.kind is not AnnotationKind.MISTRANSLATION or not note.correction:
            raise ReviewError(
                N_("Only a mistranslation with a corrected translation can be promoted")
            )
        texts = store.reviews.message_texts(note.message_id)
        if texts is None:
            raise ReviewError(N_("The annotated message no longer exists"))
        source_text, source_lang, target_lang = _pair(store, note, texts, agent_language)
        if not source_text.strip() or not source_lang or not target_lang:
            raise ReviewError(N_("The message's languages are not known: it cannot be promoted"))
        if to == "glossary":
            if term is None:
                raise ReviewError(N_("Name the term and its rendering"))
            word = clean_text(
                term[0], MAX_TERM_CHARS, N_("A term can be at most {count} characters")
            )
            rendering = clean_text(
                term[1], MAX_TERM_CHARS, N_("A rendering can be at most {count} characters")
            )
            if not word:
                raise ReviewError(N_("Name the term and its rendering"))
            store.translation.save_term(
                GlossaryRow(
                    "", word, rendering or None, source_lang, target_lang, "promoted from a review"
                ),
                now,
            )
        else:
            store.translation.save_memory(
                MemoryRow("", source_lang, target_lang, source_text, note.correction, "lead", None),
                now,
            )
        store.reviews.update_annotation(_promoted(note, to), now)
    if service is not None:
        service.load_team_data(store)
    return _changed(store, note.conversation_id, translation_data=True)


def _pair(
    store: Store,
    note: Annotation,
    texts: tuple[str, str, str | None, str | None],
    agent_language: str,
) -> tuple[str, str, str]:
    """(source text, source language, target language) of the annotated message."""
    from app.translation.pipeline import Provenance  # a message's provenance JSON

    kind, body, original, provenance_json = texts
    try:
        provenance = Provenance.from_json(provenance_json)
    except (ValueError, TypeError):
        provenance = None
    if kind == "customer":
        detail_lang = store.reviews.message_language(note.message_id)
        source_lang = (provenance.source_language if provenance else None) or detail_lang
        return body, primary_language(source_lang or ""), primary_language(agent_language)
    source = original or body
    src = (provenance.source_language if provenance else None) or agent_language
    tgt = (provenance.target_language if provenance else None) or store.reviews.message_language(
        note.message_id
    )
    return source, primary_language(src), primary_language(tgt or "")


def _promoted(note: Annotation, to: str) -> Annotation:
    return replace(note, promoted=to)
