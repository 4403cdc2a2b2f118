"""Dates, times, durations and names follow the UI locale (babel/CLDR)."""

from __future__ import annotations

import pytest

from app.config.paths import translations_dir
from app.i18n import I18n, resolve_ui_locale
from tests.helpers.builders import NOW  # 2026-11-23 02:13 UTC


@pytest.fixture(params=["en", "zh_CN"])
def i18n(request: pytest.FixtureRequest) -> I18n:
    return I18n(request.param, translations_dir())


def test_times_in_the_customers_zone(i18n: I18n) -> None:
    tokyo = i18n.time(NOW, "Asia/Tokyo")
    sao_paulo = i18n.time(NOW, "America/Sao_Paulo")
    assert tokyo != sao_paulo  # 12 hours apart
    expected = {"en": ("11:13\u202fPM", "11:13\u202fAM"), "zh_CN": ("23:13", "11:13")}
    assert (sao_paulo, tokyo) == expected[i18n.ui_locale]


def test_durations(i18n: I18n) -> None:
    assert {"en": "2h 15m", "zh_CN": "2小时15分钟"}[i18n.ui_locale] == i18n.duration(8100)
    assert {"en": "3d 4h", "zh_CN": "3天4小时"}[i18n.ui_locale] == i18n.duration(3 * 86400 + 14400)


def test_names_of_languages_and_countries(i18n: I18n) -> None:
    expected = {
        "en": ("Portuguese (Brazil)", "Saudi Arabia"),
        "zh_CN": ("葡萄牙语 (巴西)", "沙特阿拉伯"),
    }
    assert (i18n.language_name("pt-BR"), i18n.country_name("SA")) == expected[i18n.ui_locale]


@pytest.mark.parametrize(
    ("setting", "system", "expected"),
    [
        ("system", "zh_CN", "zh_CN"),
        ("system", "zh_TW", "zh_TW"),
        ("system", "zh_HK.UTF-8", "zh_TW"),
        ("system", "zh_Hant_MO", "zh_TW"),
        ("system", "zh_SG", "zh_CN"),
        ("system", "ja_JP.UTF-8", "ja"),
        ("system", "ko_KR", "ko"),
        ("system", "es_MX", "es"),
        ("system", "ar_EG", "ar"),
        ("ar", "en_US", "ar"),
        ("system", "de_DE", "en"),
        ("system", None, "en"),
        ("en", "zh_CN", "en"),
        ("zh_CN", "en_US", "zh_CN"),
    ],
)
def test_ui_language_follows_the_os_unless_overridden(
    setting: str, system: str | None, expected: str
) -> None:
    assert resolve_ui_locale(setting, system) == expected


def test_arabic_ui_writes_the_digits_its_region_uses() -> None:
    """ar_SA and ar_EG write Arabic-Indic digits (CLDR's default numbering system
    there), and so does an Arabic UI on a non-Arabic system (Arabic's likely region, as
    QLocale picks it); an ar_AE system keeps Western digits, as CLDR says."""
    moment = 1_800_000_000  # 2027-01-15 08:00 UTC
    saudi = I18n("ar", translations_dir(), format_locale="ar_SA")
    assert saudi.datetime(moment, "Asia/Riyadh").startswith("١٥ يناير ٢٠٢٧")
    assert saudi.number(1234.5) == "١٬٢٣٤٫٥"
    assert saudi.duration(40 * 60) == "٤٠ د"
    emirates = I18n("ar", translations_dir(), format_locale="ar_AE")
    assert emirates.number(1234.5) == "1,234.5"
    assert emirates.right_to_left and not I18n("ja", translations_dir()).right_to_left
    assert I18n("ar", translations_dir(), format_locale="en_US").number(42) == "٤٢"


@pytest.mark.parametrize(
    ("ui", "system", "expected"),
    [
        ("zh_TW", "zh_CN", "2 小時 15 分鐘"),  # Taiwan's own formats, not the system's zh_CN
        ("ja", "en_US", "2 時間 15 分"),
        ("ko", None, "2시간 15분"),
        ("ar", "ar_EG", "٢ س، و١٥ د"),
        ("en", "en_GB", "2h 15m"),
    ],
)
def test_durations_read_naturally_in_each_language(
    ui: str, system: str | None, expected: str
) -> None:
    assert I18n(ui, translations_dir(), format_locale=system).duration(8100) == expected
