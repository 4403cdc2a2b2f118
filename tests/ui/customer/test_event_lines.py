"""The quiet system lines of the thread, one per kind of event: the agent's own in the
first person, a colleague's by name, in English and Chinese; a kind this version does
not know, or an event missing what it names, gives no line rather than a wrong one."""

from __future__ import annotations

import pytest

from app.config.paths import translations_dir
from app.domain.display import isolated
from app.domain.models import ConversationEvent
from app.i18n import I18n
from app.ui.customer.events import event_text

pytestmark = pytest.mark.gui

NOW = 1_800_000_000
EN = I18n("en", translations_dir())
ZH = I18n("zh_CN", translations_dir())
ANA, WEI = isolated("Ana Lima", 80), isolated("Wei Zhang", 80)
DETAIL: dict[str, str | int | None] = {"to": "Wei Zhang", "tag": "vip", "subject": "Order 12"}


def line(i18n: I18n, kind: str, mine: bool, **detail: str | int | None) -> str:
    event = ConversationEvent(1, 1, kind, NOW - 60, "Ana Lima", mine, {**DETAIL, **detail})
    return event_text(i18n, event, NOW)


AT = " · " + EN.day_and_time(NOW - 60, NOW)


@pytest.mark.parametrize(
    ("kind", "mine", "expected"),
    [
        ("assigned", True, f"You assigned this to {WEI}"),
        ("assigned", False, f"{ANA} assigned this to {WEI}"),
        ("resolved", True, "Resolved by you"),
        ("pending", False, f"Set to pending by {ANA}"),
        ("tagged", False, f"{ANA} tagged this “{isolated('vip', 60)}”"),
        ("untagged", True, f"You removed the tag “{isolated('vip', 60)}”"),
        ("held_assigned", False, f"{ANA} asked {WEI} to translate the held reply"),
        ("hold_cancelled", True, "You took the held reply back"),
        ("merged", False, f"{ANA} merged “{isolated('Order 12', 80)}” into this conversation"),
    ],
)
def test_each_kind_reads_in_the_agents_words(kind: str, mine: bool, expected: str) -> None:
    assert line(EN, kind, mine) == expected + AT


def test_a_snooze_names_its_time_when_it_has_one() -> None:
    until = NOW + 3600
    assert line(EN, "snoozed", True, until=until) == (
        f"Snoozed by you until {EN.day_and_time(until, NOW)}" + AT
    )
    assert line(EN, "snoozed", False, until="soon") == f"Snoozed by {ANA}" + AT


def test_chinese_lines_are_translated() -> None:
    assert line(ZH, "resolved", True).startswith("由你解决 · ")
    assert line(ZH, "assigned", False).startswith(f"{ANA} 将此会话分配给了 {WEI} · ")


def test_unknown_or_incomplete_events_give_no_line() -> None:
    assert line(EN, "exploded", True) == ""
    assert line(EN, "snoozed_until", True) == ""  # not a kind the app records
    assert line(EN, "held_assigned", True, to=None) == ""
