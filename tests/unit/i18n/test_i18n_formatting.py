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
        ("system", "zh_TW", "zh_CN"),
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
