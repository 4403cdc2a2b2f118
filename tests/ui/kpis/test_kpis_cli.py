"""``crossdesk report kpis`` on the demo workspace and on a named file, in-process, no Qt."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from app.ui.shell.bootstrap import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_kpis_as_json_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    common = ("--data-dir", str(tmp_path), "report", "kpis", "--demo")
    code, out, err = run(capsys, *common, "--from", "2020-01-01", "--to", "2029-12-31")
    assert code == 0, err
    data = json.loads(out)
    assert data["by"] == "country" and data["period"]["from"] == "2020-01-01"
    assert data["total"]["volume"] == sum(row["volume"] for row in data["rows"]) > 0
    assert len(data["heat_map"]["weekday_hour"]) == 7
    assert all(len(day) == 24 for day in data["heat_map"]["weekday_hour"])
    assert data["translation"] and all(p["target"] for p in data["translation"])

    code, out, err = run(
        capsys,
        *common,
        "--from",
        "2020-01-01",
        "--to",
        "2029-12-31",
        "--by",
        "channel",
        "--format",
        "csv",
    )
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:3] == ["channel", "volume", "backlog"]
    assert rows[-1][0] == "(all)" and int(rows[-1][1]) == data["total"]["volume"]


def test_mistakes_are_one_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = ("--data-dir", str(tmp_path))
    code, out, err = run(
        capsys, *data_dir, "report", "kpis", "--workspace", str(tmp_path / "none.sqlite3")
    )
    assert code == 2 and out == "" and err.startswith("crossdesk report kpis: no workspace file")
    code, _out, err = run(capsys, *data_dir, "report", "kpis", "--demo", "--from", "2027-02-30")
    assert code == 2 and "is not a date like" in err and "Traceback" not in err
    code, _out, err = run(
        capsys, *data_dir, "report", "kpis", "--demo", "--from", "2027-03-01", "--to", "2027-01-01"
    )
    assert code == 2 and "--from is after --to" in err
