"""The team lead's KPI figures as plain values (Qt-free), shared by the store, the ops, the
view and the ``report kpis`` command.

Definitions (what a figure counts, so the view, the CSV and the CLI agree):

* The population of a period is the conversations *created* in ``[start, end)``; every
  figure of a row is about those conversations (surveys attach to their conversation).
* First response time: ``first_response_at - created_at`` (conversations answered).
* Resolution time: ``resolved_at - created_at`` (conversations resolved now).
* Medians and p90s are nearest-rank: the value at rank ``ceil(p * n)`` of the sorted
  durations (an actual duration, never an interpolation), as most helpdesks report.
* CSAT: share of answers 4-5 on the 1-5 scale, and the mean. NPS: % promoters (9-10)
  minus % detractors (0-6). CES: mean on the 1-7 scale.
* SLA compliance: of the conversations with a due time, the share first answered at or
  before it; one not answered whose due time has passed counts as a breach, one not
  answered and not yet due is not counted (undecided).
* Reopen rate: share with ``reopen_count > 0``. Volume: conversations created in the
  period. Backlog: open and pending conversations *now* (any creation date) in the group;
  for a period grouping, those created in the bucket that are still open or pending.
* Heat map: customer messages by the customer's local weekday and hour (their time zone's
  offset at the moment of the message, so DST is followed).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_SPAN_DAYS = 3660  # a period of at most ten years: bounded work and bounded buckets
LOW_CONFIDENCE = 0.3  # below it the UI says "low confidence" (app.ui.shell.labels)


class Grouping(StrEnum):
    """What a KPI row is per: a dimension of the conversation or a period bucket."""

    COUNTRY = "country"
    CHANNEL = "channel"
    LANGUAGE = "language"
    AGENT = "agent"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"

    @property
    def is_period(self) -> bool:
        return self in (Grouping.DAY, Grouping.WEEK, Grouping.MONTH)


class KpiError(ValueError):
    """A period or grouping the lead asked for that cannot be computed (said plainly)."""


@dataclass(frozen=True, slots=True)
class KpiPeriod:
    """``[start, end)`` in epoch seconds; ``utc_offset`` (seconds) places day/week/month
    buckets in the lead's own calendar."""

    start: int
    end: int
    utc_offset: int = 0

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise KpiError("the period must end after it starts")
        if self.end - self.start > MAX_SPAN_DAYS * 86400:
            raise KpiError(f"the period is limited to {MAX_SPAN_DAYS} days")
        if abs(self.utc_offset) > 14 * 3600:
            raise KpiError("a UTC offset lies within ±14 hours")


@dataclass(frozen=True, slots=True)
class KpiRow:
    """The figures of one group (durations in seconds; shares in percent; None: no data)."""

    key: str
    volume: int = 0
    backlog: int = 0
    frt_n: int = 0
    frt_median: int | None = None
    frt_p90: int | None = None
    resolution_n: int = 0
    resolution_median: int | None = None
    resolution_p90: int | None = None
    csat_n: int = 0
    csat_pct: float | None = None
    csat_mean: float | None = None
    nps_n: int = 0
    nps: float | None = None
    ces_n: int = 0
    ces_mean: float | None = None
    sla_n: int = 0
    sla_pct: float | None = None
    reopen_pct: float | None = None


# The columns of the table, the CSV and the JSON, in order.
ROW_FIELDS: tuple[str, ...] = tuple(KpiRow.__slots__)


@dataclass(frozen=True, slots=True)
class PairFigures:
    """Translation figures of one language pair (customer's language > agents')."""

    source: str
    target: str
    messages: int
    machine_pct: float | None
    low_confidence_pct: float | None
    mistranslations_per_100: float | None


@dataclass(frozen=True, slots=True)
class KpiReport:
    """The KPI table: a total row and one row per group."""

    period: KpiPeriod
    grouping: Grouping
    total: KpiRow
    rows: tuple[KpiRow, ...]


@dataclass(frozen=True, slots=True)
class KpiDemand:
    """The figures over messages: ``heat[weekday][hour]`` counts customer messages
    (Monday = 0) in the customer's own time; translation figures per language pair."""

    heat: tuple[tuple[int, ...], ...]
    pairs: tuple[PairFigures, ...]


def nearest_rank(p: float, n: int) -> int:
    """The 1-based rank of the ``p`` quantile (0 < p <= 1) among ``n`` sorted values."""
    from math import ceil

    return max(1, ceil(round(p * n, 9)))


def _cell(value: object) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula is quoted with '."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def table_csv(report: KpiReport, total_label: str = "(all)") -> str:
    """The KPI table as CSV (a header row, one row per group, the total last); durations in
    seconds, shares in percent, empty where there is no data."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([report.grouping.value, *ROW_FIELDS[1:]])
    for row in (*report.rows, report.total):
        key = row.key if row is not report.total else total_label
        writer.writerow([_cell(key), *(_cell(getattr(row, f)) for f in ROW_FIELDS[1:])])
    return out.getvalue()


def report_dict(report: KpiReport, demand: KpiDemand | None = None) -> dict[str, object]:
    """The report as plain JSON-able data (the CLI's --format json)."""
    from dataclasses import asdict

    data: dict[str, object] = {
        "period": {"start": report.period.start, "end": report.period.end},
        "by": report.grouping.value,
        "total": asdict(report.total),
        "rows": [asdict(row) for row in report.rows],
    }
    if demand is not None:
        data["heat_map"] = {"weekday_hour": [list(day) for day in demand.heat]}
        data["translation"] = [asdict(pair) for pair in demand.pairs]
    return data
