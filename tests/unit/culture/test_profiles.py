"""Etiquette profiles: the shipped files pass the schema; layers merge; bad files are named."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from app.config.paths import resources_dir
from app.culture.profile_schema import Profile, merge_layers
from app.culture.profiles import ProfileSet, load_profiles

BUILTIN = resources_dir() / "etiquette" / "profiles"
G20 = "AR AU BR CA CN FR DE IN ID IT JP KR MX RU SA ZA TR GB US"
OTHERS = "AE QA KW BH OM SG MY TH VN PH NG KE EG IL PK BD PL NL ES CL CO PE"  # Gulf, SE Asia...
REQUIRED = [*G20.split(), *OTHERS.split()]


@cache
def builtin() -> ProfileSet:
    return load_profiles(BUILTIN)


def test_every_shipped_profile_passes_the_schema() -> None:
    loaded = builtin()
    assert loaded.errors == []
    assert len(loaded.profiles) >= 40
    missing = sorted(set(REQUIRED) - set(loaded.profiles))
    assert not missing, f"no profile for {missing}"


@pytest.mark.parametrize("code", REQUIRED)
def test_a_profile_greets_in_the_local_language_and_cites_its_law(code: str) -> None:
    profile = builtin().get(code)
    assert profile is not None
    tags = {use.tag.split("-")[0] for use in profile.languages}
    assert {g.language.split("-")[0] for g in profile.greetings} <= tags
    assert all(g.meaning for g in profile.greetings + profile.sign_offs)
    assert all(source.url.startswith("https://") for source in profile.sources)
    if profile.data_protection is not None:
        assert profile.data_protection.rights


def test_a_team_overlay_merges_over_the_builtin_profile(tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    (team / "JP.yaml").write_text(
        "business_hours: {start: '10:00', end: '19:00'}\n"
        "sensitivities: ['Our brand never uses the number 4 in offers.']\n",
        encoding="utf-8",
    )
    profile = load_profiles(BUILTIN, team).get("JP")
    assert profile is not None
    assert (profile.business_hours.start, profile.business_hours.end) == ("10:00", "19:00")
    assert [text.pick("zh_CN") for text in profile.sensitivities] == [
        "Our brand never uses the number 4 in offers."  # a team writes one language: shown as is
    ]
    assert profile.greetings  # the rest of the built-in profile is still there


def test_merge_layers_merges_mappings_and_replaces_lists() -> None:
    merged = merge_layers({"a": {"x": 1, "y": 2}, "l": [1, 2]}, {"a": {"y": 3}, "l": [9]})
    assert merged == {"a": {"x": 1, "y": 3}, "l": [9]}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("country: [", "YAML syntax error"),
        ("- just a list", "a profile must be a mapping"),
        ("country: XX\nname: Nowhere\n", "country"),
    ],
)
def test_a_bad_team_profile_is_named_and_the_others_load(
    tmp_path: Path, text: str, problem: str
) -> None:
    (tmp_path / "XX.yaml").write_text(text, encoding="utf-8")
    loaded = load_profiles(BUILTIN, tmp_path)
    assert len(loaded.errors) == 1
    assert str(tmp_path / "XX.yaml") in str(loaded.errors[0])
    assert problem in str(loaded.errors[0])
    assert "JP" in loaded.profiles


def test_a_profile_citing_an_unlisted_source_is_refused() -> None:
    data = builtin().get("JP")
    assert data is not None
    raw = data.model_dump()
    raw["consumer_rights"] = [{"fact": "Something.", "source": "not-listed"}]
    with pytest.raises(ValueError, match="not-listed"):
        Profile.model_validate(raw)


def test_every_demo_customer_has_a_profile() -> None:
    """The side panel shows etiquette for every demo conversation."""
    customers = yaml.safe_load(
        (resources_dir() / "demo" / "customers.yaml").read_text(encoding="utf-8")
    )["customers"]
    countries = {customer["country"] for customer in customers}
    assert sorted(countries - set(builtin().profiles)) == []
