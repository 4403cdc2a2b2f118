"""``crossdesk training list [--json]`` and ``crossdesk training play ID --reply TEXT
[--reply TEXT …] [--wait SECONDS …] [--json]``: practice scenarios for scripts, without a
window and without Qt.

The global options (``--data-dir``, ``--lang``, ``--demo``, ``--workspace``) work as for
the window, before or after ``training``. ``--lang zh_CN`` plays as a trainee writing
Chinese and prints Chinese texts; ``--lang en`` as one writing English. The trainers'
saved scenarios are read from the workspace if it exists; nothing is written to it (a
play from the command line is not an attempt). A user's mistake (an unknown id, an empty
or too long reply) is one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import locale
import os
import sys
from typing import Any

from app.config.paths import Paths, translations_dir
from app.config.settings import UI_LANGUAGES, load_settings
from app.domain.datafiles import DataFileError
from app.domain.review import Rubric
from app.domain.training import MAX_REPLY_CHARS, TrainingError
from app.i18n import I18n, resolve_ui_locale
from app.ui.report.cli import command_parser
from app.ui.shell.labels import localize
from app.ui.training.cli_text import play_text, scenario_rows
from app.ui.training.labels import trainee_language, ui_key

PROG = "crossdesk training"
MAX_REPLIES = 20
MAX_WAIT = 86_400.0
MAX_ID_CHARS = 64


class UsageError(Exception):
    """What the user asked that cannot be done: one line on stderr, exit code 2."""


def parser() -> argparse.ArgumentParser:
    root, after, sub = command_parser(PROG, "Practice scenarios: list them, or play one headless.")
    listing = sub.add_parser(
        "list", help="list the scenarios", description="List the scenarios.", parents=[after]
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    play = sub.add_parser(
        "play",
        help="play a scenario with the given replies and print the debrief",
        description="Play a scenario headless: each --reply is one of your replies, written "
        "in your language (--lang en or zh_CN); each --wait the scenario seconds before it.",
        parents=[after],
    )
    play.add_argument("id", metavar="ID", help="the scenario's id (see 'crossdesk training list')")
    play.add_argument(
        "--reply", action="append", default=[], metavar="TEXT", help="one reply (repeat)"
    )
    play.add_argument(
        "--wait",
        action="append",
        default=[],
        type=float,
        metavar="SECONDS",
        help="scenario seconds before the matching reply (default 30 each)",
    )
    play.add_argument("--json", action="store_true", help="print JSON")
    return root


def _i18n(args: argparse.Namespace, paths: Paths) -> I18n:
    settings, _warning = load_settings(paths.settings_file)
    chosen = args.lang or settings.ui_language
    if chosen not in UI_LANGUAGES:
        raise UsageError(
            f"--lang must be one of {', '.join(u for u in UI_LANGUAGES if u != 'system')}"
        )
    system = locale.getlocale()[0]
    return I18n(resolve_ui_locale(chosen, system), translations_dir(), format_locale=system)


def _saved(args: argparse.Namespace, paths: Paths) -> tuple[list[tuple[str, str]], Rubric]:
    """The trainers' scenarios and the team's rubric from the workspace, if it exists
    (read only: a missing demo workspace is not created)."""
    from app.ops import review, training, workspace_keys
    from app.ops.types import Store, StoreError
    from app.sync.session import WorkspaceKind, choose_workspace

    settings, _warning = load_settings(paths.settings_file)
    choice = choose_workspace(paths, settings, file=args.workspace, demo=args.demo)
    if not choice.path.is_file():
        if choice.kind is WorkspaceKind.FILE:
            raise UsageError(f"no workspace file at {choice.path}")
        return [], review.default_rubric()
    try:
        store = Store.open(choice.path, create=False, key=workspace_keys.script_key(choice.path))
    except workspace_keys.NeedsPassphraseError as exc:
        raise UsageError(workspace_keys.script_hint(choice.path, exc)) from exc
    except (StoreError, OSError) as exc:
        raise UsageError(f"cannot open the workspace: {exc}") from exc
    try:
        return training.saved_scenarios(store), review.rubric(store)
    finally:
        store.close()


def _load(args: argparse.Namespace, paths: Paths) -> tuple[Any, Rubric]:
    from app.ops.training_play import load_training

    saved, rubric = _saved(args, paths)
    data = load_training(paths, saved)
    for error in data.scenarios.errors:
        print(f"{PROG}: skipped {error}", file=sys.stderr)
    return data, rubric


def _replies(args: argparse.Namespace) -> tuple[list[str], list[float]]:
    replies: list[str] = list(args.reply)
    waits: list[float] = list(args.wait)
    if not replies:
        raise UsageError("give at least one --reply TEXT")
    if len(replies) > MAX_REPLIES:
        raise UsageError(f"at most {MAX_REPLIES} replies")
    for number, reply in enumerate(replies, start=1):
        if not reply.strip():
            raise UsageError(f"reply {number} is empty")
        if len(reply) > MAX_REPLY_CHARS:
            raise UsageError(
                f"reply {number} is too long ({len(reply)} characters; the limit is "
                f"{MAX_REPLY_CHARS})"
            )
    if len(waits) > len(replies):
        raise UsageError("more --wait than --reply: give one --wait per reply at most")
    for wait in waits:
        if not 0 <= wait <= MAX_WAIT:  # also refuses nan
            raise UsageError(f"--wait must be between 0 and {int(MAX_WAIT)} seconds")
    return replies, waits


def run_list(args: argparse.Namespace, paths: Paths, i18n: I18n) -> int:
    data, _rubric = _load(args, paths)
    rows = scenario_rows(i18n, data)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for row in rows:
        print(
            f"{row['id']:<28} {row['country']:<3} {row['language']:<6} {row['channel']:<10} "
            f"{'★' * int(row['difficulty']):<3} {row['title']}"
        )
    return 0


def run_play(args: argparse.Namespace, paths: Paths, i18n: I18n) -> int:
    from app.ops.culture import load_culture
    from app.ops.training_play import headless_play

    scenario_id = str(args.id)
    if not scenario_id or len(scenario_id) > MAX_ID_CHARS or not scenario_id.isprintable():
        raise UsageError("the scenario id is not valid (see 'crossdesk training list')")
    replies, waits = _replies(args)
    data, rubric = _load(args, paths)
    if scenario_id not in data.scenarios.scenarios:
        raise UsageError(f"there is no scenario '{scenario_id}' (see 'crossdesk training list')")
    culture = load_culture(paths)
    try:
        report = headless_play(
            data,
            culture,
            scenario_id,
            replies,
            waits,
            trainee_language=trainee_language(i18n),
            ui_language=ui_key(i18n),
            rubric=rubric,
        )
    except (TrainingError, DataFileError) as exc:
        raise UsageError(localize(i18n, exc)) from exc
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(play_text(i18n, report, data.scenarios.scenarios[scenario_id]))
    return 0


def main(argv: list[str]) -> int:
    """Run one training command; its exit code (2 for a mistake, as argparse does)."""
    args = parser().parse_args(argv)
    paths = Paths.resolve(args.data_dir)
    try:
        i18n = _i18n(args, paths)
        if args.command == "list":
            return run_list(args, paths, i18n)
        return run_play(args, paths, i18n)
    except UsageError as exc:
        print(f"{PROG} {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `crossdesk training list | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
