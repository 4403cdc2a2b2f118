"""``crossdesk training list|play`` in-process (the console script's ``main``), no Qt: the
JSON shapes, readable text, Chinese with ``--lang zh_CN``, the workspace's saved scenarios
read but never written, and every mistake one line on stderr with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.storage.store import Store
from app.ui.shell.bootstrap import main
from tests.helpers.builders import NOW, add_agents
from tests.ui.training.conftest import PRACTICE, PRACTICE_ID

GOOD = "Good evening, Mrs Pérez. I am sorry your order is late: it arrives tomorrow."
CLUMSY = "No worries, it's a piece of cake!"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def workspace(store_path: Path) -> Path:
    """A workspace where a trainer saved the practice scenario."""
    store = Store.open(store_path)
    add_agents(store)
    store.training.save_scenario(PRACTICE_ID, PRACTICE.read_text(encoding="utf-8"), None, NOW)
    store.close()
    return store_path


def rows_of(store_path: Path) -> tuple[int, ...]:
    store = Store.open(store_path, create=False)
    try:
        conn = store._link.conn
        tables = ("training_attempts", "training_scenarios", "conversations", "outbox")
        return tuple(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables)
    finally:
        store.close()


def test_list_as_json_in_english_and_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = str(tmp_path / "d")
    code, out, err = run(capsys, "--data-dir", data_dir, "--demo", "training", "list", "--json")
    assert code == 0, err
    rows = json.loads(out)
    by_id = {row["id"]: row for row in rows}
    assert len(by_id) >= 12  # the bundled scenarios
    ramadan = by_id["sa-ramadan-delay"]
    assert (ramadan["country"], ramadan["language"], ramadan["channel"]) == ("SA", "ar", "whatsapp")
    assert ramadan["title"] and ramadan["origin"] == "builtin"
    assert set(ramadan) >= {"id", "title", "country", "language", "channel", "difficulty"}
    assert not (tmp_path / "d" / "workspaces").exists()  # the demo was not created

    # Global options after the command work too; the titles follow --lang.
    code, out, err = run(
        capsys, "training", "list", "--json", "--lang", "zh_CN", "--data-dir", data_dir
    )
    assert code == 0, err
    chinese = {row["id"]: row["title"] for row in json.loads(out)}
    assert chinese["sa-ramadan-delay"] != ramadan["title"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese["sa-ramadan-delay"])

    code, out, err = run(capsys, "--data-dir", data_dir, "training", "list")
    assert code == 0 and "sa-ramadan-delay" in out and ramadan["title"] in out


def test_play_a_saved_scenario_as_json_without_writing(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = rows_of(workspace)
    common = ("--data-dir", str(tmp_path / "d"), "--workspace", str(workspace), "--lang", "en")
    code, out, err = run(
        capsys, *common, "training", "play", PRACTICE_ID, "--reply", GOOD, "--json"
    )
    assert code == 0, err
    good = json.loads(out)
    assert good["scenario"] == PRACTICE_ID and good["trainee_language"] == "en"
    assert good["path"] == ["opening", "thanked"]
    assert good["ending"]["id"] == "thanked" and good["ending"]["outcome"] == "success"
    assert [step["who"] for step in good["transcript"]] == ["customer", "trainee", "customer"]
    assert good["transcript"][0]["translations"]["en"]["kind"] == "human"
    assert {c["key"] for c in good["criteria"]} >= {"empathy", "solution", "speed"}
    assert good["model_answer"] and good["findings"] == []

    code, out, err = run(
        capsys, *common, "training", "play", PRACTICE_ID,
        "--reply", CLUMSY, "--reply", "Chill, it's a piece of cake.", "--wait", "5", "--json",
    )  # fmt: skip
    assert code == 0, err
    clumsy = json.loads(out)
    assert clumsy["path"] == ["opening", "confused", "gave_up"]
    assert {f["excerpt"] for f in clumsy["findings"]} >= {"No worries", "piece of cake"}
    assert clumsy["findings"][0]["reply"] == 1
    assert clumsy["timeline"][1]["response_seconds"] == 5
    assert clumsy["score"] < good["score"] - 20  # a clumsy reply scores clearly lower
    assert rows_of(workspace) == before  # a play from the command line records nothing


def test_play_prints_a_readable_debrief_in_chinese(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "--data-dir", str(tmp_path / "d"), "--workspace", str(workspace),
        "training", "play", PRACTICE_ID, "--reply", "您好，很抱歉，明天送到。", "--lang", "zh_CN",
    )  # fmt: skip
    assert code == 0, err
    assert "Hola, mi pedido MX-1001 no llegó." in out  # the customer, natively
    assert "你好，我的订单 MX-1001 没有到。" in out  # the author's Chinese translation
    assert "您好，很抱歉，明天送到。" in out
    assert "opening → thanked" in out
    assert "Pérez 女士，晚上好。" in out  # the model answer for a Chinese-writing trainee
    assert "{" not in out  # text, not JSON


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("play", "no-such-scenario", "--reply", "Hello"),
            "there is no scenario 'no-such-scenario'",
        ),
        (("play", PRACTICE_ID, "--reply", "   "), "reply 1 is empty"),
        (("play", PRACTICE_ID, "--reply", "x" * 5000), "reply 1 is too long"),
        (("play", PRACTICE_ID), "give at least one --reply"),
        (("play", PRACTICE_ID, "--reply", "Hi", "--wait", "-3"), "--wait must be between"),
        (("play", PRACTICE_ID, "--reply", "Hi", "--wait", "1", "--wait", "2"), "more --wait"),
    ],
)
def test_mistakes_are_one_line_and_exit_code_2(
    workspace: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    message: str,
) -> None:
    code, out, err = run(
        capsys, "--data-dir", str(tmp_path / "d"), "--workspace", str(workspace), "training", *args
    )
    assert code == 2 and out == ""
    assert message in err and err.startswith("crossdesk training play: ")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_missing_workspace_file_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.sqlite3"
    code, out, err = run(
        capsys, "training", "list", "--workspace", str(missing), "--data-dir", str(tmp_path)
    )
    assert code == 2 and out == "" and f"no workspace file at {missing}" in err
