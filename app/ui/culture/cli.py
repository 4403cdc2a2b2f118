"""``crossdesk culture audit`` and ``crossdesk culture card CC``: culture data for reviewers
and trainers, without a window.

``audit`` lists the facts due for a human check: a legal fact, weekend or article not
verified within ``--max-age`` days, or one whose effective date has passed since it was
last verified (the sentence announcing it now reads wrong). Exit code 1 when something
is due, 0 when nothing is. ``card`` writes the one-page culture card of a country (PDF,
or HTML with ``--format html``) in the UI language (``--lang``). A mistake is one line on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from app.config.paths import Paths, resources_dir
from app.ops.culture_audit import REVIEW_AGE_DAYS, audit
from app.ui.report.cli import command_parser

PROG = "crossdesk culture"


class UsageError(Exception):
    """What the user asked that cannot be done: one line on stderr, exit code 2."""


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text[:40]}' is not a date like 2026-12-31") from None


def _age(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 36_500:
        raise argparse.ArgumentTypeError("--max-age is a number of days from 1 to 36500")
    return int(text)


def parser() -> argparse.ArgumentParser:
    root, after, sub = command_parser(
        PROG, "Culture data: what is due for review; one-page country cards."
    )
    check = sub.add_parser(
        "audit",
        help="list facts past their review age or whose effective date has passed",
        description="List the built-in facts due for a human check.",
        parents=[after],
    )
    check.add_argument("--today", type=_day, help="audit as of this date (YYYY-MM-DD)")
    check.add_argument(
        "--max-age", type=_age, default=REVIEW_AGE_DAYS, metavar="DAYS",
        help=f"days after which a verified fact is due again (default {REVIEW_AGE_DAYS})",
    )  # fmt: skip
    check.add_argument("--json", action="store_true", help="print JSON")
    card = sub.add_parser(
        "card",
        help="write a country's one-page culture card (PDF or HTML)",
        description="Write the one-page culture card of a country, for onboarding.",
        parents=[after],
    )
    card.add_argument("country", help="ISO country code, e.g. SA")
    card.add_argument("-o", "--output", type=Path, help="file to write (default: card-CC.pdf)")
    card.add_argument("--format", choices=("pdf", "html"), default="pdf")
    return root


def run_audit(args: argparse.Namespace) -> int:
    today = args.today or dt.date.today()
    base = resources_dir()
    due, problems = audit(base / "etiquette", base / "knowledge" / "articles", today, args.max_age)
    if args.json:
        items = [{"where": d.where, "reason": d.reason, "text": d.text} for d in due]
        print(json.dumps({"today": today.isoformat(), "due": items, "problems": problems}))
    else:
        for item in due:
            print(f"{item.where}\n    {item.reason}\n    {item.text[:200]}")
        for problem in problems:
            print(f"cannot read: {problem}")
        print(f"{len(due)} item(s) due for review as of {today.isoformat()}")
    return 1 if due or problems else 0


def run_card(args: argparse.Namespace, paths: Paths) -> int:
    from app.config.settings import UI_LANGUAGES, load_settings
    from app.ops.culture import load_culture
    from app.ui.culture.card import card_html, card_pdf
    from app.ui.report.transcript_pdf import write_file
    from app.ui.shell.locale import make_i18n

    settings, _warning = load_settings(paths.settings_file)
    language = args.lang or settings.ui_language
    if language not in UI_LANGUAGES:
        raise UsageError(f"--lang must be one of {', '.join(UI_LANGUAGES)}")
    i18n = make_i18n(language)
    data = load_culture(paths)
    code = args.country.strip().upper()
    profile = data.profiles.get(code)
    if profile is None:
        known = ", ".join(sorted(data.profiles.profiles))
        raise UsageError(f"no profile for '{args.country[:20]}'; profiles: {known}")
    page = card_html(i18n, profile, data.weekends.get(code))
    output = args.output or Path(f"card-{code}.{args.format}")
    if args.format == "html":
        content = page.encode("utf-8")
    else:
        from PySide6.QtGui import QGuiApplication

        if QGuiApplication.instance() is None:
            import os

            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
            app = QGuiApplication(sys.argv[:1])  # noqa: F841 - lives while the PDF is drawn
        content = card_pdf(i18n, profile, data.weekends.get(code))
    try:
        write_file(output, content)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from exc
    print(f"{output} ({len(content)} bytes)")
    return 0


def main(argv: list[str]) -> int:
    """Run one culture command; its exit code (2 for a mistake, as argparse does)."""
    args = parser().parse_args(argv)
    paths = Paths.resolve(args.data_dir)
    try:
        if args.command == "audit":
            return run_audit(args)
        return run_card(args, paths)
    except UsageError as exc:
        print(f"{PROG} {args.command}: {exc}", file=sys.stderr)
        return 2
