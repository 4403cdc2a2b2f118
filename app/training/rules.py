"""The rules of a scenario across its fields, checked after its shape.

A scenario that passes them can always be played to an end: every ``goto`` lands on a
turn or an ending, every turn has a default branch, everything is reachable, and every
intent, finding and rubric criterion it names exists. Each problem comes with the path of
the field at fault, so the caller can name its line.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING

from app.culture.rule_schema import KINDS
from app.domain.training import Outcome
from app.training.intents import IntentIndex
from app.training.scoring import CRITERIA

if TYPE_CHECKING:
    from app.training.schema import Scenario

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]

_RULE_ID = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)+$")
_RULE_PREFIX = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*\.$")
MIN_CONDITIONAL_BRANCHES = 3
MIN_REHEARSALS_PER_LANGUAGE = 2


def check_scenario(scenario: Scenario, intents: IntentIndex) -> list[Problem]:
    """Every rule the scenario breaks, in file order as far as possible."""
    problems: list[Problem] = []
    problems += _targets(scenario)
    problems += _branches(scenario)
    if not problems:  # reachability means little while gotos point nowhere
        problems += _reachable(scenario)
    problems += _names(scenario, intents)
    problems += _rehearsals(scenario)
    return problems


def _targets(s: Scenario) -> Iterator[Problem]:
    states = set(s.turns) | set(s.endings)
    for name in sorted(set(s.turns) & set(s.endings)):
        yield ("endings", name), f"'{name}' is both a turn and an ending: use distinct ids"
    if s.start not in s.turns:
        where = "an ending" if s.start in s.endings else "not a turn"
        yield ("start",), f"start: '{s.start}' is {where}: start names the opening turn"
    for field, value in (("left", s.persona.left), ("on_limit", s.on_limit)):
        if value is not None and value not in s.endings:
            loc: Loc = ("persona", "left") if field == "left" else ("on_limit",)
            yield loc, f"{field}: '{value}' is not an ending (known: {_known(s.endings)})"
    for turn_id, turn in s.turns.items():
        for i, branch in enumerate(turn.branches):
            if branch.goto not in states:
                yield (
                    ("turns", turn_id, "branches", i, "goto"),
                    f"turns.{turn_id}.branches.{i}.goto: '{branch.goto}' is neither a turn nor"
                    f" an ending",
                )


def _known(names: object) -> str:
    return ", ".join(sorted(names))  # type: ignore[call-overload]


def _branches(s: Scenario) -> Iterator[Problem]:
    conditional = 0
    for turn_id, turn in s.turns.items():
        last = len(turn.branches) - 1
        for i, branch in enumerate(turn.branches):
            if branch.when is not None:
                conditional += 1
                if i == last:
                    yield (
                        ("turns", turn_id, "branches", i),
                        f"turns.{turn_id}: the last branch must be the default (a 'goto'"
                        f" without 'when')",
                    )
            elif i != last:
                yield (
                    ("turns", turn_id, "branches", i),
                    f"turns.{turn_id}.branches.{i}: only the last branch may lack 'when'"
                    f" (the branches after it could never be taken)",
                )
    if conditional < MIN_CONDITIONAL_BRANCHES:
        yield (
            ("turns",),
            f"turns: {conditional} branches with 'when'; a scenario needs at least"
            f" {MIN_CONDITIONAL_BRANCHES}",
        )
    if len(s.endings) < 2:
        yield ("endings",), "endings: a scenario needs at least 2 endings"
    if all(e.outcome == Outcome.SUCCESS for e in s.endings.values()):
        yield ("endings",), "endings: at least one ending must not be a success"


def _reachable(s: Scenario) -> Iterator[Problem]:
    seen = {s.start}
    queue = deque([s.start])
    extra = [s.limit_ending]
    if s.persona.leaves_after > 0 and s.persona.left:
        extra.append(s.persona.left)
    seen.update(extra)
    while queue:
        current = queue.popleft()
        turn = s.turns.get(current)
        if turn is None:
            continue
        for branch in turn.branches:
            if branch.goto not in seen:
                seen.add(branch.goto)
                queue.append(branch.goto)
    for turn_id in s.turns:
        if turn_id not in seen:
            yield ("turns", turn_id), f"turns.{turn_id}: no branch leads to this turn"
    for ending_id in s.endings:
        if ending_id not in seen:
            yield ("endings", ending_id), f"endings.{ending_id}: no branch leads to this ending"


def _intent_ok(name: str, s: Scenario, intents: IntentIndex) -> bool:
    return name in intents or name in s.intents


def _finding_ok(ref: str) -> bool:
    return ref in KINDS or bool(_RULE_ID.match(ref) or _RULE_PREFIX.match(ref))


def _names(s: Scenario, intents: IntentIndex) -> Iterator[Problem]:
    def unknown_intent(loc: Loc, name: str) -> Problem:
        return loc, (
            f"{_dotted(loc)}: '{name}' is not a built-in intent (resources/training/intents.yaml)"
            f" nor one of the scenario's 'intents'"
        )

    for turn_id, turn in s.turns.items():
        for i, branch in enumerate(turn.branches):
            if branch.when is None:
                continue
            base: Loc = ("turns", turn_id, "branches", i, "when")
            for key in ("all", "any", "none"):
                for j, name in enumerate(getattr(branch.when, key)):
                    if not _intent_ok(name, s, intents):
                        yield unknown_intent((*base, key, j), name)
            for j, ref in enumerate(branch.when.findings):
                if not _finding_ok(ref):
                    yield (*base, "findings", j), _bad_finding(ref)
    for i, item in enumerate(s.expect):
        if item.criterion not in CRITERIA:
            yield (
                ("expect", i, "criterion"),
                f"expect.{i}.criterion: '{item.criterion}' is not a rubric criterion"
                f" ({', '.join(CRITERIA)})",
            )
        if item.intent is not None and not _intent_ok(item.intent, s, intents):
            yield unknown_intent(("expect", i, "intent"), item.intent)
        if item.avoid is not None:
            for j, name in enumerate(item.avoid.intents):
                if not _intent_ok(name, s, intents):
                    yield unknown_intent(("expect", i, "avoid", "intents", j), name)
            for j, ref in enumerate(item.avoid.findings):
                if not _finding_ok(ref):
                    yield ("expect", i, "avoid", "findings", j), _bad_finding(ref)
    ids = [item.id for item in s.expect]
    for i, item_id in enumerate(ids):
        if item_id in ids[:i]:
            yield ("expect", i, "id"), f"expect.{i}.id: '{item_id}' is used twice"


def _bad_finding(ref: str) -> str:
    return (
        f"'{ref}' is not a finding kind ({', '.join(KINDS)}), a rule id or a rule-id prefix"
        f" ending in '.'"
    )


def _dotted(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


def _rehearsals(s: Scenario) -> Iterator[Problem]:
    for i, rehearsal in enumerate(s.rehearsals):
        if rehearsal.expect.ending not in s.endings:
            yield (
                ("rehearsals", i, "expect", "ending"),
                f"rehearsals.{i}.expect.ending: '{rehearsal.expect.ending}' is not an ending",
            )
    for lang in ("en", "zh"):
        count = sum(1 for r in s.rehearsals if r.lang == lang)
        if count < MIN_REHEARSALS_PER_LANGUAGE:
            yield (
                ("rehearsals",),
                f"rehearsals: {count} for lang '{lang}'; at least"
                f" {MIN_REHEARSALS_PER_LANGUAGE} are needed (a good one and a clumsy one)",
            )
