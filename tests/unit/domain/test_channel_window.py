"""WhatsApp's and Messenger's 24-hour reply window, and filling approved templates."""

from __future__ import annotations

import pytest

from app.domain.channel_window import (
    WindowState,
    last_customer_message_at,
    reply_window,
    split_duration,
)
from app.domain.message_templates import (
    MAX_VALUE_CHARS,
    MessageTemplate,
    TemplateValueError,
    fill,
    placeholders,
    preview,
    variables_of,
)
from app.domain.models import Channel, Message, MessageKind

NOW = 1_795_400_000
H = 3600


def message(kind: MessageKind, at: int, seq: int = 1) -> Message:
    return Message(seq, f"m{seq}", 1, seq, kind, "text", None, Channel.WHATSAPP, at)


def test_whatsapp_window_is_24_hours_from_the_customers_last_message() -> None:
    window = reply_window(Channel.WHATSAPP, NOW - (20 * H + 48 * 60), NOW)
    assert window is not None
    assert window.closes_at == NOW - (20 * H + 48 * 60) + 24 * H
    assert window.remaining == 3 * H + 12 * 60
    assert split_duration(window.remaining) == (0, 3, 12)
    assert window.state is WindowState.OPEN and window.is_open


def test_under_an_hour_left_is_closing_and_after_24_hours_it_is_closed() -> None:
    closing = reply_window(Channel.WHATSAPP, NOW - (23 * H + 10 * 60), NOW)
    assert closing is not None and closing.state is WindowState.CLOSING and closing.is_open
    closed = reply_window(Channel.WHATSAPP, NOW - 26 * H, NOW)
    assert closed is not None and closed.state is WindowState.CLOSED and not closed.is_open
    assert closed.remaining == 0 and closed.closed_for == 2 * H
    exactly = reply_window(Channel.WHATSAPP, NOW - 24 * H, NOW)
    assert exactly is not None and not exactly.is_open  # closes at the 24th hour


def test_messenger_has_the_same_window_but_no_template_path() -> None:
    window = reply_window(Channel.MESSENGER, NOW - 30 * H, NOW)
    assert window is not None and not window.is_open
    assert not window.template_allowed
    whatsapp = reply_window(Channel.WHATSAPP, NOW - 30 * H, NOW)
    assert whatsapp is not None and whatsapp.template_allowed


@pytest.mark.parametrize(
    "channel", [Channel.EMAIL, Channel.WEB_CHAT, Channel.LINE, Channel.SMS, Channel.PHONE]
)
def test_channels_without_a_documented_window_have_none(channel: Channel) -> None:
    assert reply_window(channel, NOW - 100 * H, NOW) is None


def test_only_the_customers_messages_open_the_window() -> None:
    messages = [
        message(MessageKind.CUSTOMER, NOW - 30 * H, 1),
        message(MessageKind.AGENT, NOW - H, 2),  # the business's own messages do not count
        message(MessageKind.NOTE, NOW - 60, 3),
    ]
    assert last_customer_message_at(messages) == NOW - 30 * H
    window = reply_window(Channel.WHATSAPP, last_customer_message_at(messages), NOW)
    assert window is not None and not window.is_open
    assert last_customer_message_at([message(MessageKind.AGENT, NOW, 1)]) is None
    never = reply_window(Channel.WHATSAPP, None, NOW)
    assert never is not None and not never.is_open and never.closed_for == 0


TEMPLATE = MessageTemplate(
    "t1",
    "order_update",
    "whatsapp",
    "en",
    "Hello {{1}}, your order {{2}} shipped. {{1}}, reply if needed.",
    ("1", "2"),
)


def test_fill_sends_exactly_what_the_preview_shows() -> None:
    values = {"1": " Ana ", "2": "BR-1234"}
    text, checked = fill(TEMPLATE, values)
    assert text == "Hello Ana, your order BR-1234 shipped. Ana, reply if needed."
    assert text == preview(TEMPLATE, values)
    assert checked == {"1": "Ana", "2": "BR-1234"}


def test_preview_keeps_unfilled_placeholders_visible() -> None:
    assert preview(TEMPLATE, {"1": "Ana"}) == (
        "Hello Ana, your order {{2}} shipped. Ana, reply if needed."
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [("", "missing"), ("   ", "missing"), ("a\nb", "line_break"), ("x" * 201, "too_long")],
)
def test_every_variable_is_required_one_line_and_bounded(value: str, reason: str) -> None:
    assert MAX_VALUE_CHARS == 200
    with pytest.raises(TemplateValueError) as error:
        fill(TEMPLATE, {"1": "Ana", "2": value})
    assert (error.value.variable, error.value.reason) == ("2", reason)


def test_named_placeholders_and_undeclared_ones_are_filled_too() -> None:
    template = MessageTemplate(
        "t2", "refund", "whatsapp", "en", "Hi {{ name }}, refund {{amount}}.", ("name",)
    )
    assert placeholders(template.body) == ("name", "amount")
    assert variables_of(template) == ("name", "amount")  # never sends a raw {{amount}}
    with pytest.raises(TemplateValueError):
        fill(template, {"name": "Ana"})
    assert fill(template, {"name": "Ana", "amount": "€12"})[0] == "Hi Ana, refund €12."
