"""Generate a large workspace for the inbox benchmark: 100,000 conversations, 1,000,000 messages.

Written straight into the real schema (``connect`` creates it) with bulk
inserts, and the full-text documents built exactly as the app builds them
(``app.storage.fts.conversation_document``). Deterministic (seeded), so runs compare.

    python tests/perf/generate_store.py OUT.sqlite3 [--conversations N] [--messages M]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from app.domain.models import Channel, Status
from app.domain.rules import preview_of
from app.storage.db import connect
from app.storage.fts import conversation_document

LONG_THREADS = 20  # conversations with exactly 500 messages, for the "open" benchmark
LONG_LENGTH = 500
NOW = int(time.time())

CUSTOMERS = [  # (country, language, zone, first names, last names)
    ("BR", "pt-BR", "America/Sao_Paulo", ["Ana", "João", "Mariana", "Lucas"], ["Souza", "Silva"]),
    ("MX", "es-MX", "America/Mexico_City", ["Carlos", "Lucía", "Diego"], ["Pérez", "García"]),
    ("ES", "es-ES", "Europe/Madrid", ["Javier", "Carmen", "Pablo"], ["López", "Martín"]),
    ("SA", "ar", "Asia/Riyadh", ["فاطمة", "محمد", "نورة"], ["الحربي", "العتيبي"]),
    ("AE", "ar", "Asia/Dubai", ["Ahmed", "Mariam", "Omar"], ["Al Mansoori", "Khan"]),
    ("JP", "ja", "Asia/Tokyo", ["由紀", "健太", "さくら"], ["田中", "佐藤"]),
    ("IN", "en-IN", "Asia/Kolkata", ["Priya", "Rahul", "Anjali"], ["Sharma", "Patel"]),
    ("ID", "id", "Asia/Jakarta", ["Budi", "Siti", "Dewi"], ["Santoso", "Wijaya"]),
    ("DE", "de", "Europe/Berlin", ["Jonas", "Anna", "Lukas"], ["Müller", "Schmidt"]),
    ("FR", "fr", "Europe/Paris", ["Camille", "Louis", "Léa"], ["Martin", "Bernard"]),
    ("KR", "ko", "Asia/Seoul", ["지민", "서연", "민준"], ["김", "이"]),
    ("TH", "th", "Asia/Bangkok", ["สมชาย", "มาลี"], ["ใจดี", "สุขสันต์"]),
    ("VN", "vi", "Asia/Ho_Chi_Minh", ["Minh", "Lan", "Huy"], ["Nguyễn", "Trần"]),
    ("TW", "zh-TW", "Asia/Taipei", ["怡君", "冠宇"], ["陳", "林"]),
    ("US", "en-US", "America/New_York", ["Emily", "Jake", "Olivia"], ["Johnson", "Smith"]),
    ("GB", "en-GB", "Europe/London", ["Oliver", "Amelia"], ["Taylor", "Brown"]),
]

PHRASES = {
    "pt": [
        "onde está meu pedido",
        "quero parcelar no cartão",
        "o rastreio está parado",
        "posso pagar com Pix",
        "o produto chegou com defeito",
        "quero devolver",
    ],
    "es": [
        "dónde está mi pedido",
        "meses sin intereses",
        "el paquete sigue en aduana",
        "quiero un reembolso",
        "llegó dañado",
        "pago contra entrega",
    ],
    "ar": [
        "السلام عليكم",
        "أين طلبي",
        "الدفع عند الاستلام",
        "أريد استرجاع المبلغ",
        "المنتج وصل تالف",
        "متى يصل الشحن",
    ],
    "ja": [
        "商品がまだ届いていません",
        "返金をお願いします",
        "配送状況を教えてください",
        "不良品でした",
        "コンビニ払いはできますか",
    ],
    "en": [
        "where is my order",
        "kindly share the refund status",
        "the parcel is stuck in customs",
        "can I pay cash on delivery",
        "the item arrived damaged",
        "please cancel my order",
    ],
    "id": ["pesanan saya belum sampai", "bisa bayar di tempat", "minta refund", "barang rusak"],
    "de": [
        "wo bleibt meine Bestellung",
        "ich möchte widerrufen",
        "Gewährleistung",
        "bitte löschen Sie meine Daten",
        "die Lieferung ist beschädigt",
    ],
    "fr": [
        "où est ma commande",
        "je souhaite un remboursement",
        "colis bloqué en douane",
        "le produit est défectueux",
    ],
    "ko": ["배송이 너무 늦어요", "환불해 주세요", "주문 취소하고 싶어요", "제품이 불량이에요"],
    "th": ["ยังไม่ได้รับของครับ", "ขอคืนเงินค่ะ", "เก็บเงินปลายทางได้ไหม", "สินค้าชำรุด"],
    "vi": ["đơn hàng của tôi đâu rồi", "tôi muốn hoàn tiền", "thanh toán khi nhận hàng"],
    "zh": ["我的訂單什麼時候到", "我想申請退款", "商品有質量問題", "可以貨到付款嗎"],
}
AGENT_PHRASES = [
    "Thank you for your patience",
    "we have contacted the carrier",
    "your refund has been issued",
    "the tracking number is",
    "sorry for the delay",
]
CHANNELS = list(Channel)
TAGS = [
    "delivery-delay",
    "customs",
    "return",
    "refund",
    "installments",
    "cash-on-delivery",
    "warranty",
    "gdpr",
    "price-negotiation",
    "quality-complaint",
    "vip",
    "escalated",
]


def message_text(rng: random.Random, language: str, agent: bool) -> str:
    phrases = AGENT_PHRASES if agent else PHRASES[language.split("-")[0]]
    words = [rng.choice(phrases) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.3:
        words.append(f"LM-2026-{rng.randint(100000, 999999)}")
    return ", ".join(words) + rng.choice([".", "?", "!", " 🙏", ""])


def generate(path: Path, conversations: int, messages: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    conn = connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    agents = [(i + 1, f"agent-{i}", f"Agent {i}") for i in range(12)]
    conn.executemany("INSERT INTO agents (id, uid, name) VALUES (?, ?, ?)", agents)
    conn.execute("INSERT INTO meta (key, value) VALUES ('me_agent_uid', 'agent-0')")
    conn.executemany("INSERT INTO tags (id, name) VALUES (?, ?)", list(enumerate(TAGS, 1)))
    spare = messages - LONG_THREADS * LONG_LENGTH
    per_conversation = [1] * conversations
    for i in range(LONG_THREADS):
        per_conversation[i * (conversations // LONG_THREADS)] = LONG_LENGTH
    remaining = spare - (conversations - LONG_THREADS)
    while remaining > 0:
        i = rng.randrange(conversations)
        if per_conversation[i] < 60:
            per_conversation[i] += 1
            remaining -= 1
    message_id = 0
    for cid in range(1, conversations + 1):
        country, language, zone, first, last = rng.choice(CUSTOMERS)
        name = f"{rng.choice(first)} {rng.choice(last)} {cid}"
        handles = {"email": f"customer{cid}@example.com"}
        count = per_conversation[cid - 1]
        start = NOW - rng.randint(600, 60 * 86400)
        status = rng.choices(list(Status), weights=[45, 20, 10, 25])[0]
        channel = rng.choice(CHANNELS)
        rows = []
        t = start
        bodies = []
        kind = "customer"
        for seq in range(1, count + 1):
            t += rng.randint(30, 3600)
            kind = "customer" if seq == 1 or rng.random() < 0.55 else rng.choice(["agent", "note"])
            body = message_text(rng, language, kind != "customer")
            message_id += 1
            rows.append(
                (
                    message_id,
                    f"m{message_id}",
                    cid,
                    seq,
                    kind,
                    None if kind == "customer" else rng.randint(1, 12),
                    body,
                    language if kind != "note" else None,
                    channel.value,
                    t,
                )
            )
            bodies.append(body)
        conn.execute(
            "INSERT INTO customers (id, uid, name, country, language, timezone, handles,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (cid, f"c{cid}", name, country, language, zone, json.dumps(handles), start),
        )
        sla = (t + rng.randint(-7200, 86400)) if status in (Status.OPEN, Status.PENDING) else None
        conn.execute(
            "INSERT INTO conversations (id, uid, customer_id, channel, status, assignee_id,"
            " language, language_primary, country, sla_due_at, snoozed_until, last_activity_at,"
            " last_message_preview, last_message_kind, unread_count, message_count, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                cid,
                f"conv{cid}",
                cid,
                channel.value,
                status.value,
                rng.choice([None, *range(1, 13)]),
                language,
                language.split("-")[0],
                country,
                sla,
                NOW + 86400 if status is Status.SNOOZED else None,
                t,
                preview_of(bodies[-1]),
                "customer" if kind == "note" else kind,
                rng.choice([0, 0, 1, 2]),
                count,
                start,
                t,
            ),
        )
        conn.executemany(
            "INSERT INTO messages (id, uid, conversation_id, seq, kind, author_agent_id, body,"
            " language, channel, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        for tag in rng.sample(range(1, len(TAGS) + 1), rng.choice([0, 0, 1, 2])):
            conn.execute("INSERT INTO conversation_tags VALUES (?, ?)", (cid, tag))
        conn.execute(
            "INSERT INTO conversations_fts (rowid, name, body) VALUES (?, ?, ?)",
            (cid, *conversation_document(name, json.dumps(handles), None, bodies)),
        )
    conn.execute("COMMIT")
    conn.execute("INSERT INTO conversations_fts (conversations_fts) VALUES ('optimize')")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    args = parser.parse_args()
    started = time.perf_counter()
    tmp = args.out.with_suffix(".partial")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    generate(tmp, args.conversations, args.messages)
    tmp.replace(args.out)
    print(f"generated {args.out} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
