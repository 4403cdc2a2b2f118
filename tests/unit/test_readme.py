"""The README's two commands are the ones CI and users run: keep them honest."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _commands() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    sections = {}
    for title in ("Run it", "Test it"):
        section = text.split(f"## {title}", 1)[1]
        sections[title] = re.search(r"```sh\n(.+?)\n```", section, re.S).group(1).strip()  # type: ignore[union-attr]
    return sections


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _commands()["Test it"] in ci.splitlines()


def test_both_commands_install_from_the_lock_file_and_start_the_demo() -> None:
    commands = _commands()
    for command in commands.values():
        assert "pip install -c requirements.lock" in command
    assert commands["Run it"].endswith("crossdesk --demo")
    assert (ROOT / "requirements.lock").exists()
