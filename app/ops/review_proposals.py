"""Points the app proposes for a scorecard, from what it knows (store lane).

The lead decides; the proposal only saves typing and says why (a reason per criterion).
What the app knows: the first response against the channel's target (SLA met or
breached), reopens, the draft-check findings the agent saw when sending, the confidence
of what was sent translated, and the annotations by kind and severity. Criteria it knows
nothing about (greeting, empathy, closing) get no proposal: a made-up number would be
worse than none. Points are computed on 0-4 and scaled to each criterion's scale.
"""

from __future__ import annotations

import json

from app.domain.errors import N_
from app.domain.models import Channel
from app.domain.review import Annotation, AnnotationKind, ProposedScore, Rubric, Severity
from app.domain.rules import response_due
from app.storage.reviews import ConversationFacts
from app.storage.store import Store

FULL = 4
PENALTY = {Severity.MINOR: 1, Severity.MAJOR: 2, Severity.CRITICAL: 4}
LOW_CONFIDENCE = 0.3
PLURALS: dict[str, str] = {}  # msgid -> its plural (the UI: ngettext(reason, plural, count))


def ngettext(singular: str, plural: str) -> str:  # a marker, not a translation
    """Record a reason's plural; named so the catalog extraction (``-k ngettext:1,2``)
    writes the pair as one plural entry, as the UI's real ngettext looks it up."""
    PLURALS[singular] = plural
    return singular


ISSUES = ngettext("{count} issue annotated", "{count} issues annotated")
REOPENED = ngettext(
    "Reopened {count} time after being resolved", "Reopened {count} times after being resolved"
)
AGENT_ERRORS = ngettext("{count} agent error annotated", "{count} agent errors annotated")
MISTRANSLATIONS = ngettext("{count} mistranslation annotated", "{count} mistranslations annotated")
LOW_CONFIDENCE_SENT = ngettext(
    "{count} reply sent with a low-confidence translation",
    "{count} replies sent with a low-confidence translation",
)
ETIQUETTE_ISSUES = ngettext(
    "{count} etiquette issue annotated", "{count} etiquette issues annotated"
)
SENT_WITH_FINDINGS = ngettext(
    "{count} reply sent despite draft-check findings",
    "{count} replies sent despite draft-check findings",
)


def proposed_scores(
    store: Store, conversation_id: int, rubric: Rubric
) -> tuple[ProposedScore, ...]:
    """A proposal per criterion of ``rubric`` the app has evidence for."""
    facts = store.reviews.conversation_facts(conversation_id)
    if facts is None:
        raise KeyError(conversation_id)
    notes = store.reviews.annotations(conversation_id)
    found: dict[str, tuple[int, str, dict[str, object]]] = {}
    speed = _speed(facts)
    if speed is not None:
        found["speed"] = speed
    solution = _solution(facts, notes)
    if solution is not None:
        found["solution"] = solution
    translation = _translation(facts, notes)
    if translation is not None:
        found["translation"] = translation
    found["etiquette"] = _etiquette(facts, notes)
    tone = _by_annotations(notes, AnnotationKind.TONE)
    found["tone"] = tone
    out: list[ProposedScore] = []
    for criterion in rubric.criteria:
        if criterion.key not in found:
            continue
        points, reason, params = found[criterion.key]
        scaled = round(max(0, min(FULL, points)) * criterion.scale / FULL)
        out.append(ProposedScore(criterion.key, scaled, reason, params, PLURALS.get(reason)))
    return tuple(out)


def _penalty(notes: list[Annotation], kind: AnnotationKind) -> tuple[int, int]:
    """(annotations of this kind, their summed severity penalty)."""
    mine = [n for n in notes if n.kind is kind]
    return len(mine), sum(PENALTY[n.severity] for n in mine)


def _by_annotations(
    notes: list[Annotation], kind: AnnotationKind
) -> tuple[int, str, dict[str, object]]:
    count, penalty = _penalty(notes, kind)
    if not count:
        return FULL, N_("No issue annotated"), {}
    return FULL - penalty, ISSUES, {"count": count}


def _speed(facts: ConversationFacts) -> tuple[int, str, dict[str, object]] | None:
    """The first response against the channel's target from the first customer message."""
    asked = next((m.created_at for m in facts.messages if m.kind == "customer"), None)
    if asked is None:
        return None
    try:
        channel = Channel(facts.channel)
    except ValueError:
        return None
    allowed = response_due(channel, asked) - asked
    minutes = lambda seconds: max(0, round(seconds / 60))  # noqa: E731 - one line
    if facts.first_response_at is None:
        return 0, N_("No reply sent yet"), {}
    took = facts.first_response_at - asked
    params: dict[str, object] = {"minutes": minutes(took), "target": minutes(allowed)}
    if took <= allowed // 2:
        return FULL, N_("First reply in {minutes} min, well within the {target} min target"), params
    if took <= allowed:
        return 3, N_("First reply in {minutes} min, within the {target} min target"), params
    if took <= 2 * allowed:
        return 1, N_("First reply in {minutes} min: the {target} min target was missed"), params
    return 0, N_("First reply in {minutes} min: far beyond the {target} min target"), params


def _solution(
    facts: ConversationFacts, notes: list[Annotation]
) -> tuple[int, str, dict[str, object]] | None:
    count, penalty = _penalty(notes, AnnotationKind.AGENT_ERROR)
    if facts.reopen_count:
        return (
            FULL - 1 - min(2, facts.reopen_count) - penalty,
            REOPENED,
            {"count": facts.reopen_count},
        )
    if count:
        return FULL - penalty, AGENT_ERRORS, {"count": count}
    if facts.status == "resolved":
        return FULL, N_("Resolved and not reopened"), {}
    return None


def _confidence(provenance: str | None) -> float | None:
    if not provenance:
        return None
    try:
        value = json.loads(provenance).get("confidence")
    except (ValueError, AttributeError):
        return None
    return float(value) if isinstance(value, int | float) else None


def _translation(
    facts: ConversationFacts, notes: list[Annotation]
) -> tuple[int, str, dict[str, object]] | None:
    """Mistranslations annotated, and replies sent with a low-confidence translation."""
    translated = [m for m in facts.messages if m.provenance]
    count, penalty = _penalty(notes, AnnotationKind.MISTRANSLATION)
    if not translated and not count:
        return None  # nothing was translated: not applicable
    low = sum(
        1
        for m in translated
        if m.kind == "agent" and (c := _confidence(m.provenance)) is not None and c < LOW_CONFIDENCE
    )
    if count:
        return (
            FULL - penalty - min(1, low),
            MISTRANSLATIONS,
            {"count": count},
        )
    if low:
        return FULL - 1, LOW_CONFIDENCE_SENT, {"count": low}
    return FULL, N_("No mistranslation annotated"), {}


def _etiquette(
    facts: ConversationFacts, notes: list[Annotation]
) -> tuple[int, str, dict[str, object]]:
    """Etiquette annotations, and replies sent although the draft check had findings."""
    count, penalty = _penalty(notes, AnnotationKind.ETIQUETTE)
    flagged = sum(1 for m in facts.messages if m.kind == "agent" and m.sent_findings)
    if count:
        return (
            FULL - penalty - min(1, flagged),
            ETIQUETTE_ISSUES,
            {"count": count},
        )
    if flagged:
        return (
            FULL - min(2, flagged),
            SENT_WITH_FINDINGS,
            {"count": flagged},
        )
    return FULL, N_("No draft-check finding at send and no etiquette issue annotated"), {}
