"""Each country profile with a data-protection law says how long that law gives to answer a
data-subject request (issue 17 §3), with a source: the data-requests queue counts down to it.
A period is only given where it was checked; otherwise the profile says why there is none and
the team's default applies."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from functools import cache
from pathlib import Path

import pytest

from app.config.paths import resources_dir
from app.contract.localized import BILINGUAL
from app.culture.profile_schema import RequestDeadline
from app.culture.profiles import ProfileSet, load_profiles
from app.ops.culture_audit import audit

ETIQUETTE = resources_dir() / "etiquette"
PROFILES = ETIQUETTE / "profiles"
ARTICLES = resources_dir() / "knowledge" / "articles"
CJK = re.compile(r"[\u4e00-\u9fff]")
EU_27 = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()  # noqa: SIM905
# laws whose period nobody has checked yet: no number, the team default applies (see the report)
UNCONFIRMED = set(
    "AE BH BN DZ EG GH IL KE KZ MA MX NG OM PE PH QA UZ VN".split()  # noqa: SIM905
)


@cache
def builtin() -> ProfileSet:
    return load_profiles(PROFILES, context=BILINGUAL)


def deadline(code: str) -> RequestDeadline:
    profile = builtin().get(code)
    assert profile is not None and profile.data_protection is not None
    assert profile.data_protection.requests is not None
    return profile.data_protection.requests


def test_every_profile_with_a_data_law_states_its_request_deadline() -> None:
    loaded = builtin()
    assert [str(error) for error in loaded.errors] == []
    with_law = {code for code, p in loaded.profiles.items() if p.data_protection is not None}
    assert len(with_law) == 70
    missing = sorted(c for c in with_law if loaded.profiles[c].data_protection.requests is None)  # type: ignore[union-attr]
    assert missing == []


def test_every_deadline_cites_one_of_its_profiles_deep_linked_sources() -> None:
    for code, profile in builtin().profiles.items():
        if profile.data_protection is None:
            continue
        sources = {source.id: source for source in profile.sources}
        cited = sources[deadline(code).source]
        assert cited.is_deep_link, f"{code} cites {cited.url}"


def test_a_period_is_given_only_where_it_was_checked() -> None:
    unconfirmed = set()
    for code, profile in builtin().profiles.items():
        if profile.data_protection is None:
            continue
        rule = deadline(code)
        if rule.has_period:
            assert rule.verified == dt.date(2026, 12, 3), code
        if rule.verified is None:
            unconfirmed.add(code)
        if not rule.has_period:  # the note says why, in both languages
            assert rule.note is not None and CJK.search(rule.note.zh_CN), code
            assert "default" in rule.note.en, code
    assert unconfirmed == UNCONFIRMED


@pytest.mark.parametrize("code", EU_27)
def test_gdpr_one_month_extendable_by_two(code: str) -> None:
    rule = deadline(code)
    assert (rule.months, rule.extension_months, rule.days) == (1, 2, None)
    assert rule.source == "gdpr" and rule.summary() == "1 month (+2 months)"


def test_spot_values_for_the_laws_the_issue_names() -> None:
    de, gb, br, us, cn = (deadline(c) for c in ("DE", "GB", "BR", "US", "CN"))
    assert (de.months, de.extension_months) == (1, 2)
    assert (gb.months, gb.extension_months) == (1, 2)
    assert (br.days, br.business_days, br.extension_days) == (15, False, None)
    assert "Art. 19" in (br.note.en if br.note else "")
    assert (us.days, us.extension_days) == (45, 45)  # California, the profile's rule
    assert "1798.130" in (us.note.en if us.note else "")
    assert not cn.has_period and cn.summary() == "no fixed period"
    assert cn.note is not None and "及时" in cn.note.zh_CN
    assert deadline("CO").summary() == "10 working days (+5 working days)"
    assert deadline("KR").summary() == "10 days"
    assert deadline("NZ").summary() == "20 working days"


def _broken(tmp_path: Path, old: str, new: str, code: str = "DE") -> list[str]:
    folder = tmp_path / "profiles"
    folder.mkdir()
    text = (PROFILES / f"{code}.yaml").read_text(encoding="utf-8")
    assert old in text
    (folder / f"{code}.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return [str(error) for error in load_profiles(folder, context=BILINGUAL).errors]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    months: 1\n",
            "    months: 1\n    days: 30\n",
            "data_protection.requests: give the period in 'days' or in 'months', not both",
        ),
        (
            "    extension_months: 2\n",
            "    extension_months: 2\n    extension_days: 60\n",
            "give the extension in 'extension_days' or 'extension_months', not both",
        ),
        (
            "    source: gdpr\n    verified: 2026-12-03\n",
            "    source: gdpr-art-12\n    verified: 2026-12-03\n",
            "cites sources not listed under 'sources': gdpr-art-12",
        ),
        (
            "    months: 1\n",
            "    months: 13\n",
            "data_protection.requests.months",
        ),
        (
            "    source: gdpr\n    verified: 2026-12-03\n",
            "    source: gdpr\n",
            "data_protection.requests has no 'verified' date",
        ),
    ],
    ids=["days-and-months", "two-extensions", "unknown-source", "13-months", "unchecked-period"],
)
def test_a_broken_deadline_is_refused_with_a_clear_message(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    errors = _broken(tmp_path, old, new)
    assert len(errors) == 1
    assert "DE.yaml" in errors[0] and message in errors[0]
    assert "Traceback" not in errors[0]


def test_no_period_and_no_note_is_refused(tmp_path: Path) -> None:
    """ "No fixed period" must say why (the law's words, and that the team default applies)."""
    text = (PROFILES / "DE.yaml").read_text(encoding="utf-8")
    start = text.index("  requests:\n")
    block = text[start : text.index("\n\n", start)]
    errors = _broken(tmp_path, block, "  requests:\n    source: gdpr\n    verified: 2026-12-03")
    assert len(errors) == 1 and "DE.yaml" in errors[0]
    assert (
        "with no 'days' or 'months' (no fixed period in the law), a 'note' must say why"
        in (errors[0])
    )


def test_a_team_overlay_without_a_period_needs_no_verified_date(tmp_path: Path) -> None:
    """A team that knows of no fixed period writes it in its own words, in one language."""
    team = tmp_path / "team"
    team.mkdir()
    (team / "JP.yaml").write_text(
        "data_protection:\n  requests:\n    source: jp-appi\n"
        "    note: 'Our policy: 14 days for every request.'\n",
        encoding="utf-8",
    )
    loaded = load_profiles(PROFILES, team)
    assert [str(e) for e in loaded.errors] == []
    profile = loaded.get("JP")
    assert profile is not None and profile.data_protection is not None
    rule = profile.data_protection.requests
    assert rule is not None and rule.note is not None
    assert rule.note.pick("zh_CN") == "Our policy: 14 days for every request."


def test_the_audit_lists_checked_deadlines_by_age_and_on_the_laws_effective_date() -> None:
    """A deadline is a legal fact like the others: due a year after it was checked, and for
    India's DPDP as soon as its duties take effect (13 May 2027)."""
    due, problems = audit(ETIQUETTE, ARTICLES, dt.date(2026, 12, 3))
    assert problems == [] and not [d for d in due if "requests" in d.where]
    india, _ = audit(ETIQUETTE, ARTICLES, dt.date(2027, 5, 13))
    listed = [d for d in india if d.where.endswith("IN.yaml: data_protection.requests")]
    assert [d.text for d in listed] == ["request deadline: 90 days"]
    assert listed[0].reason == "took effect 2027-05-13, last verified 2026-12-03"
    later, _ = audit(ETIQUETTE, ARTICLES, dt.date(2028, 1, 1))
    deadlines = {d.where.split(":")[0].rsplit("/", 1)[-1] for d in later if "requests" in d.where}
    assert "DE.yaml" in deadlines and "BR.yaml" in deadlines
    assert not deadlines & {f"{code}.yaml" for code in UNCONFIRMED}


def test_an_unchecked_period_copied_into_a_workspace_is_listed(tmp_path: Path) -> None:
    folder = tmp_path / "etiquette"
    shutil.copytree(ETIQUETTE, folder)
    path = folder / "profiles" / "BR.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "    days: 15\n    source: lgpd\n    verified: 2026-12-03\n",
            "    days: 15\n    source: lgpd\n",
            1,
        ),
        encoding="utf-8",
    )
    due, problems = audit(folder, tmp_path / "no-articles", dt.date(2026, 12, 3))
    assert problems == []
    assert [(d.reason, d.text) for d in due if "BR.yaml" in d.where] == [
        ("never verified", "request deadline: 15 days")
    ]
