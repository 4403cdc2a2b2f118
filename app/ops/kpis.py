"""The team lead's KPI dashboard: the table (one store-lane call over the conversations)
and the demand figures (a second one over the messages, heavier, so the table shows first).

Read-only: nothing changes, so these return figures rather than ``Changes``."""

from __future__ import annotations

import datetime as dt

from app.domain.kpis import Grouping, KpiDemand, KpiPeriod, KpiReport
from app.domain.lang import primary_language
from app.ops.types import Store

LEAD_ROLES = frozenset({"lead", "admin"})


def is_lead(store: Store) -> bool:
    """Whether the signed-in agent may see the team's KPIs (a lead or an admin)."""
    return bool(LEAD_ROLES.intersection(store.kpis.my_roles()))


def dashboard(store: Store, period: KpiPeriod, grouping: Grouping, now: int) -> KpiReport:
    """The KPI table for ``period`` grouped by ``grouping``, with its total row."""
    total, rows = store.kpis.rows(period, grouping, now)
    return KpiReport(period=period, grouping=grouping, total=total, rows=tuple(rows))


def demand(store: Store, period: KpiPeriod, agent_language: str) -> KpiDemand:
    """The heat map and the translation figures (over messages: heavier, loaded apart)."""
    heat = tuple(tuple(day) for day in store.kpis.heat(period))
    pairs = tuple(store.kpis.pairs(period, primary_language(agent_language)))
    return KpiDemand(heat=heat, pairs=pairs)


def period_of(first_day: dt.date, last_day: dt.date, zone: dt.tzinfo | None = None) -> KpiPeriod:
    """The period from the start of ``first_day`` to the end of ``last_day`` (inclusive)
    in ``zone`` (the lead's local zone by default); KpiError when it is empty or too long."""
    tz = zone or dt.datetime.now().astimezone().tzinfo or dt.UTC
    start = dt.datetime.combine(first_day, dt.time(), tz)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tz)
    offset = end.utcoffset() or dt.timedelta()
    return KpiPeriod(int(start.timestamp()), int(end.timestamp()), int(offset.total_seconds()))
