"""Deadlines of data-subject requests: calendar months, business days, the customer's zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from app.domain.data_requests import (
    TEAM_DEFAULT,
    DataRequestError,
    DeadlineRule,
    PersonalData,
    add_business_days,
    add_months,
    due_moment,
    extended_moment,
)

GDPR = DeadlineRule(months=1, extension_months=2)
CCPA = DeadlineRule(days=45, extension_days=45)


def _moment(text: str, zone: str) -> int:
    return int(dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).timestamp())


def _local(moment: int, zone: str) -> str:
    return dt.datetime.fromtimestamp(moment, ZoneInfo(zone)).isoformat()


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2027-01-31", 1, "2027-02-28"),  # clamped to the month's last day
        ("2028-01-31", 1, "2028-02-29"),  # leap year
        ("2027-01-30", 1, "2027-02-28"),
        ("2027-03-31", 1, "2027-04-30"),
        ("2027-11-30", 3, "2028-02-29"),  # over the year end, into a leap February
        ("2027-12-15", 1, "2028-01-15"),
        ("2027-05-10", 12, "2028-05-10"),
    ],
)
def test_calendar_months_keep_the_day_or_clamp(start: str, months: int, expected: str) -> None:
    assert add_months(dt.date.fromisoformat(start), months).isoformat() == expected


def test_a_month_is_due_at_the_end_of_the_same_day_next_month_in_the_customers_zone() -> None:
    opened = _moment("2027-01-31T10:00", "Europe/Berlin")
    due = due_moment(opened, GDPR, "Europe/Berlin")
    assert _local(due, "Europe/Berlin") == "2027-02-28T23:59:59+01:00"


def test_the_day_received_is_the_customers_day_not_utc() -> None:
    opened = int(dt.datetime(2027, 1, 31, 23, 30, tzinfo=dt.UTC).timestamp())
    # in Tokyo it is already 1 February: one month later is 1 March
    assert (
        _local(due_moment(opened, GDPR, "Asia/Tokyo"), "Asia/Tokyo") == "2027-03-01T23:59:59+09:00"
    )
    # in São Paulo it is still 31 January: clamped to 28 February
    assert (
        _local(due_moment(opened, GDPR, "America/Sao_Paulo"), "America/Sao_Paulo")
        == "2027-02-28T23:59:59-03:00"
    )


def test_end_of_day_follows_daylight_saving() -> None:
    opened = _moment("2027-02-28T09:00", "Europe/Berlin")
    due = due_moment(opened, GDPR, "Europe/Berlin")  # 28 March 2027: clocks go forward
    assert _local(due, "Europe/Berlin") == "2027-03-28T23:59:59+02:00"
    assert due == int(dt.datetime(2027, 3, 28, 21, 59, 59, tzinfo=dt.UTC).timestamp())


def test_an_unknown_zone_counts_in_utc_instead_of_failing() -> None:
    opened = int(dt.datetime(2027, 1, 10, 12, tzinfo=dt.UTC).timestamp())
    assert _local(due_moment(opened, GDPR, "Mars/Olympus"), "UTC") == "2027-02-10T23:59:59+00:00"


def test_calendar_days_and_their_extension() -> None:
    opened = _moment("2027-01-05T08:00", "America/Los_Angeles")
    assert _local(due_moment(opened, CCPA, "America/Los_Angeles"), "America/Los_Angeles") == (
        "2027-02-19T23:59:59-08:00"
    )
    extended = extended_moment(opened, CCPA, "America/Los_Angeles")
    assert extended is not None
    assert _local(extended, "America/Los_Angeles") == "2027-04-05T23:59:59-07:00"  # 90 days


def test_months_plus_months_are_counted_from_the_day_received() -> None:
    opened = _moment("2027-01-31T12:00", "Europe/Paris")
    extended = extended_moment(opened, GDPR, "Europe/Paris")
    assert extended is not None
    assert _local(extended, "Europe/Paris") == "2027-04-30T23:59:59+02:00"  # not 28 April


def test_no_extension_where_the_law_allows_none() -> None:
    assert extended_moment(0, DeadlineRule(days=15), "America/Sao_Paulo") is None
    assert not DeadlineRule(days=15).extendable


def test_business_days_skip_the_weekend_and_public_holidays() -> None:
    holidays = {dt.date(2026, 12, 24), dt.date(2026, 12, 25)}
    friday = dt.date(2026, 12, 18)
    day = add_business_days(friday, 5, (5, 6), holidays.__contains__)
    # Mon 21, Tue 22, Wed 23, (Thu 24, Fri 25 holidays, weekend), Mon 28, Tue 29
    assert day == dt.date(2026, 12, 29)
    rule = DeadlineRule(days=5, business_days=True)
    opened = _moment("2026-12-18T16:00", "Europe/Berlin")
    due = due_moment(opened, rule, "Europe/Berlin", is_holiday=holidays.__contains__)
    assert _local(due, "Europe/Berlin") == "2026-12-29T23:59:59+01:00"


def test_business_days_use_the_countrys_weekend() -> None:
    # Saudi Arabia rests Friday and Saturday: from Thursday 3 working days is Tuesday
    thursday = dt.date(2027, 1, 7)
    assert add_business_days(thursday, 3, (4, 5), lambda _d: False) == dt.date(2027, 1, 12)
    assert add_business_days(thursday, 3, (5, 6), lambda _d: False) == dt.date(2027, 1, 12)
    assert add_business_days(thursday, 1, (4, 5), lambda _d: False) == dt.date(2027, 1, 10)


def test_a_calendar_without_working_days_is_an_error_not_a_hang() -> None:
    with pytest.raises(DataRequestError):
        add_business_days(dt.date(2027, 1, 1), 1, (0, 1, 2, 3, 4, 5, 6), lambda _d: False)


def test_no_statutory_period_means_the_team_default_and_says_so() -> None:
    assert TEAM_DEFAULT.days == 30 and not TEAM_DEFAULT.statutory
    opened = _moment("2027-03-01T09:00", "Asia/Shanghai")
    assert _local(due_moment(opened, TEAM_DEFAULT, "Asia/Shanghai"), "Asia/Shanghai") == (
        "2027-03-31T23:59:59+08:00"
    )


def test_rules_round_trip_and_a_damaged_one_reads_as_the_default() -> None:
    for rule in (GDPR, CCPA, TEAM_DEFAULT, DeadlineRule(days=10, business_days=True)):
        assert DeadlineRule.from_json(rule.to_json()) == rule
    assert DeadlineRule.from_json("{not json") == TEAM_DEFAULT
    assert DeadlineRule.from_json('{"days": 9999}') == TEAM_DEFAULT
    assert DeadlineRule.from_json('{"days": true}') == TEAM_DEFAULT
    assert DeadlineRule.from_json("[]") == TEAM_DEFAULT


def test_personal_data_is_found_however_it_is_written() -> None:
    data = PersonalData.of(["Ana Souza"], ["+55 11 98765-4321", "ana.souza@example.com"])
    assert data.carried_by("Olá, ANA  SOUZA, tudo bem?")
    assert data.carried_by("write to Ana.Souza@Example.com")
    assert data.carried_by("ligar para (11) 987654321 amanhã")
    assert not data.carried_by("Ana Lima called about order 12345678")
    assert not data.carried_by("")
    cleaned = data.scrub("Ana Souza asked; call +55 11 98765-4321 or ana.souza@example.com")
    assert "Souza" not in cleaned and "98765" not in cleaned and "example" not in cleaned
    assert cleaned.count("[erased]") == 3


def test_too_short_names_are_not_looked_for() -> None:
    data = PersonalData.of(["Li"], [])
    assert data.needles == ()
    assert not data.carried_by("Lisbon delivery")
