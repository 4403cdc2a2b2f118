"""Live facts for the customer's "now": fixed instants, offline libraries, no surprises."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hijridate import Hijri

from app.config.paths import resources_dir
from app.culture.calendar import HolidayKind
from app.culture.facts import Advice, AdviceKind, LocalFacts, compute_facts
from app.culture.weekends import load_weekends

WEEKENDS, _ = load_weekends(resources_dir() / "etiquette" / "weekends.yaml")
ISLAMIC = frozenset({"ramadan", "eid_al_fitr", "eid_al_adha", "islamic_new_year"})


def at(zone: str, *parts: int) -> datetime:
    """A wall-clock moment in ``zone`` as the aware UTC instant the app passes in."""
    return datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(UTC)  # type: ignore[misc]


def facts(
    country: str,
    zone: str,
    locale: str,
    *parts: int,
    observances: frozenset[str] = frozenset(),
    business_hours: tuple[str, str] | None = None,
) -> LocalFacts:
    """The facts as the side panel computes them: the weekend from the verified table."""
    verified = WEEKENDS.get(country)
    return compute_facts(
        country=country,
        timezone=zone,
        locale=locale,
        now=at(zone, *parts),
        business_hours=business_hours,
        observances=observances,
        weekend=verified.days if verified else None,
        weekend_regions=verified.region_days if verified else (),
    )


def kinds(result: LocalFacts) -> list[AdviceKind]:
    return [advice.kind for advice in result.advice]


def advice_of(result: LocalFacts, kind: AdviceKind) -> list[Advice]:
    return [advice for advice in result.advice if advice.kind is kind]


# --- Saudi Arabia, UAE: Ramadan (Umm al-Qura), Eid, CLDR weekends -----------------------


def test_ramadan_1448_in_gregorian_dates_per_hijridate() -> None:
    """The dates the Saudi test relies on, straight from the Umm al-Qura tables."""
    assert Hijri(1448, 9, 1).to_gregorian() == date(2027, 2, 8)
    assert Hijri(1448, 9, 1).month_length() == 29
    assert Hijri(1448, 9, 29).to_gregorian() == date(2027, 3, 8)
    assert Hijri(1448, 10, 1).to_gregorian() == date(2027, 3, 9)  # Eid al-Fitr
    assert Hijri(1448, 12, 10).to_gregorian() == date(2027, 5, 16)  # Eid al-Adha
    assert Hijri(1449, 1, 1).to_gregorian() == date(2027, 6, 6)  # Islamic New Year


def test_saudi_arabia_in_ramadan_on_its_friday_saturday_weekend() -> None:
    result = facts("SA", "Asia/Riyadh", "ar_SA", 2027, 2, 20, 10, 0, observances=ISLAMIC)

    assert result.local_time == datetime(2027, 2, 20, 10, 0, tzinfo=ZoneInfo("Asia/Riyadh"))
    assert result.observances_now == frozenset({"ramadan"})
    assert result.weekend == (4, 5)  # Friday, Saturday (CLDR)
    assert result.is_weekend is True  # 2027-02-20 is a Saturday
    assert result.in_business_hours is False  # 10:00, but the weekend
    (ramadan,) = advice_of(result, AdviceKind.OBSERVANCE)
    assert ramadan.params == {"start": "2027-02-08", "end": "2027-03-08"}
    assert "moon sighting" in ramadan.template
    assert "Ramadan Kareem" in ramadan.template
    (weekend,) = advice_of(result, AdviceKind.WEEKEND)
    assert weekend.params == {"country": "Saudi Arabia", "days": "Fri–Sat"}
    assert result.currency == "SAR"
    assert result.day_first is True
    assert result.problems == ()


def test_saudi_eid_al_fitr_is_a_public_holiday_and_an_observance() -> None:
    result = facts("SA", "Asia/Riyadh", "ar", 2027, 3, 9, 12, 0, observances=ISLAMIC)

    assert result.observances_now == frozenset({"eid_al_fitr"})
    assert [(h.name, h.kind) for h in result.holidays_today] == [
        ("Eid al-Fitr Holiday", HolidayKind.PUBLIC)
    ]  # the Umm al-Qura "Eid al-Fitr" observance is the same day: listed once
    (holiday,) = advice_of(result, AdviceKind.HOLIDAY)
    assert holiday.params["end"] == "2027-03-14"  # the break runs over the weekend
    assert any(
        "Eid Mubarak" in advice.template for advice in advice_of(result, AdviceKind.OBSERVANCE)
    )


def test_observances_only_where_the_profile_lists_them() -> None:
    result = facts("SA", "Asia/Riyadh", "ar_SA", 2027, 2, 20, 10, 0)

    assert result.observances_now == frozenset()
    assert not advice_of(result, AdviceKind.OBSERVANCE)
    assert all(holiday.kind is HolidayKind.PUBLIC for holiday in result.upcoming)


def test_ramadan_about_to_begin_is_listed_and_advised() -> None:
    result = facts("SA", "Asia/Riyadh", "ar_SA", 2027, 2, 3, 10, 0, observances=ISLAMIC)

    assert result.observances_now == frozenset()
    starts = [h for h in result.upcoming if h.kind is HolidayKind.OBSERVANCE]
    assert [(h.day, h.name) for h in starts] == [(date(2027, 2, 8), "Ramadan begins")]
    upcoming = [a for a in advice_of(result, AdviceKind.UPCOMING) if "Ramadan" in a.template]
    assert upcoming[0].params == {"date": "2027-02-08"}


def test_uae_weekend_is_saturday_sunday_since_2022() -> None:
    result = facts("AE", "Asia/Dubai", "ar_AE", 2027, 2, 20, 10, 0)

    assert result.weekend == (5, 6)
    assert result.is_weekend is True
    assert result.currency == "AED"


# --- Japan, China, India: business hours and holidays ----------------------------------


def test_japan_late_evening_is_after_hours() -> None:
    result = facts("JP", "Asia/Tokyo", "ja_JP", 2027, 1, 12, 23, 40)

    assert result.local_time is not None
    assert result.local_time.strftime("%H:%M") == "23:40"
    assert result.in_business_hours is False
    assert result.business_hours == ("09:00", "18:00")
    (late,) = advice_of(result, AdviceKind.AFTER_HOURS)
    assert late.params == {"time": "23:40"}
    assert late.text() == (
        "It is 23:40 for this customer: a short reply now, the full answer in their morning."
    )
    assert result.currency == "JPY"
    assert result.day_first is False  # y/MM/dd


def test_japan_morning_on_a_weekday_is_inside_business_hours() -> None:
    result = facts("JP", "Asia/Tokyo", "ja", 2027, 1, 12, 10, 30)

    assert result.in_business_hours is True
    assert AdviceKind.AFTER_HOURS not in kinds(result)
    assert result.date_example == "2027/01/12"


def test_japanese_new_years_day_is_a_public_holiday_today() -> None:
    result = facts("JP", "Asia/Tokyo", "ja_JP", 2027, 1, 1, 10, 0)

    assert [(h.day, h.name, h.kind) for h in result.holidays_today] == [
        (date(2027, 1, 1), "New Year's Day", HolidayKind.PUBLIC)
    ]
    assert result.in_business_hours is False
    (holiday,) = advice_of(result, AdviceKind.HOLIDAY)
    assert holiday.text() == "Today is New Year's Day, a public holiday in Japan."


def test_chinese_new_year_within_the_next_30_days() -> None:
    result = facts("CN", "Asia/Shanghai", "zh_CN", 2027, 1, 20, 10, 0)

    spring = [h for h in result.upcoming if h.name == "Chinese New Year (Spring Festival)"]
    assert spring[0].day == date(2027, 2, 6)
    assert AdviceKind.UPCOMING not in kinds(result)  # more than 7 days away


def test_chinese_new_year_break_advised_as_one_line_a_few_days_before() -> None:
    result = facts("CN", "Asia/Shanghai", "zh_CN", 2027, 2, 1, 10, 0)

    (soon,) = advice_of(result, AdviceKind.UPCOMING)
    assert soon.params == {
        "holiday": "Chinese New Year's Eve",
        "start": "2027-02-05",
        "end": "2027-02-10",
    }


def test_diwali_in_india() -> None:
    result = facts("IN", "Asia/Kolkata", "en_IN", 2027, 10, 10, 11, 0)

    assert (date(2027, 10, 29), "Diwali") in [(h.day, h.name) for h in result.upcoming]
    assert result.weekend == (5, 6)  # the verified table (CLDR says Sunday only)
    assert result.currency == "INR"


def test_upcoming_is_sorted_within_30_days_and_crosses_new_year() -> None:
    result = facts("US", "America/New_York", "en_US", 2026, 12, 28, 10, 0)

    days = [h.day for h in result.upcoming]
    assert days == sorted(days)
    assert all(date(2026, 12, 28) < day <= date(2027, 1, 27) for day in days)
    assert (date(2027, 1, 1), "New Year's Day") in [(h.day, h.name) for h in result.upcoming]
    assert {"holiday": "New Year's Day", "date": "2027-01-01"} in [
        a.params for a in advice_of(result, AdviceKind.UPCOMING)
    ]


# --- currency, numbers, dates --------------------------------------------------------


def test_brazil_reals_and_day_first_dates() -> None:
    result = facts("BR", "America/Sao_Paulo", "pt_BR", 2027, 3, 3, 10, 0)

    assert result.currency == "BRL"
    assert result.currency_example == "R$\xa01.234,56"
    assert result.date_example == "03/03/2027"
    assert result.day_first is True
    formats = [a.text() for a in advice_of(result, AdviceKind.FORMATS)]
    assert "The comma is the decimal mark here: 1.234,56 means 1234.56." in formats


def test_united_states_month_first() -> None:
    result = facts("US", "America/New_York", "en-US", 2027, 3, 3, 10, 0)

    assert result.currency == "USD"
    assert result.currency_example == "$1,234.56"
    assert result.date_example == "3/3/27"
    assert result.day_first is False
    assert AdviceKind.FORMATS not in kinds(result)


def test_bare_language_formats_as_spoken_in_the_country() -> None:
    result = facts("PT", "Europe/Lisbon", "pt", 2027, 3, 3, 10, 0)

    assert result.currency == "EUR"
    assert result.currency_example == "1\xa0234,56\xa0€"  # pt_PT, not "€ 1.234,56" (pt)


# --- bad or missing input: problems, never exceptions -----------------------------------


def test_unknown_time_zone_is_a_problem_and_holidays_still_come() -> None:
    result = compute_facts(
        country="JP", timezone="Mars/Base", locale=None, now=datetime(2027, 1, 1, 1, tzinfo=UTC)
    )

    assert any("Mars/Base" in problem for problem in result.problems)
    assert result.local_time is None
    assert result.timezone is None
    assert result.in_business_hours is None
    assert [h.name for h in result.holidays_today] == ["New Year's Day"]  # the UTC date
    assert any("no locale" in problem for problem in result.problems)
    assert result.currency_example == "￥1,235"  # formats assumed from Japan (ja_JP)


def test_unknown_country_is_a_problem() -> None:
    result = facts("XX", "Europe/Paris", "fr_FR", 2027, 1, 1, 10, 0)

    assert "unknown country 'XX'" in result.problems
    assert result.country is None
    assert result.weekend == ()
    assert result.is_weekend is None
    assert result.holidays_today == result.upcoming == ()
    assert result.currency is None
    assert result.local_time is not None  # the zone is still good
    assert result.day_first is True


def test_a_country_the_holiday_library_lacks() -> None:
    result = facts("AC", "Atlantic/St_Helena", "en", 2027, 1, 1, 10, 0)

    assert any("no public-holiday data" in problem for problem in result.problems)
    assert result.holidays_today == result.upcoming == ()
    assert result.currency == "SHP"


def test_nothing_known_at_all() -> None:
    result = compute_facts(
        country=None, timezone=None, locale=None, now=datetime(2027, 1, 1, tzinfo=UTC)
    )

    assert len(result.problems) == 3
    assert result.advice == ()
    assert result.local_time is None
    assert result.currency_example is None


@pytest.mark.parametrize("zone", ["", "America", "/etc/passwd", "../x", "Asia/Tokyo "])
def test_odd_time_zone_names(zone: str) -> None:
    result = compute_facts(
        country="JP", timezone=zone, locale="ja", now=datetime(2027, 1, 1, tzinfo=UTC)
    )
    assert result.local_time is None
    assert result.problems


def test_unknown_locale_falls_back_to_the_country() -> None:
    result = facts("BR", "America/Sao_Paulo", "xx_YY_ZZ", 2027, 3, 3, 10, 0)

    assert "unknown locale 'xx_YY_ZZ'" in result.problems
    assert result.currency_example == "R$\xa01.234,56"


def test_naive_now_is_read_as_utc() -> None:
    result = compute_facts(
        country="JP", timezone="Asia/Tokyo", locale="ja", now=datetime(2027, 1, 12, 14, 40)
    )
    assert result.local_time is not None
    assert result.local_time.strftime("%H:%M") == "23:40"
    assert any("UTC" in problem for problem in result.problems)


def test_unreadable_business_hours_fall_back_to_the_default() -> None:
    result = facts("JP", "Asia/Tokyo", "ja", 2027, 1, 12, 10, 0, business_hours=("9am", "6pm"))

    assert result.business_hours == ("09:00", "18:00")
    assert result.in_business_hours is True
    assert any("9am" in problem for problem in result.problems)


def test_business_hours_past_midnight() -> None:
    result = facts("JP", "Asia/Tokyo", "ja", 2027, 1, 12, 23, 40, business_hours=("20:00", "04:00"))

    assert result.in_business_hours is True
    assert AdviceKind.AFTER_HOURS not in kinds(result)


def test_beyond_the_umm_al_qura_tables() -> None:
    result = facts("SA", "Asia/Riyadh", "ar_SA", 2090, 1, 2, 10, 0, observances=ISLAMIC)

    assert any("Umm al-Qura" in problem for problem in result.problems)
    assert result.observances_now == frozenset()


def test_unknown_observance_names_are_reported() -> None:
    result = facts("SA", "Asia/Riyadh", "ar_SA", 2027, 2, 20, 10, 0, observances=frozenset({"x"}))

    assert any("unknown observance" in problem for problem in result.problems)


# --- advice is translatable; speed ----------------------------------------------------


@pytest.mark.parametrize(
    ("country", "zone", "locale", "parts"),
    [
        ("SA", "Asia/Riyadh", "ar_SA", (2027, 2, 20, 10, 0)),
        ("SA", "Asia/Riyadh", "ar_SA", (2027, 5, 16, 21, 0)),
        ("AE", "Asia/Dubai", "ar_AE", (2027, 6, 6, 8, 0)),
        ("CN", "Asia/Shanghai", "zh_CN", (2027, 2, 6, 10, 0)),
        ("BR", "America/Sao_Paulo", "pt_BR", (2027, 12, 24, 19, 0)),
    ],
)
def test_every_advice_template_fills_from_its_params(
    country: str, zone: str, locale: str, parts: tuple[int, ...]
) -> None:
    result = facts(country, zone, locale, *parts, observances=ISLAMIC)

    assert result.advice
    for advice in result.advice:
        assert advice.text()  # no missing placeholder
        assert all(isinstance(value, str) for value in advice.params.values())


def test_warm_calls_are_fast() -> None:
    """A conversation switch must cost well under 10 ms once the country's year is cached."""
    cases = [
        ("SA", "Asia/Riyadh", "ar_SA", ISLAMIC),
        ("JP", "Asia/Tokyo", "ja_JP", frozenset()),
        ("BR", "America/Sao_Paulo", "pt_BR", frozenset()),
    ]
    now = datetime(2027, 2, 20, 7, tzinfo=UTC)
    for country, zone, locale, observances in cases:  # warm the caches
        compute_facts(
            country=country, timezone=zone, locale=locale, now=now, observances=observances
        )
    timings = []
    for _ in range(100):
        for country, zone, locale, observances in cases:
            started = time.perf_counter()
            compute_facts(
                country=country, timezone=zone, locale=locale, now=now, observances=observances
            )
            timings.append(time.perf_counter() - started)
    timings.sort()
    assert timings[int(len(timings) * 0.95)] < 0.010
