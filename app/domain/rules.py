"""Inbox rules that need no storage: response targets and list previews."""

from __future__ import annotations

import re

from app.domain.models import Channel

# First-response targets by channel: messaging customers expect an answer within
# the hour, e-mail within a working day (the usual helpdesk SLA policies).
RESPONSE_TARGET_SECONDS: dict[Channel, int] = {
    Channel.WEB_CHAT: 15 * 60,
    Channel.WHATSAPP: 60 * 60,
    Channel.LINE: 60 * 60,
    Channel.MESSENGER: 60 * 60,
    Channel.SMS: 2 * 60 * 60,
    Channel.PHONE: 4 * 60 * 60,
    Channel.EMAIL: 24 * 60 * 60,
}

PREVIEW_CHARS = 160
_SPACES = re.compile(r"\s+")


def response_due(channel: Channel, received_at: int) -> int:
    """When a reply to a customer message received at ``received_at`` is due."""
    return received_at + RESPONSE_TARGET_SECONDS[channel]


def preview_of(body: str) -> str:
    """One line of at most PREVIEW_CHARS characters, for the conversation list."""
    head = body[: PREVIEW_CHARS * 4]
    line = _SPACES.sub(" ", head).strip()
    return line if len(line) <= PREVIEW_CHARS else line[: PREVIEW_CHARS - 1] + "…"
