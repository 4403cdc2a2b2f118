"""``crossdesk`` command: parse the command line, set up logging, run the Qt app."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import sys
from dataclasses import replace
from pathlib import Path

import app
from app.config.paths import DATA_DIR_ENV, Paths
from app.config.settings import LOG_LEVELS, UI_LANGUAGES, load_settings

# --now must lie in this range (UTC). Not before 1970: the clock counts seconds since
# then and some systems cannot show earlier moments; not after 2100: far beyond any
# training scenario, and well inside what the calendars (holidays, Umm al-Qura) and
# date formatting handle.
NOW_EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
NOW_LATEST = dt.datetime(2100, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
MAX_ID_LENGTH = 200
MIN_SIDE, MAX_SIDE = 320, 8192  # --size: from a phone-sized window to 8K
MAX_DRAFT_LENGTH = 10_000


def _moment(text: str) -> int:
    """``--now``: an ISO date and time (UTC unless it has an offset) as epoch seconds."""
    example = "2027-02-20T10:00 or 2027-02-20T10:00+03:00"
    try:
        moment = dt.datetime.fromisoformat(text.strip()[:64])
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        inside = NOW_EARLIEST <= moment <= NOW_LATEST
    except (ValueError, OverflowError) as exc:
        raise argparse.ArgumentTypeError(
            f"'{text[:64]}' is not a date and time like {example}"
        ) from exc
    if not inside:
        raise argparse.ArgumentTypeError(
            f"'{text[:64]}' is outside the range --now accepts: "
            f"{NOW_EARLIEST:%Y-%m-%d} to {NOW_LATEST:%Y-%m-%d} (e.g. {example})"
        )
    return int(moment.timestamp())


def _conversation_id(text: str) -> str:
    """``--open``: a conversation id as the workspace stores it (short, printable)."""
    if not text or len(text) > MAX_ID_LENGTH or not text.isprintable():
        raise argparse.ArgumentTypeError(
            f"'{text[:40]}' is not a conversation id (like jp-0005: at most "
            f"{MAX_ID_LENGTH} printable characters)"
        )
    return text


def _scenario_id(text: str) -> str:
    """``--scenario``: a practice scenario's id (lower-case letters, digits, hyphens)."""
    if re.fullmatch(r"[a-z0-9][a-z0-9-]{2,63}", text) is None:
        raise argparse.ArgumentTypeError(
            f"'{text[:40]}' is not a scenario id (like sa-ramadan-delay: 3 to 64 lower-case "
            "letters, digits and hyphens)"
        )
    return text


def _window_size(text: str) -> tuple[int, int]:
    """``--size``: WIDTHxHEIGHT in pixels, like 1366x768."""
    width, sep, height = text.strip().lower().partition("x")
    if sep and width.isdigit() and height.isdigit():
        size = int(width), int(height)
        if all(MIN_SIDE <= side <= MAX_SIDE for side in size):
            return size
    raise argparse.ArgumentTypeError(
        f"'{text[:40]}' is not a window size like 1366x768 "
        f"(each side {MIN_SIDE} to {MAX_SIDE} pixels)"
    )


def _draft(text: str) -> str:
    """``--draft``: the text typed into the composer (bounded like a reply)."""
    if len(text) > MAX_DRAFT_LENGTH:
        raise argparse.ArgumentTypeError(f"--draft is limited to {MAX_DRAFT_LENGTH} characters")
    return text


MAX_SEARCH_LENGTH = 500  # the inbox's search box holds as much


def _search(text: str) -> str:
    """``--search``: the text typed into the inbox's search box (bounded like the box)."""
    if len(text) > MAX_SEARCH_LENGTH:
        raise argparse.ArgumentTypeError(f"--search is limited to {MAX_SEARCH_LENGTH} characters")
    return text


VIEWS = ("inbox", "etiquette", "knowledge", "review", "kpis", "training")  # --view
# The window's options that take a value: "--view training" is not the training command.
VALUE_OPTIONS = frozenset(
    {
        "--data-dir",
        "--workspace",
        "--screenshot",
        "--lang",
        "--now",
        "--open",
        "--size",
        "--draft",
        "--search",
        "--view",
        "--scenario",
    }
)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="crossdesk",
        description="CrossDesk: the desktop for cross-border customer service.",
    )
    parser.add_argument(
        "--demo", action="store_true", help="open the built-in demo workspace (no server needed)"
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"where CrossDesk keeps its files (default: the OS convention; also ${DATA_DIR_ENV})",
    )
    parser.add_argument(
        "--workspace",
        metavar="FILE",
        type=Path,
        help="open this workspace file instead of the demo",
    )
    parser.add_argument(
        "--screenshot",
        metavar="FILE.png",
        type=Path,
        help="render the main window to a PNG once the inbox has loaded, then exit",
    )
    parser.add_argument(
        "--lang",
        choices=[c for c in UI_LANGUAGES if c != "system"],
        help="interface language for this run (overrides the setting)",
    )
    parser.add_argument(
        "--now",
        metavar="YYYY-MM-DDTHH:MM",
        type=_moment,
        help="pretend it is this moment (UTC unless an offset is given, e.g. "
        "2027-02-20T10:00+03:00); the clock runs on from there. For training and screenshots",
    )
    parser.add_argument(
        "--open",
        metavar="ID",
        dest="open_conversation",
        type=_conversation_id,
        help="show this conversation at start (its id in the workspace, e.g. jp-0001)",
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        type=_window_size,
        help="open the window at this size in pixels, e.g. 1366x768 (for screenshots)",
    )
    parser.add_argument(
        "--draft",
        metavar="TEXT",
        type=_draft,
        help="with --screenshot: type TEXT into the composer first (its translation "
        "preview and draft check are shown)",
    )
    parser.add_argument(
        "--search",
        metavar="TEXT",
        type=_search,
        help="with --screenshot: search the inbox for TEXT first (matches highlighted)",
    )
    parser.add_argument(
        "--view",
        choices=VIEWS,
        default="inbox",
        help="the view to show: the inbox (default; etiquette or knowledge: with that tab of"
        " the side panel), the review of the --open conversation, the team's KPIs, or the"
        " training window",
    )
    parser.add_argument(
        "--scenario",
        metavar="ID",
        type=_scenario_id,
        help="with --view training: play this practice scenario (e.g. sa-ramadan-delay)",
    )
    parser.add_argument(
        "--debrief",
        nargs="?",
        const="good",
        choices=("good", "clumsy"),
        help="with --view training: show the debrief of the scenario's first good (or clumsy)"
        " rehearsal",
    )
    parser.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        help="how much goes into crossdesk.log for this run (overrides the setting; "
        "debug for a support case)",
    )
    parser.add_argument(
        "--exit-after-first-paint", action="store_true", help=argparse.SUPPRESS
    )  # used by tests/perf to time start-up
    parser.add_argument("--version", action="version", version=f"CrossDesk {app.__version__}")
    return parser.parse_args(argv)


