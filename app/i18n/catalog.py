"""The I18n object: one per UI language, held by the application context."""

from __future__ import annotations

import gettext
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import DateTimeFormat, DateTimePattern, match_skeleton, parse_pattern
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.units import format_unit

DOMAIN = "crossdesk"
# English is the source; the others have a catalogue in translations/ (tests check each
# is complete). Right-to-left layouts are mirrored for the languages in RTL_LOCALES.
UI_LOCALES = ("en", "zh_CN", "zh_TW", "ja", "ko", "es", "ar")
RTL_LOCALES = frozenset({"ar"})

# I18n has a method named ``datetime``; annotations inside the class use this name.
_DateTime = datetime


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a string for extraction without translating it (translated at display)."""
    return message


def resolve_ui_locale(setting: str, system_locale: str | None) -> str:
    """Pick the catalog: the explicit setting, else the OS locale, else English.

    A Chinese system locale picks the script its region writes: Taiwan, Hong Kong and
    Macau (or an explicit Hant) the Traditional catalogue, any other the Simplified one.
    """
    if setting in UI_LOCALES:
        return setting
    system = (system_locale or "").split(".")[0].replace("-", "_")
    language = system.split("_")[0].lower()
    if language == "zh":
        parts = {part.upper() for part in system.split("_")[1:]}
        return "zh_TW" if parts & {"TW", "HK", "MO", "HANT"} else "zh_CN"
    return language if language in UI_LOCALES else "en"


# The CLDR locale each catalogue formats with when the OS locale is of another language:
# the language's likely region (CLDR likely subtags, as QLocale picks too, so Qt's own
# widgets and babel agree: an Arabic UI on an English system writes ar_EG's digits).
_FORMAT_LOCALES = {
    "zh_CN": "zh_Hans_CN",
    "zh_TW": "zh_Hant_TW",
    "ja": "ja_JP",
    "ko": "ko_KR",
    "es": "es_ES",
    "ar": "ar_EG",
}
# Digits of the numbering systems CLDR names as a locale's default (ar_EG, ar_SA: arab).
_DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}


class _Fields:
    """Date fields for a CLDR pattern, with the common ones computed directly.

    Babel's own field lookup costs ~20 µs per time; hours, minutes, AM/PM and
    weekday names are looked up here in ~1 µs, anything else is left to babel.
    """

    __slots__ = ("_i18n", "_moment")

    def __init__(self, moment: datetime, i18n: I18n) -> None:
        self._moment = moment
        self._i18n = i18n

    def __getitem__(self, key: str) -> str:
        m = self._moment
        if key in ("H", "HH"):
            return f"{m.hour:0{len(key)}d}"
        if key in ("h", "hh"):
            return f"{(m.hour % 12) or 12:0{len(key)}d}"
        if key == "mm":
            return f"{m.minute:02d}"
        if key == "a":
            return self._i18n._day_periods[m.hour >= 12]
        if key in ("E", "EE", "EEE"):
            return self._i18n._weekdays[m.weekday()]
        return DateTimeFormat(m, self._i18n.locale)[key]


# The timestamps of 0001-01-02 and 9999-12-30 (UTC): a day inside datetime's range, so
# any time-zone offset (at most 26 hours) can still be applied.
MIN_TIMESTAMP = -62135510400
MAX_TIMESTAMP = 253402128000


def clamp_timestamp(timestamp: float) -> int:
    """``timestamp`` (epoch seconds) brought inside the range every date can be shown in."""
    try:
        return min(max(int(timestamp), MIN_TIMESTAMP), MAX_TIMESTAMP)
    except (OverflowError, ValueError):  # inf or NaN from a float column
        return MAX_TIMESTAMP if timestamp == float("inf") else MIN_TIMESTAMP


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    """The zone, or UTC for a name the tz database does not know (bad data from a
    server or a file must not break a list row; the side panel names the problem)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


