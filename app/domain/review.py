"""A team lead's review of a conversation: rubric, scorecard, annotations, surveys, roles.

Qt-free and storage-free: the types the review, KPI and export code share, the rubric's
weighted total and the validation every write goes through (bounded text, scores within
the criterion's scale), raising :class:`ReviewError` with a message the UI translates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.domain.errors import N_, LocalizedError

MAX_COMMENT_CHARS = 4000  # a review's comment, an annotation's body
MAX_CORRECTION_CHARS = 4000  # a corrected translation
MAX_REFERENCE_CHARS = 200  # the profile or rule an etiquette annotation concerns
MAX_CRITERIA = 30
MAX_RUBRIC_NAME_CHARS = 80
MAX_SCALE = 10
MAX_FINDINGS = 50  # draft-check findings kept per sent reply
MAX_FINDING_EXCERPT_CHARS = 200
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_REGION = re.compile(r"^[A-Z]{2}$")


class ReviewError(LocalizedError):
    """A review, annotation, rubric or survey answer that cannot be stored as given."""


class AnnotationKind(StrEnum):
    MISTRANSLATION = "mistranslation"
    AGENT_ERROR = "agent_error"
    ETIQUETTE = "etiquette"
    TONE = "tone"
    PRAISE = "praise"
    NOTE = "note"


class Severity(StrEnum):
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class ReviewState(StrEnum):
    DRAFT = "draft"
    DONE = "done"


class SurveyKind(StrEnum):
    """Customer surveys and their scales (inclusive)."""

    CSAT = "csat"  # 1-5, satisfied at 4-5
    NPS = "nps"  # 0-10, promoters 9-10, detractors 0-6
    CES = "ces"  # 1-7, effort: higher is easier

    @property
    def scale(self) -> tuple[int, int]:
        return _SURVEY_SCALES[self]


_SURVEY_SCALES = {SurveyKind.CSAT: (1, 5), SurveyKind.NPS: (0, 10), SurveyKind.CES: (1, 7)}


class Role(StrEnum):
    AGENT = "agent"
    LEAD = "lead"
    TRAINER = "trainer"
    ADMIN = "admin"


def parse_roles(raw: str | None) -> frozenset[Role]:
    """Roles from their stored JSON list; unknown names are ignored, none means agent."""
    try:
        names = json.loads(raw) if raw else []
    except ValueError:
        names = []
    roles = frozenset(
        Role(n) for n in (names if isinstance(names, list) else []) if n in Role._value2member_map_
    )
    return roles or frozenset({Role.AGENT})


def roles_json(roles: Iterable[Role]) -> str:
    return json.dumps(sorted({Role(r).value for r in roles}) or [Role.AGENT.value])


def can_review(roles: Iterable[Role]) -> bool:
    """Leads and admins write reviews (as the contract's servers allow); trainers read
    them all (:func:`can_read_reviews`); agents read only the reviews of their work."""
    return bool({Role.LEAD, Role.ADMIN} & set(roles))


def can_read_reviews(roles: Iterable[Role]) -> bool:
    """Who reads every review and annotation: leads, trainers and admins."""
    return bool({Role.LEAD, Role.TRAINER, Role.ADMIN} & set(roles))


@dataclass(frozen=True, slots=True)
class Criterion:
    """One line of the scorecard: points 0..``scale``, ``weight`` in the total.

    ``label`` is an English msgid (the UI translates it); ``region_weights`` maps a
    customer's country (ISO 3166 alpha-2) to the weight used there instead.
    """

    key: str
    label: str
    weight: float
    scale: int = 4
    region_weights: Mapping[str, float] = field(default_factory=dict)

    def weight_for(self, region: str | None) -> float:
        if region and region.upper() in self.region_weights:
            return self.region_weights[region.upper()]
        return self.weight


@dataclass(frozen=True, slots=True)
class Rubric:
    """The team's scorecard; ``version`` grows with every saved edit."""

    uid: str
    name: str
    criteria: tuple[Criterion, ...]
    version: int = 1

    def criterion(self, key: str) -> Criterion | None:
        return next((c for c in self.criteria if c.key == key), None)


@dataclass(frozen=True, slots=True)
class SentFinding:
    """A draft-check finding the agent saw when the reply was sent (``kind``: the rule's
    kind - idiom, register, sensitive, promotion, format; ``severity``: as the UI showed it)."""

    rule_id: str
    excerpt: str
    severity: str = ""
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Annotation:
    id: int
    uid: str
    conversation_id: int
    message_id: int
    author_agent_id: int | None
    author_name: str | None
    kind: AnnotationKind
    severity: Severity
    body: str
    correction: str | None  # mistranslation: the corrected translation
    reference: str | None  # etiquette: the profile or rule it concerns
    promoted: str | None  # "memory" / "glossary" once promoted
    created_at: int
    updated_at: int
    version: int = 1


@dataclass(frozen=True, slots=True)
class Review:
    id: int
    uid: str
    conversation_id: int
    reviewer_agent_id: int | None
    reviewed_agent_id: int | None
    rubric_uid: str | None
    scores: Mapping[str, int]
    total: float | None
    comment: str
    state: ReviewState
    created_at: int
    updated_at: int
    version: int = 1
    reviewer_name: str | None = None
    reviewed_name: str | None = None


@dataclass(frozen=True, slots=True)
class SurveyAnswer:
    id: int
    uid: str
    conversation_id: int
    kind: SurveyKind
    score: int
    comment: str
    answered_at: int


@dataclass(frozen=True, slots=True)
class ProposedScore:
    """Points the app proposes for one criterion and why: ``reason`` is a msgid filled with
    ``params``; with ``plural`` the UI shows ``ngettext(reason, plural, params["count"])``."""

    key: str
    points: int
    reason: str
    params: Mapping[str, Any] = field(default_factory=dict)
    plural: str | None = None


# ------------------------------------------------------------------ computing
def weighted_total(rubric: Rubric, scores: Mapping[str, int], region: str | None = None) -> float:
    """The scorecard's total, 0-100: scored criteria only (unscored = not applicable),
    each ``points / scale`` times its weight (the region's weight when it has one)."""
    got = 0.0
    possible = 0.0
    for criterion in rubric.criteria:
        if criterion.key not in scores:
            continue
        weight = criterion.weight_for(region)
        if weight <= 0:
            continue
        got += weight * scores[criterion.key] / criterion.scale
        possible += weight
    return round(100.0 * got / possible, 1) if possible else 0.0


# ------------------------------------------------------------------ validation
def clean_text(text: str, limit: int, too_long: str) -> str:
    """Trimmed text within ``limit`` characters; otherwise ReviewError(``too_long``, a
    msgid with ``{count}``: one whole sentence per field, so it translates)."""
    text = text.replace("\x00", "").strip()
    if len(text) > limit:
        raise ReviewError(too_long, count=limit)
    return text


def check_scores(rubric: Rubric, scores: Mapping[str, int]) -> dict[str, int]:
    """The scores if every key is a criterion and every value within its scale."""
    checked: dict[str, int] = {}
    for key, value in scores.items():
        criterion = rubric.criterion(key)
        if criterion is None:
            raise ReviewError(N_("“{key}” is not a criterion of this scorecard"), key=key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ReviewError(N_("The score for “{key}” must be a whole number"), key=key)
        if not 0 <= value <= criterion.scale:
            raise ReviewError(
                N_("The score for “{key}” must be between 0 and {high}"),
                key=key,
                high=criterion.scale,
            )
        checked[key] = value
    return checked


def check_rubric(rubric: Rubric) -> Rubric:
    """The rubric if it can score a conversation (ReviewError with the first problem)."""
    name = clean_text(
        rubric.name,
        MAX_RUBRIC_NAME_CHARS,
        N_("A scorecard's name can be at most {count} characters"),
    )
    if not name:
        raise ReviewError(N_("A scorecard needs a name"))
    if not rubric.criteria:
        raise ReviewError(N_("A scorecard needs at least one criterion"))
    if len(rubric.criteria) > MAX_CRITERIA:
        raise ReviewError(N_("A scorecard can have at most {count} criteria"), count=MAX_CRITERIA)
    seen: set[str] = set()
    for c in rubric.criteria:
        if not _KEY.match(c.key):
            raise ReviewError(
                N_("“{key}” is not a valid criterion key (a-z, 0-9, _)"), key=c.key[:40]
            )
        if c.key in seen:
            raise ReviewError(N_("The criterion “{key}” appears twice"), key=c.key)
        seen.add(c.key)
        if not c.label.strip() or len(c.label) > MAX_RUBRIC_NAME_CHARS:
            raise ReviewError(N_("The criterion “{key}” needs a short label"), key=c.key)
        if not 1 <= c.scale <= MAX_SCALE:
            raise ReviewError(
                N_("The scale of “{key}” must be 1 to {high}"), key=c.key, high=MAX_SCALE
            )
        weights = [c.weight, *c.region_weights.values()]
        if any(not 0 <= w <= 100 for w in weights):
            raise ReviewError(N_("The weights of “{key}” must be 0 to 100"), key=c.key)
        bad = next((r for r in c.region_weights if not _REGION.match(r)), None)
        if bad is not None:
            raise ReviewError(
                N_("“{region}” is not a country code (two capital letters)"), region=bad[:10]
            )
    if not any(c.weight > 0 for c in rubric.criteria):
        raise ReviewError(N_("At least one criterion needs a weight above 0"))
    return Rubric(rubric.uid, name, rubric.criteria, rubric.version)


def check_survey_score(kind: SurveyKind, score: int) -> int:
    low, high = kind.scale
    if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
        raise ReviewError(
            N_("A {kind} answer must be between {low} and {high}"),
            kind=kind.value.upper(),
            low=low,
            high=high,
        )
    return score


# ------------------------------------------------------------------ JSON (storage)
def rubric_criteria_json(criteria: Iterable[Criterion]) -> str:
    return json.dumps(
        [
            {
                "key": c.key,
                "label": c.label,
                "weight": c.weight,
                "scale": c.scale,
                "region_weights": dict(c.region_weights),
            }
            for c in criteria
        ],
        ensure_ascii=False,
    )


def criteria_from_json(raw: str) -> tuple[Criterion, ...]:
    """The stored criteria (bad entries are dropped: the stored rubric stays usable)."""
    try:
        items = json.loads(raw)
    except ValueError:
        return ()
    out: list[Criterion] = []
    for item in items if isinstance(items, list) else []:
        try:
            out.append(
                Criterion(
                    str(item["key"]),
                    str(item["label"]),
                    float(item["weight"]),
                    int(item.get("scale", 4)),
                    {str(k): float(v) for k, v in dict(item.get("region_weights") or {}).items()},
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    return tuple(out)


def findings_json(findings: Iterable[SentFinding]) -> str | None:
    """The findings as stored on the sent message (bounded), None when there were none."""
    items = [
        {
            "rule_id": f.rule_id[:80],
            "excerpt": f.excerpt[:MAX_FINDING_EXCERPT_CHARS],
            "severity": f.severity[:20],
            "kind": f.kind[:20],
        }
        for f in list(findings)[:MAX_FINDINGS]
    ]
    return json.dumps(items, ensure_ascii=False) if items else None


def findings_from_json(raw: str | None) -> tuple[SentFinding, ...]:
    if not raw:
        return ()
    try:
        items = json.loads(raw)
    except ValueError:
        return ()
    return tuple(
        SentFinding(
            str(i.get("rule_id", "")),
            str(i.get("excerpt", "")),
            str(i.get("severity", "")),
            str(i.get("kind", "")),
        )
        for i in (items if isinstance(items, list) else [])
        if isinstance(i, dict)
    )
