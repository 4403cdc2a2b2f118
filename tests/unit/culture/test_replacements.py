"""One-click replacements of the draft checker: each one a rule offers really removes
the finding it answers, is cased to fit the sentence, and names only the rule's phrases."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from app.culture.checker import CheckContext, Checker, load_rules
from app.culture.rule_schema import Rule, replacement_key

BUILTIN = Path(__file__).resolve().parents[3] / "resources" / "etiquette" / "rules"
RULES = load_rules(BUILTIN)
CHECKER = Checker(RULES)
WITH_REPLACEMENTS = [rule for rule in RULES.rules if rule.replacement]


def _context(rule: Rule) -> CheckContext:
    example = rule.examples.match[0]
    context = rule.example_context(example, rule.examples.context)
    language = context.draft_language or ("en" if rule.language == "any" else rule.language)
    return CheckContext(
        draft_language=language,
        country=context.country,
        formal=context.formal,
        observances=frozenset(context.observances),
        customer_locale=context.customer_locale,
    )


def test_a_good_share_of_phrase_rules_offer_a_replacement() -> None:
    assert len(WITH_REPLACEMENTS) >= 30


@pytest.mark.parametrize("rule", WITH_REPLACEMENTS, ids=lambda rule: rule.id)
def test_every_replacement_removes_its_finding(rule: Rule) -> None:
    ctx = _context(rule)
    for phrase, replacement in rule.replacement.items():
        draft = f"您好，{phrase}。" if rule.language == "zh" else f"Note: {phrase} today."
        found = [f for f in CHECKER.check(draft, ctx) if f.rule_id == rule.id]
        assert [f.excerpt for f in found] == [phrase], draft
        assert found[0].replacement == replacement  # mid-sentence: as written in the rule
        fixed = draft[: found[0].start] + replacement + draft[found[0].end :]
        assert not [f for f in CHECKER.check(fixed, ctx) if f.rule_id == rule.id], fixed


def test_the_replacement_is_cased_for_where_it_stands() -> None:
    ctx = CheckContext("en", "JP", False, frozenset(), None)
    draft = "Cheap, yes. It is the cheapest. ASAP we ship; ship asap. no problem"
    got = {f.excerpt: f.replacement for f in CHECKER.check(draft, ctx) if f.replacement}
    assert got["Cheap"] == "Affordable"
    assert got["cheapest"] == "most affordable"
    assert got["ASAP"] == "As soon as possible"  # starts a sentence
    assert got["asap"] == "as soon as possible"
    assert replacement_key("Touch-base") == replacement_key("touch  base")


def test_a_replacement_for_a_phrase_the_rule_lacks_is_refused() -> None:
    data = RULES.rules[0].model_dump()
    data["replacement"] = {"not a phrase of it": "x"}
    with pytest.raises(ValidationError, match="does not have: not a phrase of it"):
        Rule.model_validate(data)