def setup_logging(paths: Paths, level: str) -> None:
    """Log to the rotating crossdesk.log in the OS log folder (stderr if it is not
    writable) with Qt's own messages, a crash trace and the start-up line
    (:mod:`app.config.logs`, :mod:`app.ui.shell.diagnostics`)."""
    from app.ui.shell.diagnostics import start_logging  # Qt: only once --help is past

    start_logging(paths, level)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``crossdesk`` console script."""
    argv = sys.argv[1:] if argv is None else argv
    from app.ui.report.cli import main as report_main
    from app.ui.report.cli import split_report

    report_args = split_report(argv)
    if report_args is not None:  # crossdesk [options] report COMMAND ...
        return report_main(report_args)
    training_args = split_report(argv, "training", VALUE_OPTIONS)
    if training_args is not None:  # crossdesk [options] training list|play ...
        from app.ui.training.cli import main as training_main

        return training_main(training_args)
    culture_args = split_report(argv, "culture", VALUE_OPTIONS)
    if culture_args is not None:  # crossdesk [options] culture audit|card ...
        from app.ui.culture.cli import main as culture_main

        return culture_main(culture_args)
    packs_args = split_report(argv, "packs", VALUE_OPTIONS)
    if packs_args is not None:  # crossdesk [options] packs install FILE...|list
        from app.ui.translation.packs_cli import main as packs_main

        return packs_main(packs_args)
    privacy_args = split_report(argv, "privacy", VALUE_OPTIONS)
    if privacy_args is not None:  # crossdesk [options] privacy export|erase CUSTOMER_ID ...
        from app.ui.privacy.cli import main as privacy_main

        return privacy_main(privacy_args)
    args = parse_args(argv)
    if args.screenshot is not None or args.exit_after_first_paint:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    paths = Paths.resolve(args.data_dir)
    settings, warning = load_settings(paths.settings_file)
    setup_logging(paths, args.log_level or settings.log_level)
    if warning:
        logging.getLogger(__name__).warning("settings ignored: %s", warning)

    # Qt is imported only now, so `crossdesk --help` answers instantly.
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from app.ui.shell.application import CrossDeskApp, LaunchOptions
    from app.ui.shell.errors import ErrorReporter
    from app.ui.shell.icons import icon
    from app.ui.shell.style import apply_appearance

    qt_app = QApplication(sys.argv[:1])
    qt_app.setApplicationName("CrossDesk")
    qt_app.setDesktopFileName("io.crossdesk.CrossDesk")  # Wayland: the .desktop entry, its icon
    qt_app.setOrganizationName("CrossDesk")
    qt_app.setApplicationVersion(app.__version__)
    qt_app.setWindowIcon(icon("crossdesk") or QIcon())
    apply_appearance(qt_app, settings.appearance)
    options = LaunchOptions(
        demo=args.demo,
        screenshot=args.screenshot,
        ui_language=args.lang,
        exit_after_first_paint=args.exit_after_first_paint,
        workspace=args.workspace.absolute() if args.workspace else None,
        now=args.now,
        open_conversation=args.open_conversation,
        size=args.size,
        draft=args.draft,
        search=args.search,
        view=args.view,
        scenario=args.scenario,
        debrief=args.debrief,
        settings_warning=warning,
    )
    from app.ui.firstrun import flow

    interactive = not options.headless and options.workspace is None and options.now is None
    if flow.wanted(paths, settings, interactive=interactive):
        settings, choices = flow.ask(qt_app, paths, settings, args.lang)
        options = replace(options, first_run=choices)
    crossdesk = CrossDeskApp(qt_app, paths, settings, options)

    def excepthook(kind: type[BaseException], error: BaseException, tb: object) -> None:
        # No traceback reaches the user: it goes to the log, they get a dialog.
        reporter: ErrorReporter = crossdesk.reporter
        reporter.report(error)

    sys.excepthook = excepthook
    crossdesk.start()
    code = qt_app.exec()
    return crossdesk.exit_code or code


if __name__ == "__main__":
    raise SystemExit(main())
