"""The culture content is complete in the agents' language and wide enough: every text a
profile, rule or article shows exists in Chinese; tags and holiday names have Chinese
names; every profile country has a verified weekend; the counts the product promises."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

import pytest
import yaml

from app.contract.localized import BILINGUAL, is_deep_link
from app.culture.calendar import public_holidays
from app.culture.checker import load_rules
from app.culture.holiday_names import holiday_name, missing_names
from app.culture.profiles import ProfileSet, load_profiles
from app.culture.weekends import load_weekends
from app.knowledge.articles import Article, load_articles
from app.knowledge.tags import known_slugs, tag_name

ROOT = Path(__file__).resolve().parents[3]
ETIQUETTE = ROOT / "resources" / "etiquette"
ARTICLES = ROOT / "resources" / "knowledge" / "articles"
DEMO = ROOT / "resources" / "demo"
CJK = re.compile(r"[\u4e00-\u9fff]")

EU_27 = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()  # noqa: SIM905
)
ASEAN = frozenset("BN KH ID LA MY MM PH SG TH VN".split())  # noqa: SIM905
GCC = frozenset("AE BH KW OM QA SA".split())  # noqa: SIM905
LARGE_MARKETS = frozenset("NG EG ZA KE MA BR MX AR CO CL PE KZ UZ".split())  # noqa: SIM905


@cache
def profiles() -> ProfileSet:
    return load_profiles(ETIQUETTE / "profiles", context=BILINGUAL)


@cache
def articles() -> tuple[list[Article], list[str]]:
    loaded, errors = load_articles(ARTICLES, BILINGUAL)
    return loaded, [str(e) for e in errors]


def demo_countries() -> set[str]:
    data = yaml.safe_load((DEMO / "customers.yaml").read_text(encoding="utf-8"))
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("country"), str):
                found.add(node["country"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return found


def test_every_profile_is_complete_in_english_and_chinese() -> None:
    """Bilingual validation: a text without zh_CN, a legal fact without a verified date or
    citing a home page, a missing norms block, each fails here with file and line."""
    assert [str(e) for e in profiles().errors] == []


def test_every_article_is_complete_in_english_and_chinese() -> None:
    loaded, errors = articles()
    assert errors == []
    assert all(CJK.search(a.title_zh) and CJK.search(a.summary_zh) for a in loaded)


def test_every_rule_explains_itself_in_both_languages() -> None:
    rules = load_rules(ETIQUETTE / "rules")
    assert rules.errors == []
    for rule in rules.rules:
        assert rule.explanation.en and CJK.search(rule.explanation.zh_CN), rule.id
        assert rule.suggestion.en and CJK.search(rule.suggestion.zh_CN), rule.id


def test_the_counts_and_markets_promised() -> None:
    codes = set(profiles().profiles)
    assert len(codes) >= 70
    assert codes >= EU_27, sorted(EU_27 - codes)
    assert codes >= ASEAN, sorted(ASEAN - codes)
    assert codes >= GCC, sorted(GCC - codes)
    assert codes >= LARGE_MARKETS, sorted(LARGE_MARKETS - codes)
    assert demo_countries() <= codes
    assert len(articles()[0]) >= 100
    chinese_rules = [r for r in load_rules(ETIQUETTE / "rules").rules if r.language == "zh"]
    assert len(chinese_rules) >= 60


def test_sub_national_differences_are_modelled() -> None:
    loaded = profiles().profiles
    regions = {r.code for p in loaded.values() for r in p.regions}
    assert "CA-QC" in regions  # Quebec: French-language rules, Law 25
    assert any(code.startswith("US-") for code in regions)  # state privacy laws
    assert any(code.startswith("IN-") for code in regions)  # state holidays
    weekends, errors = load_weekends(ETIQUETTE / "weekends.yaml")
    assert errors == []
    malaysia = {code: days for code, _name, days in weekends["MY"].regions}
    assert malaysia.get("MY-03") == (4, 5)  # Kelantan: Friday–Saturday
    assert "MY-01" not in malaysia  # Johor: back to Saturday–Sunday since 2025


def test_every_profile_country_has_a_verified_weekend_with_a_deep_link() -> None:
    weekends, errors = load_weekends(ETIQUETTE / "weekends.yaml")
    assert errors == []
    missing = sorted(set(profiles().profiles) - set(weekends))
    assert missing == []
    for code, weekend in weekends.items():
        assert is_deep_link(weekend.source_url), code
        assert weekend.verified <= date.today(), code


def test_weekends_the_libraries_get_wrong_or_cannot_say() -> None:
    weekends, _errors = load_weekends(ETIQUETTE / "weekends.yaml")
    assert weekends["BN"].days == (4, 6)  # Brunei: Friday and Sunday (CLDR: Sat–Sun)
    assert weekends["AE"].days == (5, 6)  # the UAE since 2022
    assert weekends["SA"].days == (4, 5)
    assert {code for code, _n, _d in weekends["AE"].regions} == {"AE-SH"}  # Sharjah


def test_every_article_cites_deep_links_and_has_its_own_verified_date() -> None:
    loaded, _errors = articles()
    for article in loaded:
        assert article.sources, article.uid
        assert all(is_deep_link(url) for _title, url in article.sources), article.uid
        assert article.verified_at is not None, article.uid


def test_every_tag_has_a_chinese_name() -> None:
    used = {tag for article in articles()[0] for tag in article.tags}
    for path in (DEMO / "conversations").glob("*.yaml"):
        used |= set(re.findall(r"tags: \[([^\]]*)\]", path.read_text(encoding="utf-8")))
    slugs = {t.strip() for entry in used for t in entry.split(",") if t.strip()}
    assert sorted(slugs - known_slugs()) == []
    assert tag_name("refund", "zh_CN") != "refund"
    assert tag_name("refund", "en") == "refund"  # the stored slug, shown as it is


def _holiday_names(countries: set[str], year: int) -> set[str]:
    """The names the panel shows (as :func:`public_holidays` gives them)."""
    return {
        holiday.name for code in sorted(countries) for holiday in public_holidays(code, year) or ()
    }


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_no_english_holiday_name_in_a_chinese_panel(year: int) -> None:
    assert missing_names(_holiday_names(demo_countries(), year)) == []
    every = _holiday_names(set(profiles().profiles), year)
    missing = missing_names(every)
    assert len(missing) <= len(every) // 50, missing[:20]  # the other markets: 98 %


def test_holiday_names_follow_the_ui_language() -> None:
    assert holiday_name("Christmas Day", "zh_CN") == "圣诞节"
    assert CJK.search(holiday_name("Christmas Day (observed)", "zh_CN"))
    assert holiday_name("Christmas Day", "en") == "Christmas Day"
    assert holiday_name("Some Team Holiday", "zh_CN") == "Some Team Holiday"