class I18n:
    """Translations and formatting for one UI language.

    Attributes:
        ui_locale: the catalog in use, ``"en"`` or ``"zh_CN"``.
        locale: the babel Locale used for formatting.
    """

    def __init__(self, ui_locale: str, localedir: Path, format_locale: str | None = None) -> None:
        self.ui_locale = ui_locale
        self._catalog = gettext.translation(
            DOMAIN, localedir=str(localedir), languages=[ui_locale], fallback=True
        )
        self.locale = self._formatting_locale(ui_locale, format_locale)
        self.is_chinese = ui_locale.startswith("zh")
        self.right_to_left = ui_locale in RTL_LOCALES
        native = _DIGITS.get(getattr(self.locale, "default_numbering_system", "latn"))
        # Dates and durations are assembled from ASCII digits; a locale that writes
        # Arabic-Indic digits gets them translated (numbers come from babel directly).
        self._digits = str.maketrans("0123456789", native) if native else None
        self._patterns: dict[str, DateTimePattern] = {}
        periods = self.locale.day_periods["format"]["abbreviated"]
        self._day_periods = (periods["am"], periods["pm"])
        names = self.locale.days["format"]["abbreviated"]
        self._weekdays = tuple(names[i] for i in range(7))

    @staticmethod
    def _formatting_locale(ui_locale: str, format_locale: str | None) -> Locale:
        # A UI keeps the user's own conventions of its language (en_GB dates, ar_SA
        # digits); zh_TW on a zh_CN system formats as Taiwan does (the script must agree).
        same = format_locale and format_locale[:2] == ui_locale[:2]
        if same and ui_locale.startswith("zh"):
            system = format_locale or ""
            same = resolve_ui_locale("system", system) == ui_locale
        candidates = [format_locale] if same and format_locale else []
        candidates += [_FORMAT_LOCALES.get(ui_locale, ui_locale), "en"]
        for candidate in candidates:
            try:
                return Locale.parse(candidate.split(".")[0])
            except (ValueError, UnknownLocaleError):
                continue
        return Locale("en")

    # ---------------------------------------------------------------- strings
    def _(self, message: str) -> str:
        """Translate a UI string."""
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate a string that depends on a count."""
        return self._catalog.ngettext(singular, plural, n)

    # ---------------------------------------------------------------- dates and times
    # Patterns are parsed once per I18n: babel's format_* functions re-parse on
    # every call, which costs a visible 30 ms when a 500-message thread opens.
    def _pattern(self, skeleton: str) -> DateTimePattern:
        """The parsed pattern; its ``format`` is the %-format string (babel types it wrongly)."""
        cached = self._patterns.get(skeleton)
        if cached is None:
            if skeleton == "short-time":
                cached = self.locale.time_formats["short"]
            else:
                key = match_skeleton(skeleton, self.locale.datetime_skeletons.keys()) or skeleton
                cached = parse_pattern(self.locale.datetime_skeletons.get(key, "yyyy-MM-dd HH:mm"))
            self._patterns[skeleton] = cached
        return cached

    def time(self, timestamp: int, zone: str | None = None) -> str:
        """Short local time, e.g. ``14:05`` / ``2:05 PM``."""
        return self._native(
            cast(str, self._pattern("short-time").format) % _Fields(self._dt(timestamp, zone), self)
        )

    def datetime(self, timestamp: int, zone: str | None = None) -> str:
        """Date and time, e.g. ``Nov 23, 2026 14:05`` / ``2026年11月23日 14:05``."""
        moment = self._dt(timestamp, zone)
        day = self._native(self._pattern("yMMMd").apply(moment, self.locale))
        return f"{day} {self.time(timestamp, zone)}"

    def day_and_time(self, timestamp: int, now: int, zone: str | None = None) -> str:
        """Time only for today, weekday for this week, else the date: what a thread shows."""
        moment, today = self._dt(timestamp, zone), self._dt(now, zone)
        days = (today.date() - moment.date()).days
        if days == 0:
            return self.time(timestamp, zone)
        if 0 < days < 7:
            pattern = self._pattern("EHm" if self._uses_24h() else "Ehm")
            return self._native(cast(str, pattern.format) % _Fields(moment, self))
        return self.datetime(timestamp, zone)

    def _uses_24h(self) -> bool:
        return "H" in self.locale.time_formats["short"].pattern

    def day(self, timestamp: int, zone: str | None = None) -> str:
        return self._native(self._pattern("yMMMd").apply(self._dt(timestamp, zone), self.locale))

    def short_date(self, day: date) -> str:
        """A calendar day with its weekday, no year: ``Sat, Feb 20`` / ``2月20日周六``."""
        return self._native(self._pattern("MMMEd").apply(day, self.locale))

    def weekday_name(self, weekday: int) -> str:
        """Monday = 0, as in the datetime module."""
        return str(self.locale.days["format"]["wide"][weekday])

    def weekday_list(self, weekdays: Iterable[int]) -> str:
        """Days named and listed as the language does: 星期五、星期六 / viernes y sábado."""
        names = [self.weekday_name(day) for day in weekdays]
        if self.is_chinese:  # CLDR's 和 reads as "and" in a sentence that lists a weekend
            return "、".join(names)
        if self.ui_locale == "en":  # "Saturday, Sunday", as the panel has always said
            return ", ".join(names)
        return format_list(names, style="standard", locale=self.locale) if names else ""

    @staticmethod
    def _dt(timestamp: int, zone: str | None) -> _DateTime:
        """The moment in ``zone`` (else the computer's), for any stored timestamp: one from
        a server, a file or ``--now`` may lie at year 1 or 9999, where a time-zone shift
        would leave datetime's range; it is clamped to a day inside it."""
        moment = datetime.fromtimestamp(clamp_timestamp(timestamp), UTC)
        try:
            return moment.astimezone(_zone(zone) if zone else None)
        except (OverflowError, OSError, ValueError):  # no local-time rules for that moment
            return moment

    def duration(self, seconds: int) -> str:
        """Compact duration for SLA countdowns: ``2h 15m``, ``3d 4h``, ``2小时15分钟``."""
        seconds = abs(int(seconds))
        minutes = seconds // 60
        days, rem = divmod(minutes, 1440)
        hours, mins = divmod(rem, 60)
        if days:
            parts = [("duration-day", days)] + ([("duration-hour", hours)] if hours else [])
        elif hours:
            parts = [("duration-hour", hours)] + ([("duration-minute", mins)] if mins else [])
        else:
            parts = [("duration-minute", max(mins, 1) if seconds >= 30 else 0)]
        pieces = [self._unit(n, unit) for unit, n in parts]
        if len(pieces) == 1:
            return self._native(pieces[0][0])
        # Two pieces joined by CLDR's pattern for two (babel's format_list repeats the
        # second piece for Arabic, whose list data has no "2" pattern), of the units' length.
        patterns = self.locale.list_patterns.get(f"unit-{pieces[0][1]}") or {}
        pattern = patterns.get("2") or patterns.get("end") or "{0} {1}"
        return self._native(pattern.format(pieces[0][0], pieces[1][0]))

    def _unit(self, value: int, unit: str) -> tuple[str, str]:
        """The value in ``unit`` and the length used (narrow, or short where narrow fails)."""
        # CLDR lacks narrow duration units for some locales (zh, ko), and Japanese's
        # narrow ones are Latin letters ("2h"); those use the short form.
        text = format_unit(value, unit, length="narrow", locale=self.locale)
        if unit in text or self.locale.language == "ja":
            return format_unit(value, unit, length="short", locale=self.locale), "short"
        return text, "narrow"

    # ---------------------------------------------------------------- numbers and names
    def number(self, value: float) -> str:
        return self._native(format_decimal(value, locale=self.locale, numbering_system="default"))

    def _native(self, text: str) -> str:
        """``text`` with its ASCII digits in the locale's own (Arabic-Indic for ar_EG)."""
        return text.translate(self._digits) if self._digits else text

    def language_name(self, tag: str) -> str:
        """Language (and region) named in the UI language: ``Portuguese (Brazil)``."""
        try:
            name = Locale.parse(tag, sep="-").get_display_name(self.locale)
        except (ValueError, UnknownLocaleError):
            return tag
        return name or tag

    def country_name(self, code: str) -> str:
        return self.locale.territories.get(code, code)
