"""An inbox row in words, as a screen reader says it (English and Simplified Chinese)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.config.paths import translations_dir
from app.domain.models import Channel, ConversationRow, MessageKind, Status
from app.i18n import I18n
from app.ui.inbox.spoken import spoken_detail, spoken_row
from tests.helpers.builders import NOW

ROW = ConversationRow(
    id=1,
    uid="c-1",
    channel=Channel.EMAIL,
    status=Status.OPEN,
    subject="Return of an unopened item",
    customer_name="Ana Souza",
    country="BR",
    language="pt-BR",
    timezone="America/Sao_Paulo",
    assignee_id=None,
    assignee_name=None,
    sla_due_at=NOW + 2 * 3600 + 15 * 60,
    snoozed_until=None,
    last_activity_at=NOW - 600,
    last_message_preview="Olá, <b>ainda</b> não recebi o reembolso",
    last_message_kind=MessageKind.CUSTOMER,
    unread_count=3,
    message_count=4,
    tags=(),
)


@pytest.fixture
def en() -> I18n:
    return I18n("en", translations_dir())


def test_a_row_due_soon(en: I18n) -> None:
    assert spoken_row(en, ROW, NOW) == "Ana Souza, Brazil: Due in 2h 15m, 3 unread"


def test_an_overdue_row_a_row_without_sla_and_a_snoozed_one(en: I18n) -> None:
    late = replace(ROW, sla_due_at=NOW - 40 * 60, unread_count=1)
    assert spoken_row(en, late, NOW) == "Ana Souza, Brazil: Overdue 40m, 1 unread"
    none = replace(ROW, sla_due_at=None, unread_count=0)
    assert spoken_row(en, none, NOW) == "Ana Souza, Brazil: No SLA, 0 unread"
    waiting = replace(ROW, status=Status.SNOOZED, snooze_until_reply=True)
    assert spoken_row(en, waiting, NOW).endswith(": Snoozed until the customer replies, 3 unread")
    done = replace(ROW, status=Status.RESOLVED)
    assert spoken_row(en, done, NOW) == "Ana Souza, Brazil: Resolved, 3 unread"


def test_the_description_is_the_channel_subject_and_last_message_as_plain_text(
    en: I18n,
) -> None:
    said = spoken_detail(en, ROW)
    assert said == "Email · Return of an unopened item · Olá, <b>ainda</b> não recebi o reembolso"
    reply = replace(ROW, subject=None, last_message_kind=MessageKind.AGENT)
    assert spoken_detail(en, reply).startswith("Email · You: Olá")
    assert spoken_detail(en, ROW, "…o reembolso").endswith(" · …o reembolso")  # a search hit


def test_hostile_and_huge_names_are_bounded(en: I18n) -> None:
    huge = replace(ROW, customer_name="A" * 100_000, last_message_preview="x" * 100_000)
    assert len(spoken_row(en, huge, NOW)) < 300
    assert len(spoken_detail(en, huge)) < 500


def test_in_chinese() -> None:
    zh = I18n("zh_CN", translations_dir())
    said = spoken_row(zh, ROW, NOW)
    assert said.startswith("Ana Souza，巴西：")
    assert said.endswith("3 条未读")
