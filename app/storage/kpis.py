"""The team lead's KPIs, computed in SQL over the local store (definitions: app.domain.kpis).

Counts, SLA, reopen and survey figures are SQL aggregates per group. SQLite has no
percentile, and window functions (``row_number() OVER (PARTITION BY ...)``) measured 3-5x
slower at 100,000 conversations than handing each group's durations over in the same
aggregate pass (``group_concat``), split and sorted in C and ranked in Python; the total
row is folded from the groups (no second pass).
The heat map places each customer message in its customer's local time through a small
temp table of UTC offset intervals per time zone (DST followed), so the count per
(weekday, hour) is one aggregate query, not a loop over messages.

Indexes these queries want (proposed for the schema; tests/perf/bench_kpis.py adds them):
``conversations (created_at, status, country, channel, language_primary, assignee_id,
first_response_at, resolved_at, reopen_count, sla_due_at, customer_id)`` and
``messages (created_at, kind, conversation_id)``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from itertools import chain
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.domain.kpis import (
    LOW_CONFIDENCE,
    Grouping,
    KpiPeriod,
    KpiRow,
    PairFigures,
    nearest_rank,
)
from app.storage.link import Link

# The group key of a conversation ``c`` per grouping (``:off`` = the lead's UTC offset).
_KEYS: dict[Grouping, str] = {
    Grouping.COUNTRY: "c.country",
    Grouping.CHANNEL: "c.channel",
    Grouping.LANGUAGE: "c.language_primary",
    Grouping.AGENT: "coalesce(c.assignee_id, 0)",  # named after the grouping (no join)
    Grouping.DAY: "date(c.created_at + :off, 'unixepoch')",
    Grouping.WEEK: "date(c.created_at + :off, 'unixepoch', '-6 days', 'weekday 1')",
    Grouping.MONTH: "strftime('%Y-%m', c.created_at + :off, 'unixepoch')",
}
_IN_PERIOD = "c.created_at >= :start AND c.created_at < :end"
_MAX_ZONES = 1000  # distinct customer time zones placed in the heat map (IANA has ~600)


def _source(grouping: Grouping) -> str:
    """The conversations ``c`` a KPI query reads."""
    return "conversations c"


def _pct(part: float | None, whole: float) -> float | None:
    return None if not whole else round(100.0 * (part or 0) / whole, 1)


def _sorted_ints(joined: str | None) -> list[int]:
    """group_concat's comma-joined integers, sorted (none: an empty list)."""
    return sorted(map(int, joined.split(","))) if joined else []


def _rank(values: list[int], p: float) -> int | None:
    """The nearest-rank ``p`` quantile of sorted ``values`` (None when empty)."""
    return values[nearest_rank(p, len(values)) - 1] if values else None


def _row(
    key: str,
    counts: list[int],
    durations: tuple[list[int], list[int]] | None,
    surveys: dict[str, list[float]],
) -> KpiRow:
    """A row from the per-group counts, sorted durations and survey sums."""
    volume, reopened, sla_n, sla_ok, backlog = counts
    frt, resolution = durations or ([], [])
    csat = surveys.get("csat", [0, 0, 0, 0])
    nps = surveys.get("nps", [0, 0, 0, 0])
    ces = surveys.get("ces", [0, 0, 0, 0])
    return KpiRow(
        key=key,
        volume=volume,
        backlog=backlog,
        frt_n=len(frt),
        frt_median=_rank(frt, 0.5),
        frt_p90=_rank(frt, 0.9),
        resolution_n=len(resolution),
        resolution_median=_rank(resolution, 0.5),
        resolution_p90=_rank(resolution, 0.9),
        csat_n=int(csat[0]),
        csat_pct=_pct(csat[1], csat[0]),
        csat_mean=round(csat[3] / csat[0], 2) if csat[0] else None,
        nps_n=int(nps[0]),
        nps=round(100.0 * (nps[1] - nps[2]) / nps[0], 1) if nps[0] else None,
        ces_n=int(ces[0]),
        ces_mean=round(ces[3] / ces[0], 2) if ces[0] else None,
        sla_n=sla_n,
        sla_pct=_pct(sla_ok, sla_n),
        reopen_pct=_pct(reopened, volume),
    )


