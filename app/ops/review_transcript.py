"""The bilingual transcript a lead reviews: each message with what it said on both sides.

Store lane only: it reads the conversation and the translation cache, never translates
(a review shows what the agent saw and sent; a translation nobody made is "not
translated", never a fresh guess).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.changes import Changes
from app.domain.models import ConversationDetail, ConversationRow, Message, MessageKind
from app.domain.review import (
    Annotation,
    ProposedScore,
    Review,
    ReviewState,
    Rubric,
    SentFinding,
)
from app.ops import review
from app.ops.inbox import conversation_detail, conversation_rows
from app.ops.review_proposals import proposed_scores
from app.ops.translation import TranslationService
from app.storage.store import Store
from app.translation.pipeline import Provenance, ProvenanceKind, primary

if TYPE_CHECKING:  # the checker's rule schema (pydantic) stays out of start-up
    from app.culture.checker import Finding


@dataclass(frozen=True, slots=True)
class ReviewLine:
    """One message in two columns.

    Incoming: ``left`` what the customer wrote, ``right`` its cached translation (None: not
    translated). Outgoing: ``left`` the agent's own words, ``right`` the exact text sent,
    ``back`` its cached back-translation. Notes: ``left`` only.
    """

    message: Message
    left: str
    right: str | None
    back: str | None
    provenance: Provenance | None
    findings: tuple[SentFinding, ...]

    @property
    def outgoing(self) -> bool:
        return self.message.kind is MessageKind.AGENT

    @property
    def translated(self) -> bool:
        """Whether the two columns differ because a translation happened."""
        return self.provenance is not None and self.provenance.kind is not (
            ProvenanceKind.UNTRANSLATED
        )


@dataclass(frozen=True, slots=True)
class ReviewTranscript:
    detail: ConversationDetail
    lines: tuple[ReviewLine, ...]


def _cached(
    repo: Store, service: TranslationService | None, detail: ConversationDetail, agent_tag: str
) -> tuple[dict[int, tuple[str, Provenance]], dict[int, str]]:
    """Cached translations of the customer's messages and back-translations of the sent
    replies (one cache look-up, through the same keys the conversation view uses)."""
    if service is None or not service.has_packs():
        return {}, {}
    language = detail.language_override or detail.row.language
    probes: list[Message] = []
    outgoing: set[int] = set()
    for message in detail.messages:
        if message.kind is MessageKind.CUSTOMER:
            if message.detected_language is None:  # never opened: the conversation's language
                message = dataclasses.replace(
                    message, detected_language=language, detected_confidence=1.0
                )
            probes.append(message)
        elif message.kind is MessageKind.AGENT and message.original_body is not None:
            sent_in = message.language or language
            probes.append(
                dataclasses.replace(
                    message,
                    kind=MessageKind.CUSTOMER,
                    detected_language=sent_in,
                    detected_confidence=1.0,
                )
            )
            outgoing.add(message.id)
    probe = dataclasses.replace(detail, messages=tuple(probes))
    plan = service.prepare_incoming(repo, probe, agent_tag)
    incoming = {
        mid: (result.text, result.provenance)
        for mid, result in plan.cached.items()
        if mid not in outgoing
    }
    back = {mid: result.text for mid, result in plan.cached.items() if mid in outgoing}
    # The team's approved translations win over a cached machine one (a lead promoted a
    # correction): shown as the conversation view shows them, from the memory. Only
    # memory look-ups here (no model runs on the store lane).
    pipeline = service.pipeline()
    if len(pipeline.memory):
        for message in probes:
            if message.id in outgoing or message.id in incoming:
                continue
            source = primary(message.detected_language or language)
            approved = pipeline._from_memory(message.body, source, primary(agent_tag))
            if approved is not None:
                incoming[message.id] = (approved.text, approved.provenance)
    return incoming, back


def review_transcript(
    repo: Store, service: TranslationService | None, conversation_id: int, agent_tag: str
) -> ReviewTranscript:
    """Store lane: the conversation as a lead reviews it (``agent_tag``: the reviewer's
    reading language, which the cached translations were made into)."""
    detail = conversation_detail(repo, conversation_id)
    incoming, back = _cached(repo, service, detail, agent_tag)
    lines: list[ReviewLine] = []
    for message in detail.messages:
        if message.kind is MessageKind.CUSTOMER:
            text, provenance = incoming.get(message.id, (None, None))
            lines.append(ReviewLine(message, message.body, text, None, provenance, ()))
        elif message.kind is MessageKind.AGENT:
            words = message.original_body if message.original_body is not None else message.body
            lines.append(
                ReviewLine(
                    message,
                    words,
                    message.body,
                    back.get(message.id),
                    Provenance.from_json(message.provenance),
                    review.sent_findings(repo, message.id),
                )
            )
        elif message.kind is MessageKind.NOTE:
            lines.append(ReviewLine(message, message.body, None, None, None, ()))
    return ReviewTranscript(detail, tuple(lines))


def findings_at_send(findings: Iterable[Finding]) -> tuple[SentFinding, ...]:
    """The draft checker's findings the agent saw, as recorded with the sent reply."""
    # The checker's findings are advice, underlined alike: "warning" is what the agent saw.
    return tuple(
        SentFinding(f.rule_id, f.excerpt, severity="warning", kind=str(f.kind)) for f in findings
    )


@dataclass(frozen=True, slots=True)
class ReviewData:
    """One read of everything the review view shows."""

    transcript: ReviewTranscript
    annotations: tuple[Annotation, ...]
    rubric: Rubric
    review: Review | None
    proposed: tuple[ProposedScore, ...]


def review_data(
    repo: Store,
    service: TranslationService | None,
    conversation_id: int,
    agent_tag: str,
) -> ReviewData:
    """Store lane: the transcript, its annotations, the rubric, the review and the points
    the app proposes, in one read."""
    transcript = review_transcript(repo, service, conversation_id, agent_tag)
    rubric = review.rubric(repo)
    return ReviewData(
        transcript,
        tuple(repo.reviews.annotations(conversation_id)),
        rubric,
        review.review_of(repo, conversation_id),
        proposed_scores(repo, conversation_id, rubric),
    )


def save_scorecard(
    repo: Store,
    conversation_id: int,
    me_id: int | None,
    now: int,
    *,
    scores: dict[str, int],
    comment: str,
    state: ReviewState,
) -> Changes:
    """Store lane: the lead's points, comment and state, on the conversation's review
    (created on the first save), the total weighted for the customer's country."""
    found, opened = review.open_review(repo, conversation_id, me_id, now)
    return opened | review.update_review(
        repo, found.id, now, scores=scores, comment=comment, state=state
    )


def rows_in_order(repo: Store, ids: Sequence[int]) -> list[ConversationRow]:
    """Store lane: the conversations' inbox rows, in the order given (a queue's order)."""
    found = conversation_rows(repo, ids)
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True, slots=True)
class FeedbackItem:
    """A finished review of one of my conversations, with what names the conversation."""

    review: Review
    customer: str
    subject: str


def my_feedback(repo: Store, me_id: int | None) -> list[FeedbackItem]:
    """Store lane: the reviews of the signed-in agent's conversations, newest first."""
    if me_id is None:
        return []
    reviews = review.feedback(repo, me_id)
    rows = conversation_rows(repo, [r.conversation_id for r in reviews])
    items = []
    for found in reviews:
        row = rows.get(found.conversation_id)
        if row is not None:
            items.append(
                FeedbackItem(found, row.customer_name, row.subject or row.last_message_preview)
            )
    return items
