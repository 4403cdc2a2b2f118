"""Building stores with exactly the conversations a test needs (through the real repository)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from app.domain.models import Channel, Customer, MessageKind, Status
from app.storage.store import Store

NOW = 1_795_400_000  # a fixed "now" (2026-11-23 02:13 UTC): SLA and local times are deterministic

_counter = itertools.count(1)


@dataclass
class Conv:
    """A conversation to insert: defaults are an open English e-mail thread."""

    customer: str = "Alice Example"
    country: str = "US"
    language: str = "en-US"
    timezone: str = "America/New_York"
    channel: Channel = Channel.EMAIL
    status: Status = Status.OPEN
    assignee: str | None = None  # agent uid
    tags: tuple[str, ...] = ()
    messages: list[tuple[MessageKind, str]] = field(
        default_factory=lambda: [(MessageKind.CUSTOMER, "Hello, where is my order?")]
    )
    sla_in: int | None = 3600  # seconds from NOW; None = no SLA
    snoozed_until: int | None = None
    subject: str | None = None
    handles: dict[str, str] = field(default_factory=dict)
    age: int = 7200  # first message this many seconds before NOW


def add_agents(repo: Store, me: str = "me") -> dict[str, int]:
    """Two agents: 'me' (set as the signed-in agent) and 'colleague'."""
    with repo.transaction():
        ids = {
            "me": repo.conversations.upsert_agent("me", "Mei Agent", "me@example.com"),
            "colleague": repo.conversations.upsert_agent("colleague", "Carl Colleague", None),
        }
        repo.meta.set("me_agent_uid", me)
    return ids


def add_conversation(repo: Store, conv: Conv, agents: dict[str, int]) -> int:
    """Insert one conversation with its messages; return its id."""
    n = next(_counter)
    with repo.transaction():
        customer_id = repo.conversations.insert_customer(
            Customer(
                0,
                f"cust-{n}",
                conv.customer,
                conv.country,
                conv.language,
                conv.timezone,
                conv.handles,
            ),
            NOW - conv.age,
        )
        cid = repo.conversations.insert_conversation(
            uid=f"conv-{n}",
            customer_id=customer_id,
            channel=conv.channel,
            subject=conv.subject,
            status=conv.status,
            assignee_id=agents[conv.assignee] if conv.assignee else None,
            language=conv.language,
            country=conv.country,
            created_at=NOW - conv.age,
        )
        step = conv.age // max(len(conv.messages), 1)
        for i, (kind, body) in enumerate(conv.messages):
            author = agents["me"] if kind in (MessageKind.AGENT, MessageKind.NOTE) else None
            repo.messages.add_message(
                cid, kind, body, NOW - conv.age + i * step, author_agent_id=author, reindex=False
            )
        repo.conversations.set_import_state(
            cid,
            status=conv.status,
            snoozed_until=conv.snoozed_until,
            sla_due_at=NOW + conv.sla_in if conv.sla_in is not None else None,
            unread=1 if conv.messages[-1][0] is MessageKind.CUSTOMER else 0,
        )
        for tag in conv.tags:
            repo.conversations.add_tag(cid, tag, NOW)
        repo.conversations.reindex(cid)
    return cid


# A small, varied inbox used by most UI tests.
STANDARD_INBOX: list[Conv] = [
    Conv(
        customer="Ana Souza",
        country="BR",
        language="pt-BR",
        timezone="America/Sao_Paulo",
        channel=Channel.WHATSAPP,
        assignee="me",
        tags=("installments",),
        sla_in=-1800,
        messages=[(MessageKind.CUSTOMER, "Dá pra parcelar em 6x sem juros no Pix?")],
    ),
    Conv(
        customer="Yuki Tanaka",
        country="JP",
        language="ja",
        timezone="Asia/Tokyo",
        channel=Channel.LINE,
        assignee="colleague",
        sla_in=1200,
        messages=[(MessageKind.CUSTOMER, "商品が届いていません。返金をお願いします。")],
    ),
    Conv(
        customer="Jonas Müller",
        country="DE",
        language="de",
        timezone="Europe/Berlin",
        channel=Channel.EMAIL,
        tags=("gdpr",),
        sla_in=5 * 3600,
        subject="Löschung meiner Daten",
        messages=[
            (MessageKind.CUSTOMER, "Bitte löschen Sie meine Daten gemäß Art. 17 DSGVO."),
            (MessageKind.AGENT, "Sehr geehrter Herr Müller, wir bearbeiten Ihre Anfrage."),
            (MessageKind.NOTE, "已转交法务"),
        ],
    ),
    Conv(
        customer="Fatima Al-Harbi",
        country="SA",
        language="ar",
        timezone="Asia/Riyadh",
        channel=Channel.WHATSAPP,
        status=Status.PENDING,
        assignee="me",
        tags=("cash-on-delivery",),
        sla_in=None,
        messages=[
            (MessageKind.CUSTOMER, "السلام عليكم، هل الدفع عند الاستلام متاح للطلب LM-2026-1001؟"),
            (MessageKind.AGENT, "وعليكم السلام، نعم متاح."),
        ],
    ),
    Conv(
        customer="Somchai Dee",
        country="TH",
        language="th",
        timezone="Asia/Bangkok",
        channel=Channel.MESSENGER,
        status=Status.RESOLVED,
        sla_in=None,
        messages=[
            (MessageKind.CUSTOMER, "ส่งของถึงแล้วครับ ขอบคุณครับ"),
            (MessageKind.AGENT, "ยินดีครับ"),
        ],
    ),
    Conv(
        customer="Priya Sharma",
        country="IN",
        language="en-IN",
        timezone="Asia/Kolkata",
        channel=Channel.SMS,
        status=Status.SNOOZED,
        snoozed_until=NOW + 86400,
        sla_in=None,
        messages=[(MessageKind.CUSTOMER, "Kindly do the needful and share the refund status.")],
    ),
    Conv(
        customer="Carlos Pérez",
        country="MX",
        language="es-MX",
        timezone="America/Mexico_City",
        channel=Channel.WEB_CHAT,
        sla_in=300,
        messages=[(MessageKind.CUSTOMER, "¿Tienen meses sin intereses con tarjeta?")],
    ),
]