class KpiRepository:
    """Read-only KPI queries (store lane); the heat map's temp table is private to them."""

    def __init__(self, link: Link) -> None:
        self._conn = link.conn

    def rows(self, period: KpiPeriod, grouping: Grouping, now: int) -> tuple[KpiRow, list[KpiRow]]:
        """The total row and one row per group, in two passes over the conversations' KPI
        index: counts, backlog and durations; survey answers."""
        key = _KEYS[grouping]
        source = _source(grouping)
        params: dict[str, Any] = {
            "start": period.start,
            "end": period.end,
            "off": period.utc_offset,
            "now": now,
        }
        # Backlog: open and pending now; per period bucket, those created in it.
        backlog = "c.status IN ('open', 'pending')"
        if grouping.is_period:
            backlog += f" AND {_IN_PERIOD}"
            where = f"WHERE {_IN_PERIOD}"
        else:
            where = ""
        counts: dict[str, list[int]] = {}
        durations: dict[str, tuple[list[int], list[int]]] = {}
        # One pass: the counts, and the durations as text per group (group_concat skips
        # NULL), split and sorted in C rather than a Python step per conversation.
        for k, *figures, frt, resolution in self._conn.execute(
            f"SELECT {key}, sum({_IN_PERIOD}),"
            f" sum({_IN_PERIOD} AND c.reopen_count > 0),"
            f" sum({_IN_PERIOD} AND c.sla_due_at IS NOT NULL"
            "  AND (c.first_response_at IS NOT NULL OR c.sla_due_at < :now)),"
            f" sum({_IN_PERIOD} AND c.first_response_at <= c.sla_due_at), sum({backlog}),"
            f" group_concat(CASE WHEN {_IN_PERIOD} THEN c.first_response_at - c.created_at END),"
            f" group_concat(CASE WHEN {_IN_PERIOD} AND c.status = 'resolved'"
            "  THEN c.resolved_at - c.created_at END)"
            f" FROM {source} {where} GROUP BY 1",
            params,
        ):
            counts[k] = [value or 0 for value in figures]
            if frt or resolution:
                durations[k] = (_sorted_ints(frt), _sorted_ints(resolution))
        surveys = self._surveys(key, source, params)
        names = self._agent_names() if grouping is Grouping.AGENT else {}
        rows = [
            _row(names.get(k, k), counts.get(k, [0] * 5), durations.get(k), surveys.get(k, {}))
            for k in set(counts) | set(durations) | set(surveys)
        ]
        rows = sorted((row for row in rows if row.volume or row.backlog), key=lambda r: r.key)
        total_counts = [sum(c[i] for c in counts.values()) for i in range(5)]
        frt = sorted(chain.from_iterable(d[0] for d in durations.values()))
        resolution = sorted(chain.from_iterable(d[1] for d in durations.values()))
        total_surveys: dict[str, list[float]] = {}
        for per_kind in surveys.values():
            for kind, figures in per_kind.items():
                into = total_surveys.setdefault(kind, [0, 0, 0, 0])
                for i, value in enumerate(figures):
                    into[i] += value
        return _row("", total_counts, (frt, resolution), total_surveys), rows

    def _agent_names(self) -> dict[object, str]:
        """Agent id -> name ('' for unassigned, id 0), for the per-agent rows."""
        names: dict[object, str] = {0: ""}
        for agent_id, name in self._conn.execute("SELECT id, name FROM agents"):
            names[agent_id] = str(name)
        return names

    def _surveys(
        self, key: str, source: str, params: dict[str, Any]
    ) -> dict[str, dict[str, list[float]]]:
        """Per group and survey kind: [answers, high, low, sum of scores] of the answers
        given on the period's conversations (high: CSAT 4-5 / CES ignored / NPS 9-10; low:
        NPS 0-6). A score outside its scale (a damaged row) is not counted."""
        found: dict[str, dict[str, list[float]]] = {}
        for k, kind, n, high, low, total in self._conn.execute(
            f"SELECT {key}, s.kind, count(*),"
            " sum(CASE s.kind WHEN 'nps' THEN s.score >= 9 ELSE s.score >= 4 END),"
            " sum(s.kind = 'nps' AND s.score <= 6), sum(s.score)"
            f" FROM {source} JOIN survey_answers s ON s.conversation_id = c.id"
            f" WHERE {_IN_PERIOD} AND ((s.kind = 'csat' AND s.score BETWEEN 1 AND 5)"
            "  OR (s.kind = 'nps' AND s.score BETWEEN 0 AND 10)"
            "  OR (s.kind = 'ces' AND s.score BETWEEN 1 AND 7))"
            " GROUP BY 1, 2",
            params,
        ):
            found.setdefault(k, {})[kind] = [n, high or 0, low or 0, total or 0]
        return found

    def my_roles(self) -> list[str]:
        """The signed-in agent's roles (agents.roles JSON); ['agent'] when unknown."""
        row = self._conn.execute(
            "SELECT a.roles FROM agents a JOIN meta m ON m.key = 'me_agent_uid' AND a.uid = m.value"
        ).fetchone()
        try:
            roles = json.loads(row[0]) if row else None
        except (TypeError, ValueError):
            roles = None
        if not isinstance(roles, list):
            return ["agent"]
        return [str(role)[:32] for role in roles[:16]]

    # ------------------------------------------------------------------ heat map
    def heat(self, period: KpiPeriod) -> list[list[int]]:
        """Customer messages of the period by the customer's local weekday (Monday = 0)
        and hour: ``heat[weekday][hour]``."""
        zones = [
            zone
            for (zone,) in self._conn.execute(
                "SELECT DISTINCT timezone FROM customers LIMIT ?", (_MAX_ZONES,)
            )
        ]
        self._conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS kpi_offsets"
            " (zone TEXT NOT NULL, start INTEGER NOT NULL, stop INTEGER NOT NULL,"
            " off INTEGER NOT NULL)"
        )
        self._conn.execute(
            "CREATE INDEX IF NOT EXISTS temp.kpi_offsets_by_zone ON kpi_offsets (zone, start)"
        )
        self._conn.execute("DELETE FROM temp.kpi_offsets")
        self._conn.executemany(
            "INSERT INTO temp.kpi_offsets VALUES (?, ?, ?, ?)",
            [
                (zone, *interval)
                for zone in zones
                for interval in offset_intervals(zone, period.start - 900, period.end + 900)
            ],
        )
        grid = [[0] * 24 for _ in range(7)]
        # Whole quarter hours from the demand table (kept by triggers as messages arrive);
        # the partial quarter hours at the period's two ends from the messages themselves.
        first, last = -(-period.start // 900), period.end // 900  # whole quarters [first, last)
        edges = [(period.start, min(first * 900, period.end))]
        if last >= first:
            edges.append((max(last * 900, period.start), period.end))
        else:
            edges = [(period.start, period.end)]
        to_local = (
            "SELECT ((q.t + o.off) / 86400 + 3) % 7, ((q.t + o.off) % 86400) / 3600, sum(q.n)"
            " FROM ({rows}) q JOIN temp.kpi_offsets o INDEXED BY kpi_offsets_by_zone"
            " ON o.zone = q.zone AND q.t >= o.start AND q.t < o.stop GROUP BY 1, 2"
        )
        parts = [
            (
                "SELECT quarter * 900 AS t, timezone AS zone, messages AS n FROM demand_quarters"
                " WHERE quarter >= ? AND quarter < ?",
                (first, max(first, last)),
            )
        ]
        parts += [
            (
                "SELECT m.created_at / 900 * 900 AS t, cu.timezone AS zone, count(*) AS n"
                " FROM messages m INDEXED BY messages_by_time"
                " JOIN conversations c ON c.id = m.conversation_id"
                " JOIN customers cu ON cu.id = c.customer_id"
                " WHERE m.created_at >= ? AND m.created_at < ? AND m.kind = 'customer'"
                " GROUP BY 1, 2",
                (start, end),
            )
            for start, end in edges
            if end > start
        ]
        for rows, params in parts:
            for weekday, hour, count in self._conn.execute(to_local.format(rows=rows), params):
                grid[weekday][hour] += count
        return grid

    # ------------------------------------------------------------------ translation
    def pairs(self, period: KpiPeriod, agent_language: str) -> list[PairFigures]:
        """Per customer language (other than the agents'): the customer and agent messages
        of the period's conversations, the share machine-translated (a customer message in
        another language is always read through the offline MT; an agent reply when its
        provenance says 'mt'), the share with a low confidence (of those with a recorded
        confidence) and mistranslation annotations per 100 messages."""
        params = {
            "start": period.start,
            "end": period.end,
            "agent": agent_language,
            "low": LOW_CONFIDENCE,
        }
        wrong: dict[str, int] = dict(
            self._conn.execute(
                "SELECT c.language_primary, count(*) FROM annotations n"
                " JOIN messages m ON m.id = n.message_id"
                " JOIN conversations c ON c.id = m.conversation_id"
                f" WHERE n.kind = 'mistranslation' AND {_IN_PERIOD}"
                "  AND c.language_primary <> :agent AND m.kind IN ('customer', 'agent')"
                " GROUP BY 1",
                params,
            ).fetchall()
        )
        found = []
        for source, n, machine, rated, low in self._conn.execute(
            # Counters kept per conversation by triggers as messages come and change.
            "SELECT c.language_primary, sum(c.kpi_messages), sum(c.kpi_machine),"
            " sum(c.kpi_rated), sum(c.kpi_low) FROM conversations c"
            f" WHERE {_IN_PERIOD} AND c.language_primary <> :agent AND c.kpi_messages > 0"
            " GROUP BY 1 ORDER BY 2 DESC, 1",
            params,
        ):
            found.append(
                PairFigures(
                    source=source,
                    target=agent_language,
                    messages=n,
                    machine_pct=_pct(machine, n),
                    low_confidence_pct=_pct(low, rated or 0),
                    mistranslations_per_100=round(100.0 * wrong.get(source, 0) / n, 2),
                )
            )
        return found


def offset_intervals(zone: str, start: int, end: int) -> Iterable[tuple[int, int, int]]:
    """``(start, stop, utc_offset)`` intervals of ``zone`` covering ``[start, end)``: the
    offset is sampled daily and each change found to the second by bisection. An unknown
    zone is taken as UTC."""
    try:
        tz: dt.tzinfo = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = dt.UTC

    def offset(moment: int) -> int:
        delta = dt.datetime.fromtimestamp(moment, tz).utcoffset()
        return int(delta.total_seconds()) if delta else 0

    begin, current = start, offset(start)
    probe = start
    while probe < end:
        step = min(probe + 86400, end)
        after = offset(step) if step < end else current
        if after != current:
            low, high = probe, step  # offset(low) == current, offset(high) != current
            while high - low > 1:
                middle = (low + high) // 2
                if offset(middle) == current:
                    low = middle
                else:
                    high = middle
            yield begin, high, current
            begin, current = high, after
        probe = step
    yield begin, end, current
