"""A play's score on the team's QA rubric: the same rubric object and weighted total as the
lead's review of real work, so a practice score means what a review score means.

Deterministic: the score depends only on the replies, their timing, the findings the
checker gave and the path, never on the wall clock. Each criterion carries the reasons
it lost points (English msgids with values; the UI translates them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.domain.errors import N_
from app.domain.review import Rubric, weighted_total
from app.domain.training import EndState, Outcome
from app.training.engine import finding_matches

if TYPE_CHECKING:
    from app.training.engine import Play, Step
    from app.training.schema import Expectation

# The rubric criteria a play is scored on (the shipped rubric's keys); a team rubric's
# other criteria are left unscored ("not applicable" in the weighted total).
CRITERIA = (
    "greeting",
    "empathy",
    "etiquette",
    "solution",
    "tone",
    "translation",
    "closing",
    "speed",
)
UPSET_MOODS = frozenset({"worried", "annoyed", "angry"})

# Points a finding of each kind costs, per criterion (each finding in each reply counts).
FINDING_COSTS: Mapping[str, Mapping[str, int]] = {
    "idiom": {"translation": 1},
    "format": {"translation": 1},
    "register": {"tone": 1, "etiquette": 1},
    "sensitive": {"etiquette": 2},
    "promotion": {"etiquette": 2, "tone": 1},
}
# Points an intent costs on tone, per reply that has it.
INTENT_COSTS: Mapping[str, int] = {"blames_customer": 2, "refuses": 1, "hard_sell": 1}

R_EXPECTED = N_("{met} of {total} expected behaviours met")
R_FINDINGS = N_("Draft-check findings about {kind}: {count}")
R_INTENT = N_("Replies that {intent}: {count}")
R_NO_GREETING = N_("The first reply has no greeting")
R_NO_CLOSING = N_("The last reply has no closing or thanks")
R_LEFT = N_("The customer left")
R_NO_EMPATHY = N_("An upset customer got no apology and no understanding")
R_SLOW = N_("Replies slower than the customer's patience: {count}")
R_LEFT_SLOW = N_("The customer left because the answer took too long")
R_FAILURE = N_("The conversation ended in failure")
R_PARTIAL = N_("The conversation ended with only a partial solution")
R_UNFINISHED = N_("The conversation was not finished")
R_NO_REPLY = N_("No reply was written")
KIND_NAMES: Mapping[str, str] = {
    "idiom": N_("idioms"),
    "format": N_("date and number formats"),
    "register": N_("register"),
    "sensitive": N_("sensitive topics"),
    "promotion": N_("promotions"),
}
INTENT_REASONS: Mapping[str, str] = {
    "blames_customer": N_("blame the customer"),
    "refuses": N_("refuse"),
    "hard_sell": N_("push a sale"),
}


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a criterion lost points: an English msgid and its values."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, translate: Any = None) -> str:
        template = translate(self.msgid) if translate is not None else self.msgid
        params = {
            k: (translate(v) if translate is not None and isinstance(v, str) else v)
            for k, v in self.params.items()
        }
        return str(template).format(**params)


@dataclass(frozen=True, slots=True)
class CriterionScore:
    key: str
    points: int
    scale: int
    reasons: tuple[Reason, ...] = ()
    label: str = ""  # the rubric's label (an English msgid for the shipped rubric)


@dataclass(frozen=True, slots=True)
class ExpectationResult:
    id: str
    criterion: str
    met: bool
    label_en: str
    label_zh: str

    def label(self, ui_language: str) -> str:
        return self.label_zh if ui_language.lower().startswith("zh") else self.label_en


@dataclass(frozen=True, slots=True)
class Score:
    total: float  # 0-100, higher is better
    criteria: tuple[CriterionScore, ...]
    expectations: tuple[ExpectationResult, ...]

    def points(self) -> dict[str, int]:
        return {c.key: c.points for c in self.criteria}


def _expectation_met(item: Expectation, replies: list[Step]) -> bool:
    if item.intent is not None:
        window = replies[: item.within] if item.within else replies
        return any(item.intent in step.intents for step in window)
    assert item.avoid is not None
    for step in replies:
        if any(name in step.intents for name in item.avoid.intents):
            return False
        if any(
            finding_matches(ref, f.rule_id, str(f.kind))
            for ref in item.avoid.findings
            for f in step.findings
        ):
            return False
    return True


class _Card:
    """Points per criterion being worked out, with the reasons."""

    def __init__(self, rubric: Rubric) -> None:
        self.scale = {c.key: c.scale for c in rubric.criteria if c.key in CRITERIA}
        self.points = dict(self.scale)
        self.reasons: dict[str, list[Reason]] = {key: [] for key in self.scale}

    def take(self, key: str, amount: int, reason: Reason) -> None:
        if key in self.points and amount > 0:
            self.points[key] = max(0, self.points[key] - amount)
            self.reasons[key].append(reason)

    def cap(self, key: str, most: int, reason: Reason) -> None:
        if key in self.points and self.points[key] > most:
            self.points[key] = max(0, most)
            self.reasons[key].append(reason)


def score_play(play: Play, rubric: Rubric) -> Score:
    """The play's score on ``rubric`` (the weighted total for the scenario's country)."""
    scenario = play.scenario
    replies = play.replies
    results = tuple(
        ExpectationResult(
            item.id,
            item.criterion,
            bool(replies) and _expectation_met(item, replies),
            item.label.en,
            item.label.zh_CN,
        )
        for item in scenario.expect
    )
    card = _Card(rubric)
    if not replies:
        for key in card.points:
            card.cap(key, 0, Reason(R_NO_REPLY))
        return _finish(card, results, rubric, scenario.country)

    for key in card.points:  # the scenario's expected behaviours set each criterion's base
        mine = [r for r in results if r.criterion == key]
        if mine:
            met = sum(1 for r in mine if r.met)
            base = int(card.scale[key] * met / len(mine) + 0.5)
            card.cap(key, base, Reason(R_EXPECTED, {"met": met, "total": len(mine)}))

    kinds = Counter(str(f.kind) for step in replies for f in step.findings)
    for kind, count in sorted(kinds.items()):
        for key, cost in FINDING_COSTS.get(kind, {}).items():
            card.take(
                key,
                cost * count,
                Reason(R_FINDINGS, {"count": count, "kind": KIND_NAMES.get(kind, kind)}),
            )
    for intent, cost in INTENT_COSTS.items():
        count = sum(1 for step in replies if intent in step.intents)
        if count:
            reason = Reason(R_INTENT, {"count": count, "intent": INTENT_REASONS[intent]})
            card.take("tone", cost * count, reason)

    if "greeting" not in replies[0].intents:
        card.cap("greeting", card.scale.get("greeting", 0) // 2, Reason(R_NO_GREETING))
    ending = play.ending
    if ending is not None and ending.state == EndState.LEFT:
        card.cap("closing", 0, Reason(R_LEFT))
    elif not {"closing", "thanks"} & replies[-1].intents:
        card.cap("closing", card.scale.get("closing", 0) // 4, Reason(R_NO_CLOSING))
    if scenario.persona.mood in UPSET_MOODS and not any(
        {"apology", "empathy"} & step.intents for step in replies
    ):
        card.cap("empathy", 0, Reason(R_NO_EMPATHY))
    patience = scenario.persona.patience
    slow = sum(1 for step in replies if (step.response_seconds or 0) > patience)
    if slow:
        card.take("speed", slow, Reason(R_SLOW, {"count": slow}))
    if play.left_for_slowness:
        card.cap("speed", 0, Reason(R_LEFT_SLOW))
    if ending is None:
        card.cap("solution", 0, Reason(R_UNFINISHED))
    elif ending.outcome == Outcome.FAILURE:
        card.cap("solution", 0, Reason(R_FAILURE))
    elif ending.outcome == Outcome.PARTIAL:
        card.cap("solution", card.scale.get("solution", 0) // 2, Reason(R_PARTIAL))
    return _finish(card, results, rubric, scenario.country)


def _finish(
    card: _Card, results: tuple[ExpectationResult, ...], rubric: Rubric, country: str
) -> Score:
    criteria = tuple(
        CriterionScore(c.key, card.points[c.key], c.scale, tuple(card.reasons[c.key]), c.label)
        for c in rubric.criteria
        if c.key in card.points
    )
    total = weighted_total(rubric, card.points, region=country)
    return Score(total, criteria, results)
