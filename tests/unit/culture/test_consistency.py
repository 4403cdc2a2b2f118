"""The checker never contradicts the profiles: every rule that reads a profile norm is run
against every profile, and the three voices on Ramadan promotions (the live advice, the
checker, the profiles) take the same position."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

import pytest
from pydantic import BaseModel

from app.contract.localized import BILINGUAL
from app.culture.checker import CheckContext, Checker, RuleSet, example_cases, load_rules
from app.culture.facts import AdviceKind, compute_facts
from app.culture.profile_schema import Profile
from app.culture.profiles import load_profiles
from app.culture.rule_schema import Rule
from app.ops.culture import profile_norms

ROOT = Path(__file__).resolve().parents[3]
ETIQUETTE = ROOT / "resources" / "etiquette"
RAMADAN_1448 = dt.datetime(2027, 2, 20, 7, 0, tzinfo=dt.UTC)


@cache
def rules() -> RuleSet:
    return load_rules(ETIQUETTE / "rules")


@cache
def profiles() -> dict[str, Profile]:
    return load_profiles(ETIQUETTE / "profiles", context=BILINGUAL).profiles


def norm_rules() -> list[Rule]:
    return [rule for rule in rules().rules if rule.when.norms]


def test_the_rules_that_depend_on_profile_norms_read_them() -> None:
    """Emoji, emoticons, informal "you" and greeting by name are each decided by a norm."""
    by_norm = {name for rule in norm_rules() for name in rule.when.norms}
    assert by_norm == {"address_by", "emoji_in_chat", "emoticons_in_chat", "informal_you"}
    for rule_id in ("register.emoji", "register.emoticons", "zh.register.ni"):
        rule = next(r for r in rules().rules if r.id == rule_id)
        assert rule.when.norms and rule.when.formal is None, rule_id


@pytest.mark.parametrize("rule", norm_rules(), ids=lambda rule: rule.id)
def test_a_norm_rule_fires_exactly_where_the_profiles_say_so(rule: Rule) -> None:
    """Each of the rule's own "match" drafts, written to a customer of every profile
    country: flagged where the profile's norm is one the rule applies under, left alone
    where the profile calls it normal."""
    checker = Checker(RuleSet([rule], []))
    matches = [(text, ctx) for text, ctx, expected in example_cases(rule) if expected]
    assert matches
    for code, profile in profiles().items():
        assert profile.norms is not None, code
        norms = profile_norms(profile)
        stated = dict(norms)
        applies = all(stated.get(name) in values for name, values in rule.when.norms.items())
        for text, example in matches:
            context = CheckContext(
                draft_language=example.draft_language,
                country=code,
                formal=profile.address.formal_by_default,
                observances=example.observances,
                customer_locale=example.customer_locale,
                norms=norms,
            )
            found = any(f.rule_id == rule.id for f in checker.check(text, context))
            if (rule.countries and code not in rule.countries) or code in rule.not_countries:
                assert not found, (code, text)
            elif not (rule.when.observances or rule.when.locale_reads_day_first is not None):
                assert found == applies, (code, text, stated)


def test_no_register_rule_tells_a_title_plus_given_name_market_to_use_the_surname() -> None:
    """Saudi Arabia, the UAE, Thailand...: "Hi Mohammed," gets "add the title", never
    "Dear Mr/Ms [surname]"."""
    checker = Checker(rules())
    for code, profile in profiles().items():
        if profile.norms is None or profile.norms.address_by != "title_given_name":
            continue
        context = CheckContext(
            draft_language="en",
            country=code,
            formal=profile.address.formal_by_default,
            observances=frozenset(),
            customer_locale=None,
            norms=profile_norms(profile),
        )
        found = checker.check("Hi Mohammed, thanks for your message.", context)
        assert [f.rule_id for f in found if "greeting" in f.rule_id or "given" in f.rule_id] == [
            "register.given-name-without-title"
        ], code
        assert all("surname" not in f.suggestion for f in found), code


def ramadan_markets() -> list[str]:
    return [code for code, p in profiles().items() if "ramadan" in p.observances]


def test_ramadan_promotions_one_position_in_profiles_advice_and_checker() -> None:
    """Offers are normal in Ramadan (sales peak), hard-sell urgency is not: the profiles
    state it, the live advice says it, the checker flags urgency and lets an offer pass."""
    markets = ramadan_markets()
    assert {"SA", "AE", "EG", "ID", "MY"} <= set(markets)
    checker = Checker(rules())
    avoid = re.compile(r"avoid (?:all )?(?:promotion|promotional|offers|sales)", re.I)
    for code in markets:
        profile = profiles()[code]
        assert profile.norms is not None and profile.norms.promotions.get("ramadan") == "calm"
        prose = " ".join(text.en for text in _texts(profile))
        assert not avoid.search(prose), code
        facts = compute_facts(
            country=code,
            timezone=profile.timezone,
            locale=None,
            now=RAMADAN_1448,
            observances=frozenset(profile.observances),
        )
        assert "ramadan" in facts.observances_now, code
        advice = " ".join(a.text() for a in facts.advice if a.kind is AdviceKind.OBSERVANCE)
        assert "offers are welcome" in advice and "hard-sell urgency" in advice, code
        assert not avoid.search(advice), code
        context = CheckContext(
            draft_language="en",
            country=code,
            formal=profile.address.formal_by_default,
            observances=facts.observances_now,
            customer_locale=None,
            norms=profile_norms(profile),
        )
        offer = [f.kind for f in checker.check("Ramadan sale: 20% off all lamps.", context)]
        urgency = checker.check("Flash sale! Buy now, last chance!", context)
        assert "promotion" not in offer, code
        assert any(f.kind == "promotion" for f in urgency), code


def _texts(profile: Profile) -> list:  # type: ignore[type-arg]
    """Every agent-facing text of a profile (Localized values)."""
    found = []

    def walk(node: object) -> None:
        if hasattr(node, "en") and hasattr(node, "zh_CN"):
            found.append(node)
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name))
        elif isinstance(node, list | tuple):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for item in node.values():
                walk(item)

    walk(profile)
    return found
