"""``crossdesk report kpis [--from DATE] [--to DATE] [--by …] --format json|csv``.

No window and no Qt: opens the workspace the window would open (as the transcript command
does), computes the KPIs on this thread and prints them. Dates are days in this computer's
time zone, both included. A user's mistake is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time

from app.config.paths import Paths
from app.config.settings import load_settings
from app.domain.kpis import Grouping, KpiError, report_dict, table_csv
from app.ops import kpis
from app.ui.report.transcript_cli import open_workspace

PROG = "crossdesk report kpis"
HELP = "print the team's KPIs (FRT, resolution, CSAT, NPS, CES, SLA, reopen, volume, backlog)"
DEFAULT_DAYS = 30


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="first", metavar="DATE", help="first day, 2027-01-31")
    parser.add_argument("--to", dest="last", metavar="DATE", help="last day (included)")
    parser.add_argument(
        "--by",
        choices=[g.value for g in Grouping],
        default=Grouping.COUNTRY.value,
        help="one row per country, channel, language, agent, day, week or month",
    )
    parser.add_argument("--format", dest="fmt", choices=("json", "csv"), default="json")


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def _day(text: str | None, default: dt.date) -> dt.date:
    if text is None:
        return default
    try:
        return dt.date.fromisoformat(text.strip()[:32])
    except ValueError:
        raise KpiError(f"'{text[:32]}' is not a date like 2027-01-31") from None


def run(args: argparse.Namespace) -> int:
    """Print the KPI table (and, in JSON, the heat map and translation figures)."""
    today = dt.date.today()
    try:
        last = _day(args.last, today)
        first = _day(args.first, last - dt.timedelta(days=DEFAULT_DAYS - 1))
        if first > last:
            raise KpiError("--from is after --to")
        period = kpis.period_of(first, last)
    except (KpiError, OverflowError) as exc:
        return _fail(str(exc))
    paths = Paths.resolve(args.data_dir)
    settings, _warning = load_settings(paths.settings_file)
    now = int(time.time())
    store = open_workspace(args, paths, now)
    if isinstance(store, str):
        return _fail(store)
    try:
        report = kpis.dashboard(store, period, Grouping(args.by), now)
        if args.fmt == "csv":
            sys.stdout.write(table_csv(report))
            return 0
        agent_language = settings.agent_language
        if agent_language in ("", "auto"):
            agent_language = "en"
        demand = kpis.demand(store, period, agent_language)
    finally:
        store.close()
    data = report_dict(report, demand)
    data["period"] = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "start": period.start,
        "end": period.end,
    }
    print(json.dumps(data, ensure_ascii=False, indent=1))
    return 0
