"""``crossdesk report …``: the team lead's figures and transcripts for scripts, without a
window. The global options (``--data-dir``, ``--lang``, ``--demo``, ``--workspace``) work
as they do for the window, before or after ``report``."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

REPORT = "report"

# Each command: (help, add its own arguments, run it -> exit code). Filled in by the
# commands' own modules (kpis, transcript) so this file stays the one place that parses.
Runner = Callable[[argparse.Namespace], int]


def split_report(
    argv: list[str], word: str = REPORT, values: Collection[str] = ()
) -> list[str] | None:
    """The arguments of ``crossdesk [global options] report …`` without the word
    ``report`` (global options kept), or None when this is not a report command.
    ``word``: another command word (``training``); ``values``: options whose next token
    is their value (``--view training`` is the window's view, not the command)."""
    for index, token in enumerate(argv):
        if token == word and (index == 0 or argv[index - 1] not in values):
            return argv[:index] + argv[index + 1 :]
        if not token.startswith("-") and (index == 0 or not argv[index - 1].startswith("--")):
            return None  # a positional argument before "report": not ours
    return None


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """The options shared with the window."""
    parser.add_argument("--demo", action="store_true", help="use the built-in demo workspace")
    parser.add_argument("--workspace", metavar="FILE", type=Path, help="use this workspace file")
    parser.add_argument("--data-dir", metavar="DIR", help="where CrossDesk keeps its files")
    parser.add_argument("--lang", metavar="LANG", help="language of the report (e.g. zh_CN)")


def command_parser(
    prog: str, description: str
) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser, Any]:
    """A command-line tool's parser with the global options before and after the command:
    (the root parser, the parent to give each command, the commands' subparsers)."""
    root = argparse.ArgumentParser(prog=prog, description=description)
    add_global_options(root)
    # The same options after the command (``report transcript ID --demo``); absent there,
    # they leave what was given before the command alone.
    after = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    add_global_options(after)
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    return root, after, sub


def parser() -> argparse.ArgumentParser:
    """The report commands' parser (global options shared with the window)."""
    from app.ui.report import commands

    root, after, sub = command_parser("crossdesk report", "Figures and transcripts for team leads.")
    for name, (help_text, add_arguments, run) in commands.COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text, parents=[after])
        add_arguments(command)
        command.set_defaults(run=run)
    return root


def main(argv: list[str]) -> int:
    """Run one report command; its exit code (2 for bad arguments, as argparse does)."""
    args = parser().parse_args(argv)
    run: Runner = args.run
    return run(args)
