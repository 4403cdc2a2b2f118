"""Data-subject requests on a real demo store: the law and deadline of the customer's
country, the queue's countdown, reminders, extension, fulfilment and cancellation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.config.paths import Paths, resources_dir
from app.domain.data_requests import DataRequestError, RequestKind, RequestStatus
from app.ops import privacy
from app.ops.culture import CultureData, load_culture
from app.ops.demo import load_demo_into
from app.storage.store import Store
from tests.helpers.builders import NOW

DAY = 86_400


@pytest.fixture(scope="module")
def culture(tmp_path_factory: pytest.TempPathFactory) -> CultureData:
    return load_culture(Paths.resolve(str(tmp_path_factory.mktemp("culture"))))


@pytest.fixture
def demo(repo: Store) -> Store:
    load_demo_into(repo, resources_dir() / "demo", NOW)
    return repo


def customer(store: Store, uid: str) -> int:
    found = privacy.customer_by_uid(store, uid)
    assert found is not None, uid
    return found


def local(moment: int, zone: str) -> str:
    return dt.datetime.fromtimestamp(moment, ZoneInfo(zone)).isoformat()


def test_a_german_customer_gets_gdpr_and_one_month_extendable_by_two(
    demo: Store, culture: CultureData
) -> None:
    klaus = customer(demo, "de-klaus-becker")
    preview = privacy.preview_deadline(demo, culture, klaus, NOW)
    assert preview.law is not None and "GDPR" in preview.law
    assert preview.summary == "1 month; extendable by 2 months"
    assert preview.source_url and preview.source_url.startswith("https://eur-lex.europa.eu/")
    opened = privacy.open_request(demo, culture, klaus, "access", NOW, "asked by e-mail")
    row = opened.row
    assert opened.changes.data_requests and row.status is RequestStatus.OPEN
    assert row.kind is RequestKind.ACCESS and row.country == "DE" and row.statutory
    # NOW is 23 November 2026 03:13 in Berlin: due at the end of 23 December there
    assert local(row.due_at, "Europe/Berlin") == "2026-12-23T23:59:59+01:00"
    assert row.due_at == preview.due_at and row.can_extend and not row.overdue
    assert row.customer_name == "Dr. Klaus Becker" and row.customer_uid == "de-klaus-becker"
    changes = privacy.extend(demo, opened.uid, NOW + DAY, culture)
    assert changes.data_requests
    extended = privacy.get_request(demo, opened.uid, NOW + DAY)
    assert extended is not None and extended.extended and not extended.can_extend
    assert local(extended.due_at, "Europe/Berlin") == "2027-02-23T23:59:59+01:00"
    assert extended.original_due_at == row.due_at and extended.due_at == preview.extended_due_at
    with pytest.raises(DataRequestError, match="already extended"):
        privacy.extend(demo, opened.uid, NOW + 2 * DAY, culture)


def test_brazil_gives_15_days_and_no_extension(demo: Store, culture: CultureData) -> None:
    ana = customer(demo, "br-ana-souza")
    opened = privacy.open_request(demo, culture, ana, RequestKind.EXPORT, NOW)
    assert "LGPD" in opened.row.law and not opened.row.can_extend
    # 22 November 2026 23:13 in São Paulo when received: due 7 December
    assert local(opened.row.due_at, "America/Sao_Paulo") == "2026-12-07T23:59:59-03:00"
    with pytest.raises(DataRequestError, match="allows no extension"):
        privacy.extend(demo, opened.uid, NOW, culture)


def test_a_law_without_a_fixed_period_gets_the_team_default_and_says_so(
    demo: Store, culture: CultureData
) -> None:
    keiko = customer(demo, "jp-tanaka-keiko")  # Japan's APPI: "without delay"
    preview = privacy.preview_deadline(demo, culture, keiko, NOW)
    assert preview.summary == "no statutory period; team default 30 days"
    assert not preview.rule.statutory and preview.note and "APPI" in preview.note
    row = privacy.open_request(demo, culture, keiko, "erase", NOW).row
    assert not row.statutory and row.seconds_left > 29 * DAY and row.seconds_left <= 31 * DAY


def test_the_law_is_shown_in_the_ui_language(demo: Store, culture: CultureData) -> None:
    klaus = customer(demo, "de-klaus-becker")
    uid = privacy.open_request(demo, culture, klaus, "access", NOW).uid
    row = privacy.get_request(demo, uid, NOW, "zh_CN")
    assert row is not None and "通用数据保护条例" in row.law
    assert privacy.preview_deadline(demo, culture, klaus, NOW, "zh_CN").law == row.law


def test_the_queue_counts_down_and_reminds(demo: Store, culture: CultureData) -> None:
    br = privacy.open_request(demo, culture, customer(demo, "br-ana-souza"), "access", NOW)
    de = privacy.open_request(demo, culture, customer(demo, "de-klaus-becker"), "erase", NOW)
    us = privacy.open_request(demo, culture, customer(demo, "us-brandon-cole"), "export", NOW)
    rows = privacy.list_requests(demo, NOW)
    assert [r.uid for r in rows] == [br.uid, de.uid, us.uid]  # by deadline: 15 d, 1 month, 45 d
    later = NOW + 20 * DAY  # Brazil's 15 days are over
    overdue = privacy.list_requests(demo, later)[0]
    assert overdue.uid == br.uid and overdue.overdue and overdue.seconds_left < -4 * DAY
    soon = privacy.due_soon(demo, later, 3 * DAY)
    assert [r.uid for r in soon] == [br.uid]  # overdue: reminded; Germany is 10 days away
    assert [r.uid for r in privacy.due_soon(demo, NOW + 28 * DAY, 3 * DAY)] == [br.uid, de.uid]
    privacy.mark_fulfilled(demo, br.uid, later)
    privacy.cancel(demo, us.uid, later)
    rows = privacy.list_requests(demo, later)
    assert rows[0].uid == de.uid  # open first
    closed = {r.uid: r for r in rows[1:]}
    assert closed[br.uid].status is RequestStatus.FULFILLED and not closed[br.uid].overdue
    assert closed[br.uid].fulfilled_at == later
    assert closed[us.uid].status is RequestStatus.CANCELLED
    assert [r.uid for r in privacy.list_requests(demo, later, include_closed=False)] == [de.uid]
    assert privacy.due_soon(demo, NOW + 60 * DAY, DAY)[0].uid == de.uid
    with pytest.raises(DataRequestError, match="already closed"):
        privacy.mark_fulfilled(demo, br.uid, later)
    with pytest.raises(DataRequestError, match="already closed"):
        privacy.cancel(demo, us.uid, later)


def test_the_customers_requests_include_every_merged_handle(
    demo: Store, culture: CultureData
) -> None:
    ana = customer(demo, "br-ana-souza")
    uid = privacy.open_request(demo, culture, ana, "correct", NOW).uid
    assert [r.uid for r in privacy.requests_for_customer(demo, ana, NOW)] == [uid]
    assert privacy.requests_for_customer(demo, customer(demo, "br-rafael-lima"), NOW) == []


def test_bad_input_is_a_clear_message(demo: Store, culture: CultureData) -> None:
    klaus = customer(demo, "de-klaus-becker")
    with pytest.raises(DataRequestError, match="Unknown kind of request"):
        privacy.open_request(demo, culture, klaus, "delete-everything", NOW)
    with pytest.raises(DataRequestError, match="at most 2000 characters"):
        privacy.open_request(demo, culture, klaus, "access", NOW, "x" * 2001)
    with pytest.raises(DataRequestError, match="no such customer"):
        privacy.open_request(demo, culture, 999_999, "access", NOW)
    with pytest.raises(DataRequestError, match="no such data request"):
        privacy.mark_fulfilled(demo, "dsr-nothing", NOW)
    assert privacy.customer_by_uid(demo, "x" * 500) is None
    assert privacy.customer_by_uid(demo, "") is None
    assert privacy.get_request(demo, "y" * 10_000, NOW) is None


def test_without_culture_data_the_team_default_applies(demo: Store) -> None:
    row = privacy.open_request(demo, None, customer(demo, "de-klaus-becker"), "access", NOW).row
    assert not row.statutory and row.law == ""


def test_the_summary_is_translated_by_the_ui(tmp_path: Path) -> None:
    from app.domain.data_requests import DeadlineRule

    calls: list[str] = []

    def gettext(text: str) -> str:
        calls.append(text)
        return f"«{text}»"

    rule = DeadlineRule(days=10, business_days=True, extension_days=5)
    assert privacy.deadline_summary(rule) == "10 working days; extendable by 5 working days"
    assert (
        privacy.deadline_summary(rule, gettext) == "«10 working days; extendable by 5 working days»"
    )
    assert calls == ["{period}; extendable by {extension}"]


def test_business_days_use_the_countrys_verified_weekend_and_public_holidays(
    culture: CultureData,
) -> None:
    from app.domain.data_requests import DeadlineRule, due_moment

    weekend, is_holiday = privacy.working_calendar(culture, "DE")
    assert weekend == (5, 6) and is_holiday(dt.date(2026, 12, 25))
    assert not is_holiday(dt.date(2026, 12, 23))
    saudi_weekend, _saudi_holiday = privacy.working_calendar(culture, "SA")
    assert saudi_weekend == (4, 5)
    rule = DeadlineRule(days=3, business_days=True)
    opened = int(dt.datetime(2026, 12, 23, 9, tzinfo=ZoneInfo("Europe/Berlin")).timestamp())
    due = due_moment(opened, rule, "Europe/Berlin", weekend=weekend, is_holiday=is_holiday)
    # Thu 24 (1), Fri 25 and Sat 26 Christmas holidays, Sun 27 weekend, Mon 28 (2), Tue 29 (3)
    assert local(due, "Europe/Berlin") == "2026-12-29T23:59:59+01:00"
