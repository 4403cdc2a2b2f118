"""``crossdesk culture audit``: facts past their review age, and facts whose effective date
has passed since they were last checked, are listed with their file and place."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from app.config.paths import resources_dir
from app.ops.culture_audit import audit
from app.ui.culture.cli import main

BUILTIN = resources_dir() / "etiquette"
ARTICLES = resources_dir() / "knowledge" / "articles"


def test_the_shipped_data_is_due_for_nothing_today() -> None:
    due, problems = audit(BUILTIN, ARTICLES, dt.date(2026, 12, 2))
    assert problems == []
    assert due == []


def test_india_dpdp_rights_are_due_once_they_take_effect() -> None:
    """The profile says the rights apply from 13 May 2027: on that day the sentence is
    stale, and the audit says so (the day before, it does not)."""
    before, _ = audit(BUILTIN, ARTICLES, dt.date(2027, 5, 12))
    after, _ = audit(BUILTIN, ARTICLES, dt.date(2027, 5, 13))
    assert not [d for d in before if "IN.yaml" in d.where]
    listed = [d for d in after if "IN.yaml" in d.where]
    assert listed and all("took effect 2027-05-13" in d.reason for d in listed)


def test_a_year_later_everything_is_due(tmp_path: Path) -> None:
    due, _ = audit(BUILTIN, ARTICLES, dt.date(2028, 1, 1))
    places = {d.where.split(":")[0].rsplit("/", 1)[-1] for d in due}
    assert {"SA.yaml", "weekends.yaml", "returns-eu.md"} <= places


def test_a_fact_never_verified_is_listed(tmp_path: Path) -> None:
    folder = tmp_path / "etiquette"
    shutil.copytree(BUILTIN, folder)
    path = folder / "profiles" / "SA.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    verified: 2026-12-02\n", "", 1), encoding="utf-8")
    due, problems = audit(folder, tmp_path / "no-articles", dt.date(2026, 12, 2))
    assert problems == []
    assert [d.reason for d in due if "SA.yaml" in d.where] == ["never verified"]


def test_the_command_prints_json_and_exits_1_when_something_is_due(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["audit", "--today", "2026-12-02"]) == 0
    assert main(["audit", "--today", "2027-06-01", "--json"]) == 1
    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert report["today"] == "2027-06-01" and report["due"]


def test_a_bad_date_is_one_line_and_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["audit", "--today", "next week"])
    assert stopped.value.code == 2
    assert "is not a date like 2026-12-31" in capsys.readouterr().err


def test_a_card_for_an_unknown_country_names_the_known_ones(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["card", "XX", "--format", "html", "-o", str(tmp_path / "x.html")]) == 2
    assert "no profile for 'XX'; profiles: AE, AR" in capsys.readouterr().err


def test_a_card_in_html_is_written_whole(tmp_path: Path) -> None:
    out = tmp_path / "sa.html"
    assert main(["card", "sa", "--format", "html", "--lang", "zh_CN", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "沙特阿拉伯" in page and "السلام عليكم" in page and "<script" not in page
