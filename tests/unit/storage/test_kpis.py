"""KPIs on a small hand-built store: exact medians, p90s, NPS/CSAT/CES, SLA, backlog, and the
heat map by the customer's local hour across a DST change."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.kpis import Grouping, KpiError, KpiPeriod, KpiRow
from app.ops import kpis
from app.storage.db import connect
from app.storage.kpis import offset_intervals
from app.storage.store import Store

UTC = dt.UTC


def at(text: str) -> int:
    return int(dt.datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


T0 = at("2027-01-04T00:00")  # a Monday
NOW = at("2027-04-01T00:00")
PERIOD = KpiPeriod(at("2027-01-01T00:00"), NOW)
ZONES = {
    1: ("BR", "pt-BR", "America/Sao_Paulo"),
    2: ("DE", "de", "Europe/Berlin"),
    3: ("IN", "en-IN", "Asia/Kolkata"),
}


class Builder:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.next_id = 0
        self.next_message = 0

    def conversation(
        self,
        customer: int,
        created: int,
        *,
        frt: int | None = None,
        resolved: int | None = None,
        sla: int | None = None,
        status: str = "open",
        assignee: int | None = None,
        channel: str = "email",
        reopened: int = 0,
    ) -> int:
        self.next_id += 1
        country, language, _zone = ZONES[customer]
        self.conn.execute(
            "INSERT INTO conversations (id, uid, customer_id, channel, status, assignee_id,"
            " language, language_primary, country, sla_due_at, last_activity_at, created_at,"
            " updated_at, first_response_at, resolved_at, reopen_count)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.next_id,
                f"k{self.next_id}",
                customer,
                channel,
                "resolved" if resolved is not None else status,
                assignee,
                language,
                language.split("-")[0],
                country,
                None if sla is None else created + sla,
                created,
                created,
                created,
                None if frt is None else created + frt,
                None if resolved is None else created + resolved,
                reopened,
            ),
        )
        return self.next_id

    def message(
        self,
        conversation: int,
        created: int,
        kind: str = "customer",
        provenance: dict[str, object] | None = None,
    ) -> int:
        self.next_message += 1
        self.conn.execute(
            "INSERT INTO messages (id, uid, conversation_id, seq, kind, body, channel,"
            " created_at, provenance) VALUES (?, ?, ?, ?, ?, 'x', 'email', ?, ?)",
            (
                self.next_message,
                f"m{self.next_message}",
                conversation,
                self.next_message,
                kind,
                created,
                json.dumps(provenance) if provenance else None,
            ),
        )
        return self.next_message

    def answer(self, conversation: int, kind: str, score: int) -> None:
        self.conn.execute(
            "INSERT INTO survey_answers (uid, conversation_id, kind, score, answered_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (f"s{conversation}{kind}{score}{self.next_message}", conversation, kind, score, T0),
        )
        self.next_message += 1


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "kpis.sqlite3"
    conn = connect(path)
    conn.execute(
        "INSERT INTO agents (id, uid, name, roles) VALUES (1, 'lead', 'Lena',"
        " '[\"agent\", \"lead\"]'), (2, 'bo', 'Bo', '[\"agent\"]')"
    )
    conn.execute("INSERT INTO meta (key, value) VALUES ('me_agent_uid', 'lead')")
    for cid, (country, language, zone) in ZONES.items():
        conn.execute(
            "INSERT INTO customers (id, uid, name, country, language, timezone,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, 0)",
            (cid, f"c{cid}", f"C{cid}", country, language, zone),
        )
    b = Builder(conn)
    # Brazil: ten conversations answered after 1..10 minutes, by Lena, on WhatsApp.
    br = [
        b.conversation(1, T0 + i * 3600, frt=60 * (i + 1), assignee=1, channel="whatsapp")
        for i in range(10)
    ]
    # Germany: three answered after 100, 200 and 900 s; two resolved after 1 h and 3 h.
    de = [
        b.conversation(2, T0 + 86400, frt=100, resolved=3600, sla=150, assignee=2),
        b.conversation(2, T0 + 86400, frt=200, resolved=10800, sla=150, reopened=1),
        b.conversation(2, T0 + 86400, frt=900, status="pending"),
    ]
    # India: one unanswered and overdue (a breach), one unanswered and not yet due.
    b.conversation(3, T0, sla=3600)
    b.conversation(3, NOW - 60, sla=3600)
    # Outside the period: not counted, but still in the backlog (open now).
    b.conversation(2, at("2026-12-01T00:00"), frt=5)
    for score in (10, 9, 8, 5, 0):
        b.answer(br[0], "nps", score)
    for score in (10, 10, 7):
        b.answer(de[0], "nps", score)
    for score in (5, 4, 3, 1):
        b.answer(br[1], "csat", score)
    b.answer(br[1], "csat", 9)  # out of its scale: not counted
    b.answer(de[1], "ces", 2)
    b.answer(de[1], "ces", 5)
    # Heat map: Berlin on the Saturday before and the Sunday after the March change (+1 -> +2),
    # Sao Paulo late on a Sunday evening (UTC already Monday), Kolkata at +5:30.
    first_german = b.message(de[0], at("2027-03-27T12:30"))
    b.message(de[0], at("2027-03-28T12:30"))
    b.message(br[0], at("2027-01-04T02:00"))
    b.message(br[0], at("2027-01-04T02:10"))
    b.message(10 + 3 + 1, at("2027-01-04T20:00"))  # India's first: Tuesday 01:30
    # Translation: a German reply machine-translated with a low confidence; a Portuguese one
    # from memory; one mistranslation annotation on a German customer message.
    b.message(de[1], T0 + 90000, "agent", {"kind": "mt", "confidence": 0.2})
    b.message(br[2], T0 + 90000, "agent", {"kind": "tm", "confidence": 0.9})
    conn.execute(
        "INSERT INTO annotations (uid, conversation_id, message_id, kind, created_at,"
        " updated_at) VALUES ('a1', ?, ?, 'mistranslation', 0, 0)",
        (de[0], first_german),
    )
    conn.commit()
    conn.close()
    opened = Store.open(path)
    yield opened
    opened.close()


def row(rows: list[KpiRow], key: str) -> KpiRow:
    return next(r for r in rows if r.key == key)


def test_medians_and_p90s_are_nearest_rank(store: Store) -> None:
    report = kpis.dashboard(store, PERIOD, Grouping.COUNTRY, NOW)
    br, de = row(list(report.rows), "BR"), row(list(report.rows), "DE")
    assert (br.frt_n, br.frt_median, br.frt_p90) == (10, 300, 540)
    assert (de.frt_n, de.frt_median, de.frt_p90) == (3, 200, 900)
    assert (de.resolution_n, de.resolution_median, de.resolution_p90) == (2, 3600, 10800)
    # 13 durations: rank 7 and rank ceil(11.7) = 12.
    assert (report.total.frt_n, report.total.frt_median, report.total.frt_p90) == (13, 300, 600)


def test_surveys_sla_reopen_volume_backlog(store: Store) -> None:
    report = kpis.dashboard(store, PERIOD, Grouping.COUNTRY, NOW)
    br, de, india = (row(list(report.rows), k) for k in ("BR", "DE", "IN"))
    assert (br.nps_n, br.nps) == (5, 0.0)  # 2 promoters - 2 detractors
    assert (de.nps_n, de.nps) == (3, 66.7)
    assert (br.csat_n, br.csat_pct, br.csat_mean) == (4, 50.0, 3.25)
    assert (de.ces_n, de.ces_mean) == (2, 3.5)
    assert (de.sla_n, de.sla_pct) == (2, 50.0)  # 100 s in time, 200 s late
    assert (india.sla_n, india.sla_pct) == (1, 0.0)  # overdue counts; not yet due does not
    assert (de.volume, de.reopen_pct) == (3, 33.3)
    assert (de.backlog, br.backlog, india.backlog) == (2, 10, 2)  # + the December one, open
    assert report.total.volume == 15 and report.total.backlog == 14
    assert report.total.nps == pytest.approx(25.0)  # 4 promoters, 2 detractors of 8


def test_grouping_by_agent_channel_and_period(store: Store) -> None:
    by_agent = {r.key: r.volume for r in kpis.dashboard(store, PERIOD, Grouping.AGENT, NOW).rows}
    assert by_agent == {"": 4, "Lena": 10, "Bo": 1}
    by_channel = {r.key: r.volume for r in store.kpis.rows(PERIOD, Grouping.CHANNEL, NOW)[1]}
    assert by_channel == {"email": 5, "whatsapp": 10}
    weeks = {r.key: (r.volume, r.backlog) for r in store.kpis.rows(PERIOD, Grouping.WEEK, NOW)[1]}
    assert weeks == {"2027-01-04": (14, 12), "2027-03-29": (1, 1)}
    months = {r.key for r in store.kpis.rows(PERIOD, Grouping.MONTH, NOW)[1]}
    assert months == {"2027-01", "2027-03"}
    days = store.kpis.rows(PERIOD, Grouping.DAY, NOW)[1]
    assert [(r.key, r.volume) for r in days][:2] == [("2027-01-04", 11), ("2027-01-05", 3)]


def test_heat_map_follows_the_customers_dst(store: Store) -> None:
    heat = kpis.demand(store, PERIOD, "en").heat
    assert heat[5][13] == 1  # Saturday 13:00 in Berlin (UTC+1)
    assert heat[6][14] == 1  # Sunday 14:00 in Berlin (UTC+2 since that night)
    assert heat[6][23] == 2  # Sunday 23:00 and 23:10 in Sao Paulo (UTC-3)
    assert heat[1][1] == 1  # Tuesday 01:30 in Kolkata (UTC+5:30)
    assert sum(map(sum, heat)) == 5
    # A period starting mid-quarter-hour still places a message of its first minutes.
    odd = KpiPeriod(at("2027-01-04T01:59") + 30, at("2027-01-04T02:05"))
    assert kpis.demand(store, odd, "en").heat[6][23] == 1


def test_offset_intervals_find_the_change_to_the_second() -> None:
    change = at("2027-03-28T01:00")  # CET -> CEST
    intervals = list(
        offset_intervals("Europe/Berlin", at("2027-03-20T00:00"), at("2027-04-02T00:00"))
    )
    assert intervals == [
        (at("2027-03-20T00:00"), change, 3600),
        (change, at("2027-04-02T00:00"), 7200),
    ]
    assert list(offset_intervals("Not/AZone", 0, 10)) == [(0, 10, 0)]


def test_translation_pairs(store: Store) -> None:
    pairs = {p.source: p for p in kpis.demand(store, PERIOD, "en-GB").pairs}
    assert set(pairs) == {"de", "pt"}  # en-IN is the agents' language: no pair
    de = pairs["de"]
    assert (de.messages, de.machine_pct, de.low_confidence_pct) == (3, 100.0, 100.0)
    assert de.mistranslations_per_100 == pytest.approx(33.33)
    pt = pairs["pt"]
    assert (pt.messages, pt.machine_pct, pt.low_confidence_pct) == (3, 66.7, 0.0)


def test_roles_and_bad_periods(store: Store) -> None:
    assert kpis.is_lead(store)
    with pytest.raises(KpiError):
        KpiPeriod(10, 10)
    with pytest.raises(KpiError):
        KpiPeriod(0, 4000 * 86400)
    period = kpis.period_of(dt.date(2027, 1, 1), dt.date(2027, 1, 31), dt.UTC)
    assert (period.start, period.end) == (at("2027-01-01T00:00"), at("2027-02-01T00:00"))
