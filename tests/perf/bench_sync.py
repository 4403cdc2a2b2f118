"""Sync benchmark: a fresh client store pulling 10,000 conversations / 200,000 messages.

    python tests/perf/bench_sync.py [--sizes full|small] [--runs 3] [--increments 5]

The reference server (``python -m app.server``) runs in its own process, on a copy
of a seeded SQLite database (built once with the server's own table definitions and
cached in the user cache folder, keyed by size). Realistic data: 16 customer
countries and 12 languages, about 20 messages per conversation (1 to 200), short
chat lines and long e-mails, translated agent replies with provenance, notes, system
events, tags; messages interleaved in time across conversations, as a live helpdesk
writes them, so every feed page touches hundreds of conversations.

Measured on the client's real code (``SyncEngine`` over ``ServerClient``, the store
written through a store lane):

- ``initial``: one ``sync_once`` into an empty store, in a fresh process: wall
  time, messages per second, peak RSS of that process (median of ``--runs``;
  target >= 5,000 messages/s);
- ``incremental_s``: one ``sync_once`` after 100 changes made on the server by
  other accounts (50 new customer messages, 50 status/tag changes by a lead),
  repeated ``--increments`` times (target <= 1 s);
- ``ui_stall_ms``: the real application window (offscreen, built by ``CrossDeskApp``
  as ``crossdesk`` builds it) signed in to the server, syncing through its own
  ``SyncController`` and ``QtTaskRunner`` (engine on the compute lane, writes on the
  store lane), with a 5 ms QTimer on the UI thread: the longest gap between ticks
  while an initial sync (the full data set, in the window too) and three incremental
  syncs run (target <= 50 ms). ``ui_stall_after_sync_ms``: the same once a cycle's
  report has reached the window, while it reloads the list, the filter menus and the
  open conversation (the window's own work; after the initial sync, its first
  rendering of conversations).

The machine's load average is recorded: other work on a 2-core machine shows in the
figures. Peak RSS is VmHWM where /proc exists (``ru_maxrss`` survives exec on Linux,
so a child would report its parent's peak).

Prints progress on stderr and one JSON object on the last line of stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.helpers.sql import sql  # noqa: E402
from tests.perf.figures import percentile  # noqa: E402
from tests.perf.generate_store import CUSTOMERS  # noqa: E402  (the inbox benchmark's mix)
from tests.perf.qt_wait import wait_until  # noqa: E402

SEED_VERSION = "sync-server-v1"
DB_FILE = "crossdesk-server.sqlite3"  # app.server.config.DB_FILE_NAME

SIZES: dict[str, dict[str, tuple[int, int]]] = {
    # (conversations, messages) for the headless runs and for the window
    "full": {"headless": (10_000, 200_000), "ui": (10_000, 200_000)},
    "small": {"headless": (1_000, 20_000), "ui": (500, 10_000)},
}
TARGETS = {"initial_messages_per_s": 5000, "incremental_s": 1.0, "ui_stall_ms": 50}

AGENT_ID = "bench.agent"
AGENT_PASSWORD = "bench-password-1"
LEAD_ID = "bench.lead"
LEAD_PASSWORD = "bench-password-2"
INTEGRATION_ID = "bench.channels"


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------ seeding
PHRASES = {
    "pt": [
        "Olá, boa tarde",
        "onde está meu pedido",
        "quero parcelar no cartão em 3 vezes",
        "o rastreio está parado há uma semana",
        "posso pagar com Pix?",
        "o produto chegou com defeito e a caixa estava amassada",
        "quero devolver e receber o reembolso",
    ],
    "es": [
        "Hola, buenas tardes",
        "¿dónde está mi pedido?",
        "¿puedo pagar a meses sin intereses?",
        "el paquete sigue en aduana desde el lunes",
        "quiero un reembolso, por favor",
        "llegó dañado y falta una pieza",
        "¿aceptan pago contra entrega?",
    ],
    "ar": [
        "السلام عليكم",
        "أين طلبي؟",
        "هل يمكن الدفع عند الاستلام",
        "أريد استرجاع المبلغ من فضلك",
        "المنتج وصل تالف والعلبة مفتوحة",
        "متى يصل الشحن إلى الرياض",
    ],
    "ja": [
        "お世話になっております。",
        "商品がまだ届いていません。",
        "返金をお願いできますでしょうか。",
        "配送状況を教えてください。",
        "届いた商品が不良品でした。",
        "コンビニ払いはできますか。",
    ],
    "en": [
        "Hi there",
        "where is my order?",
        "kindly share the refund status",
        "the parcel has been stuck in customs for five days",
        "can I pay cash on delivery",
        "the item arrived damaged, the screen is cracked",
        "please cancel my order before it ships",
    ],
    "id": [
        "Halo kak",
        "pesanan saya belum sampai",
        "bisa bayar di tempat?",
        "minta refund ya kak",
        "barangnya rusak waktu sampai",
    ],
    "de": [
        "Guten Tag",
        "wo bleibt meine Bestellung?",
        "ich möchte vom Kauf zurücktreten",
        "gilt dafür noch die Gewährleistung?",
        "bitte löschen Sie meine Daten gemäß DSGVO",
        "die Lieferung ist beschädigt angekommen",
    ],
    "fr": [
        "Bonjour",
        "où en est ma commande ?",
        "je souhaite un remboursement",
        "mon colis est bloqué en douane",
        "le produit est défectueux, il ne s'allume plus",
    ],
    "ko": [
        "안녕하세요",
        "배송이 너무 늦어요",
        "환불해 주세요",
        "주문 취소하고 싶어요",
        "제품이 불량이에요",
    ],
    "th": ["สวัสดีครับ", "ยังไม่ได้รับของครับ", "ขอคืนเงินค่ะ", "เก็บเงินปลายทางได้ไหม", "สินค้าชำรุด"],
    "vi": [
        "Xin chào",
        "đơn hàng của tôi đâu rồi",
        "tôi muốn hoàn tiền",
        "thanh toán khi nhận hàng",
    ],
    "zh": ["您好", "我的訂單什麼時候到", "我想申請退款", "商品有質量問題", "可以貨到付款嗎"],
}
AGENT_PHRASES = [
    "Thank you for your patience.",
    "I have contacted the carrier and asked for an update.",
    "Your refund has been issued and should reach your card in 5-7 business days.",
    "The tracking number is {order}.",
    "Sorry for the delay, the parcel is waiting for customs clearance.",
    "Could you send a photo of the damaged item?",
    "I have escalated this to our logistics team.",
    "Is there anything else I can help you with?",
]
NOTES = [
    "Customer is a repeat buyer, offer free shipping on the replacement.",
    "Carrier confirmed the parcel is held at customs; waiting for the invoice.",
    "客户很着急，请优先处理。",
    "Refund approved by the lead, see ticket {order}.",
    "Check the warehouse photos before answering.",
]
SYSTEM = ["Conversation assigned to {agent}.", "The customer rated this conversation 5/5."]
CHANNELS = ["email", "web_chat", "whatsapp", "line", "messenger", "sms", "phone"]
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
SLA = {
    "web_chat": 900,
    "whatsapp": 3600,
    "line": 3600,
    "messenger": 3600,
    "sms": 7200,
    "phone": 14400,
    "email": 86400,
}


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _order(rng: random.Random) -> str:
    return f"LM-2026-{rng.randint(100000, 999999)}"


def _customer_text(rng: random.Random, language: str, long: bool) -> str:
    phrases = PHRASES[language.split("-")[0]]
    count = rng.randint(6, 14) if long else rng.randint(1, 3)
    parts = [rng.choice(phrases) for _ in range(count)]
    if rng.random() < 0.3:
        parts.append(f"#{_order(rng)}")
    joiner = "\n" if long else ", "
    return joiner.join(parts) + rng.choice(["", "", ".", "!", " 🙏", "??"])


def _agent_text(rng: random.Random) -> str:
    count = rng.randint(1, 3)
    return " ".join(rng.choice(AGENT_PHRASES) for _ in range(count)).format(order=_order(rng))


def _message_counts(rng: random.Random, conversations: int, messages: int) -> list[int]:
    """About messages/conversations each (1 to 200), summing exactly to ``messages``."""
    weights = [rng.lognormvariate(0, 0.8) for _ in range(conversations)]
    scale = (messages - conversations) / sum(weights)
    counts = [min(200, 1 + int(w * scale)) for w in weights]
    remaining = messages - sum(counts)
    while remaining:
        i = rng.randrange(conversations)
        if remaining > 0 and counts[i] < 200:
            counts[i] += 1
            remaining -= 1
        elif remaining < 0 and counts[i] > 1:
            counts[i] -= 1
            remaining += 1
    return counts


def seed_server_database(folder: Path, conversations: int, messages: int, seed: int = 11) -> None:
    """Write accounts, customers, conversations and messages straight into the server's
    tables (bulk inserts through its SQLAlchemy definitions), with feed sequence numbers
    in the order a live server would have given them."""
    from sqlalchemy import insert, update

    from app.server import auth, db
    from app.server.db import Database
    from app.server.store import fingerprint

    rng = random.Random(seed)
    now = int(time.time())
    database = Database(f"sqlite:///{(folder / DB_FILE).resolve()}")
    database.create_schema()
    agents = [(AGENT_ID, "Bench Agent")] + [(f"agent-{i:02d}", f"Agent {i}") for i in range(1, 12)]
    with database.write() as conn:
        for agent_id, name in agents:
            password = AGENT_PASSWORD if agent_id == AGENT_ID else None
            auth.create_account(
                conn,
                account_id=agent_id,
                name=name,
                roles=["agent"],
                now=now,
                password=password,
                languages=["en", "zh"],
            )
        auth.create_account(
            conn,
            account_id=LEAD_ID,
            name="Bench Lead",
            roles=["lead"],
            now=now,
            password=LEAD_PASSWORD,
        )
        auth.create_account(
            conn, account_id=INTEGRATION_ID, name="Channels", roles=["integration"], now=now
        )
        integration_token = auth.create_api_token(conn, INTEGRATION_ID, now)
    agent_ids = [a for a, _ in agents]
    agent_names = dict(agents)

    counts = _message_counts(rng, conversations, messages)
    customer_rows: list[dict[str, Any]] = []
    conversation_rows: list[dict[str, Any]] = []
    events: list[tuple[int, int, dict[str, Any]]] = []  # (created_at, conversation, row)
    for n, count in enumerate(counts):
        country, language, zone, first, last = rng.choice(CUSTOMERS)[:5]
        customer_id = f"cu-{n:06d}"
        name = f"{rng.choice(first)} {rng.choice(last)}"
        handles = {"email": f"customer{n}@example.com"}
        if rng.random() < 0.5:
            handles["whatsapp"] = f"+{rng.randint(10, 99)} {rng.randint(10**8, 10**9 - 1)}"
        customer_rows.append(
            {
                "id": customer_id,
                "name": name,
                "country": country,
                "language": language,
                "timezone": zone,
                "handles": handles,
            }
        )
        channel = rng.choice(CHANNELS)
        conversation_id = f"cv-{n:06d}"
        assignee = rng.choice([None, *agent_ids])
        t = now - rng.randint(3600, 60 * 86400)
        gaps = [int(rng.expovariate(1 / 1800)) + 5 for _ in range(count)]
        t = min(t, now - 60 - sum(gaps))
        last_activity = last_customer = t
        for seq in range(1, count + 1):
            t += gaps[seq - 1]
            draw = rng.random()
            kind = (
                "customer"
                if seq == 1 or draw < 0.5
                else "agent"
                if draw < 0.9
                else "note"
                if draw < 0.97
                else "system"
            )
            author_agent = assignee or rng.choice(agent_ids)
            row: dict[str, Any] = {
                "id": _uid(rng),
                "conversation_id": conversation_id,
                "seq": seq,
                "kind": kind,
                "author_type": "agent",
                "author_id": author_agent,
                "author_name": agent_names[author_agent],
                "language": None,
                "original_body": None,
                "original_language": None,
                "provenance": None,
                "created_at": t,
            }
            if kind == "customer":
                long = channel == "email" and rng.random() < 0.4
                row.update(
                    author_type="customer",
                    author_id=customer_id,
                    author_name=name,
                    body=_customer_text(rng, language, long),
                    language=language,
                )
                last_customer = t
            elif kind == "agent":
                base = language.split("-")[0]
                if base != "en" and rng.random() < 0.6:  # written in English, sent translated
                    original = _agent_text(rng)
                    row.update(
                        body=_customer_text(rng, language, False),
                        language=language,
                        original_body=original,
                        original_language="en",
                        provenance={
                            "kind": "mt",
                            "route": f"en->{base}",
                            "pivots": [],
                            "confidence": round(rng.uniform(0.6, 0.97), 2),
                            "source_language": "en",
                            "target_language": base,
                        },
                    )
                else:
                    row.update(body=_agent_text(rng), language="en")
            elif kind == "note":
                row.update(body=rng.choice(NOTES).format(order=_order(rng)))
            else:
                row.update(
                    author_type="system",
                    author_id=None,
                    author_name=None,
                    body=rng.choice(SYSTEM).format(agent=agent_names[author_agent]),
                )
            row["fingerprint"] = fingerprint(
                {"conversation_id": conversation_id, "id": row["id"], "body": row["body"]}
            )
            if kind != "note":
                last_activity = t
            events.append((t, n, row))
        status = rng.choices(["open", "pending", "snoozed", "resolved"], [40, 15, 5, 40])[0]
        tags = rng.sample(TAGS, rng.choice([0, 0, 1, 1, 2, 3]))
        conversation_rows.append(
            {
                "id": conversation_id,
                "version": count + rng.randint(0, 4),
                "customer_id": customer_id,
                "channel": channel,
                "subject": f"Order {_order(rng)}" if channel == "email" else None,
                "status": status,
                "assignee_id": assignee,
                "tags": tags,
                "language": language,
                "sla_due_at": last_customer + SLA[channel]
                if status in ("open", "pending")
                else None,
                "snoozed_until": now + rng.randint(3600, 7 * 86400)
                if status == "snoozed"
                else None,
                "last_message_seq": count,
                "last_activity_at": last_activity,
                "created_at": events[-count][0],
                "updated_at": t,
            }
        )
    events.sort(key=lambda e: (e[0], e[1], e[2]["seq"]))
    seq = 0
    for _, n, row in events:  # each message, then its conversation's update, takes a seq
        seq += 1
        row["change_seq"] = seq
        seq += 1
        conversation_rows[n]["change_seq"] = seq
    with database.write() as conn:
        conn.execute(insert(db.customers), customer_rows)
        for start in range(0, len(conversation_rows), 5000):
            conn.execute(insert(db.conversations), conversation_rows[start : start + 5000])
        for start in range(0, len(events), 5000):
            conn.execute(insert(db.messages), [row for _, _, row in events[start : start + 5000]])
        conn.execute(update(db.counter).where(db.counter.c.id == 1).values(value=seq))
    with database.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    (folder / "credentials.json").write_text(
        json.dumps(
            {
                "agent": [AGENT_ID, AGENT_PASSWORD],
                "lead": [LEAD_ID, LEAD_PASSWORD],
                "integration_token": integration_token,
                "conversations": conversations,
                "messages": messages,
            }
        )
    )


def ensure_server_database(cache: Path, conversations: int, messages: int) -> Path:
    folder = cache / SEED_VERSION / f"{conversations}c-{messages}m"
    if (folder / "credentials.json").exists():
        return folder
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    log(f"seeding the server database {folder} (once)...")
    started = time.perf_counter()
    seed_server_database(partial, conversations, messages)
    partial.rename(folder)
    log(f"seeded in {time.perf_counter() - started:.0f} s")
    return folder


# ------------------------------------------------------------------------ the server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(seeded: Path) -> Iterator[str]:
    """``python -m app.server`` in its own process, on a copy of the seeded database."""
    import httpx

    with tempfile.TemporaryDirectory(prefix="crossdesk-bench-server-") as data:
        shutil.copy2(seeded / DB_FILE, Path(data) / DB_FILE)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with (Path(data) / "server.log").open("wb") as server_log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "app.server", "--data-dir", data, "--port", str(port)],
                cwd=ROOT,
                stdout=server_log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            try:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        httpx.get(f"{url}/v1/me", timeout=1)
                        break
                    except httpx.TransportError:
                        if proc.poll() is not None or time.monotonic() > deadline:
                            raise RuntimeError(
                                "the server did not start:\n"
                                + (Path(data) / "server.log").read_text()
                            ) from None
                        time.sleep(0.1)
                yield url
            finally:
                proc.terminate()
                proc.wait(timeout=30)


# ------------------------------------------------------------------------ server-side changes
class Changer:
    """Another account changing things on the server: new customer messages arriving
    through a channel integration, and a lead changing status and tags."""

    def __init__(self, url: str, credentials: dict[str, Any], seed: int) -> None:
        import httpx

        from app.sync.client import ServerClient

        self.rng = random.Random(seed)
        self.conversations = int(credentials["conversations"])
        lead = ServerClient(url)
        lead.sign_in(username=credentials["lead"][0], password=credentials["lead"][1])
        self.lead = lead
        self.channels = httpx.Client(
            base_url=url,
            headers={"Authorization": f"Bearer {credentials['integration_token']}"},
            timeout=30,
        )
        self.expected: dict[str, dict[str, Any]] = {}  # conversation -> what it must show

    def make(self, count: int) -> None:
        """``count`` changes: half new customer messages, half status/tag changes."""
        picked = self.rng.sample(range(self.conversations), count)
        for i, n in enumerate(picked):
            conversation_id = f"cv-{n:06d}"
            current, _etag = self.lead.conversation(conversation_id)
            if i % 2 == 0:
                message_id = _uid(self.rng)
                language = current.customer.language or "en"
                body = {
                    "conversation": {
                        "id": conversation_id,
                        "customer": current.customer.model_dump(mode="json"),
                        "channel": current.channel,
                        "language": current.language,
                    },
                    "message": {
                        "id": message_id,
                        "body": _customer_text(self.rng, language, False),
                        "language": language,
                    },
                }
                response = self.channels.post(
                    "/v1/inbound/messages", json=body, headers={"Idempotency-Key": _uid(self.rng)}
                )
                response.raise_for_status()
                self.expected[conversation_id] = {"message": message_id, "status": "open"}
            else:
                if current.status in ("open", "pending"):
                    patch: dict[str, Any] = {"status": "resolved"}
                else:
                    patch = {"status": "open"}
                tag = self.rng.choice(TAGS)
                patch["tags"] = (
                    {"remove": [tag]} if tag in current.tags else {"add": [tag], "remove": []}
                )
                changed = self.lead.patch(conversation_id, patch, current.version, _uid(self.rng))
                self.expected[conversation_id] = {"status": changed.status, "tags": changed.tags}

    def check(self, conn: Any) -> None:
        """The client store shows every change made so far."""
        for conversation_id, want in self.expected.items():
            status, local = conn.execute(
                "SELECT status, id FROM conversations WHERE uid = ?", (conversation_id,)
            ).fetchone()
            if "message" in want:
                found = conn.execute(
                    "SELECT 1 FROM messages WHERE uid = ?", (want["message"],)
                ).fetchone()
                assert found, f"message {want['message']} missing"
            if "tags" in want:
                tags = sorted(
                    r[0]
                    for r in conn.execute(
                        "SELECT t.name FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id"
                        " WHERE ct.conversation_id = ?",
                        (local,),
                    )
                )
                assert tags == sorted(want["tags"]), (conversation_id, tags, want)
            assert status == want["status"], (conversation_id, status, want)

    def close(self) -> None:
        self.lead.close()
        self.channels.close()


def _check_initial(conn: Any, conversations: int, messages: int) -> None:
    counts = conn.execute(
        "SELECT (SELECT count(*) FROM conversations), (SELECT count(*) FROM messages),"
        " (SELECT count(*) FROM conversations_fts),"
        " (SELECT count(*) FROM messages WHERE server_seq IS NULL),"
        " (SELECT sum(message_count) FROM conversations)"
    ).fetchone()
    assert counts == (conversations, messages, conversations, 0, messages), counts
    # The search index holds the last message of every conversation.
    sample = conn.execute(
        "SELECT c.id, m.body FROM conversations c JOIN messages m ON m.conversation_id = c.id"
        " AND m.seq = c.message_count ORDER BY c.id LIMIT 200"
    ).fetchall()
    for conversation_id, body in sample:
        document = conn.execute(
            "SELECT body FROM conversations_fts WHERE rowid = ?", (conversation_id,)
        ).fetchone()[0]
        from app.storage.fts import index_text

        assert index_text(body) in document, conversation_id


def _rss_mb() -> float:
    """Peak resident memory of this process. Linux keeps ``ru_maxrss`` across exec (a child
    would inherit the orchestrator's peak), so VmHWM is read first where it exists."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------------ headless client
def headless(url: str, seeded: Path, increments: int, profile: str | None) -> dict[str, Any]:
    """One fresh client store: the initial sync, then ``increments`` incremental ones."""
    from app.ops.outbox import SYNC_AGENT_KEY, SYNC_SERVER_KEY
    from app.ops.tasks import InlineTaskRunner
    from app.storage.store import Store
    from app.sync.client import ServerClient
    from app.sync.engine import SyncEngine

    credentials = json.loads((seeded / "credentials.json").read_text())
    conversations, messages = credentials["conversations"], credentials["messages"]
    with tempfile.TemporaryDirectory(prefix="crossdesk-bench-client-") as folder:
        store = Path(folder) / "server-bench.sqlite3"
        runner = InlineTaskRunner(lambda: Store.open(store))
        repo = runner.repository
        agent_id, password = credentials["agent"]
        with repo.transaction():  # as app.ui.shell.application.mark_server_workspace does
            repo.meta.set(SYNC_SERVER_KEY, url)
            repo.meta.set(SYNC_AGENT_KEY, agent_id)
            repo.meta.set("me_agent_uid", agent_id)
            repo.conversations.upsert_agent(agent_id, "Bench Agent", None)
        client = ServerClient(url)
        client.sign_in(username=agent_id, password=password)
        engine = SyncEngine(client, runner.store_call)
        rss_before = _rss_mb()
        profiler = None
        if profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.001)
            profiler.start()
        started = time.perf_counter()
        report = engine.sync_once()
        initial_s = time.perf_counter() - started
        if profiler is not None:
            profiler.stop()
            Path(profile).write_text(profiler.output_text(unicode=True, show_all=False))
        rss_initial = _rss_mb()
        assert report.online and report.error is None, report
        assert report.pulled_messages == messages, report.pulled_messages
        _check_initial(sql(repo), conversations, messages)
        log(f"  initial: {initial_s:.1f} s, {messages / initial_s:,.0f} messages/s")

        changer = Changer(url, credentials, seed=7)
        incremental = []
        for _ in range(increments):
            changer.make(100)
            started = time.perf_counter()
            report = engine.sync_once()
            incremental.append(time.perf_counter() - started)
            assert report.online and report.error is None, report
            changer.check(sql(repo))
        changer.close()
        client.close()
        runner.shutdown()
        log("  incremental: " + ", ".join(f"{s * 1000:.0f} ms" for s in incremental))
    return {
        "initial_s": initial_s,
        "messages_per_s": messages / initial_s,
        "conversations": conversations,
        "messages": messages,
        "rss_before_sync_mb": rss_before,
        "peak_rss_mb": rss_initial,
        "incremental_s": incremental,
    }


# ------------------------------------------------------------------------ the window
class Probe:
    """A 5 ms timer on the UI thread: the gaps between its ticks are how long the thread
    could not run its event loop. Each gap is filed under the phase it ended in."""

    def __init__(self) -> None:
        from PySide6.QtCore import QElapsedTimer, Qt, QTimer

        self.gaps: dict[str, list[float]] = {}
        self.worst: dict[str, list[tuple[float, float]]] = {}  # (ms, ended at s)
        self.phase = "sync"
        self._clock = QElapsedTimer()
        self._since = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps = {"sync": [], "refresh": []}
        self.worst = {"sync": [], "refresh": []}
        self.phase = "sync"
        self._clock.start()
        self._since.start()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        gap = self._clock.nsecsElapsed() / 1e6
        self._clock.restart()
        self.gaps[self.phase].append(gap)
        if gap > 20:
            self.worst[self.phase].append((round(gap, 1), round(self._since.elapsed() / 1000, 2)))


def _gap_figures(gaps: list[float], worst: list[tuple[float, float]]) -> dict[str, Any]:
    return {
        "max_ms": round(max(gaps, default=0), 1),
        "p99_ms": round(percentile(gaps, 99), 1) if gaps else 0,
        "ticks": len(gaps),
        "over_20ms": sorted(worst, reverse=True)[:5],  # (gap ms, at s)
    }


def sign_in_to_keychain(url: str, seeded: Path) -> str:
    """Sign the seeded agent in, its tokens in an in-memory keychain (never the
    machine's), as the sign-in dialog would; returns the agent id."""
    import keyring

    from app.sync import auth
    from app.sync.client import ServerClient
    from tests.helpers.keychain import MemoryKeyring

    credentials = json.loads((seeded / "credentials.json").read_text())
    agent_id, password = credentials["agent"]
    keyring.set_keyring(MemoryKeyring())
    signer = ServerClient(url)
    auth.save(url, agent_id, signer.sign_in(username=agent_id, password=password))
    signer.close()
    return str(agent_id)


def window(url: str, seeded: Path) -> dict[str, Any]:
    """The real app window signed in to the server, syncing on its own lanes.

    ``sync`` gaps: from the cycle's start until its report reaches the window. ``refresh``
    gaps: then until the window has done what a report makes it do (reload the list, the
    filter menus, the open conversation) and painted it."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.config.paths import Paths
    from app.config.settings import Settings
    from app.ui.shell.application import CrossDeskApp, LaunchOptions
    from app.ui.shell.style import STYLE_SHEET
    from app.ui.sync.status import SyncController

    agent_id = sign_in_to_keychain(url, seeded)
    credentials = json.loads((seeded / "credentials.json").read_text())

    qt_app = QApplication.instance() or QApplication([])
    qt_app.setStyleSheet(STYLE_SHEET)
    data = Path(tempfile.mkdtemp(prefix="crossdesk-bench-ui-"))
    settings = Settings(
        ui_language="en", workspace=f"{url}|{agent_id}", workspace_agent_name="Bench Agent"
    )
    crossdesk = CrossDeskApp(qt_app, Paths(data), settings, LaunchOptions(ui_language="en"))
    probe = Probe()

    def wait(condition: Any, timeout_s: float = 600) -> None:
        wait_until(condition, timeout_s, tick_ms=50)

    reports: list[Any] = []

    def measured(action: Any) -> dict[str, Any]:
        """Run ``action`` (a sync), then the event loop until the window has settled."""
        reports.clear()
        probe.start()
        started = time.perf_counter()
        action()
        wait(lambda: bool(reports))
        synced_s = time.perf_counter() - started
        wait(lambda: crossdesk.tasks.pending == 0)
        window_ = crossdesk.window
        assert window_ is not None
        window_.repaint()
        settled_s = time.perf_counter() - started
        probe.stop()
        report = reports[0]
        assert report.online and report.error is None, report
        return {
            "sync_s": round(synced_s, 3),
            "settled_s": round(settled_s, 3),
            "pulled_messages": report.pulled_messages,
            "sync": _gap_figures(probe.gaps["sync"], probe.worst["sync"]),
            "refresh": _gap_figures(probe.gaps["refresh"], probe.worst["refresh"]),
        }

    # The window opens first (start-up is not sync: bench_inbox measures it); its first
    # sync cycle, which the app starts as soon as the window is shown, is held back until
    # the window has painted, then started exactly as the app starts it.
    held: list[SyncController] = []
    real_start = SyncController.start

    def hold(controller: SyncController) -> None:
        held.append(controller)

    SyncController.start = hold  # type: ignore[method-assign]
    try:
        crossdesk.start()
        wait(lambda: bool(held) and crossdesk.window is not None, timeout_s=60)
        shown = crossdesk.window
        assert shown is not None
        wait(lambda: crossdesk.tasks.pending == 0)
        shown.repaint()
    finally:
        SyncController.start = real_start  # type: ignore[method-assign]
    controller = held[0]

    def finished(report: Any) -> None:
        # The window's own reaction (connected first) only queues work: what follows is
        # the refresh, not the sync.
        probe.phase = "refresh"
        reports.append(report)

    controller.finished.connect(finished)
    initial = measured(controller.start)
    assert initial["pulled_messages"] == credentials["messages"], initial
    assert crossdesk.window is not None and crossdesk.window.inbox.model.rowCount() > 0
    log(
        f"  window initial: {initial['sync_s']:.1f} s, longest UI gap"
        f" {initial['sync']['max_ms']:.1f} ms syncing, {initial['refresh']['max_ms']:.1f} ms"
        " refreshing after"
    )
    changer = Changer(url, credentials, seed=5)
    increments = []
    for _ in range(3):
        changer.make(100)
        increments.append(measured(controller.sync_now))
        log(
            f"  window incremental: {increments[-1]['sync_s']:.2f} s, longest UI gap"
            f" {increments[-1]['sync']['max_ms']:.1f} ms syncing,"
            f" {increments[-1]['refresh']['max_ms']:.1f} ms refreshing after"
        )
    changer.close()
    crossdesk.shutdown()

    def merged(phase: str) -> dict[str, Any]:
        return {
            "max_ms": max(run[phase]["max_ms"] for run in increments),
            "p99_ms_max": max(run[phase]["p99_ms"] for run in increments),
            "over_20ms": sorted(w for run in increments for w in run[phase]["over_20ms"])[-5:],
        }

    return {
        "conversations": credentials["conversations"],
        "messages": credentials["messages"],
        "initial": initial,
        "incremental": {
            "changes": 100,
            "runs": len(increments),
            "sync_s": [run["sync_s"] for run in increments],
            "sync": merged("sync"),
            "refresh": merged("refresh"),
        },
        "peak_rss_mb": round(_rss_mb(), 1),
    }


# ------------------------------------------------------------------------ orchestration
def _child(phase: str, url: str, seeded: Path, extra: list[str]) -> dict[str, Any]:
    """Run one phase in a fresh Python process (its own peak RSS); return its JSON."""
    proc = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--url", url, "--seeded", str(seeded), *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", choices=sorted(SIZES), default="full")
    parser.add_argument("--runs", type=int, default=3, help="initial syncs (fresh processes)")
    parser.add_argument("--increments", type=int, default=5, help="incremental syncs per run")
    parser.add_argument("--no-ui", action="store_true", help="skip the window measurement")
    parser.add_argument("--profile", help="write a pyinstrument profile of one initial sync")
    parser.add_argument(
        "--cache", type=Path, default=Path(platformdirs.user_cache_dir("crossdesk-bench"))
    )
    parser.add_argument("--phase", choices=["headless", "ui"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--seeded", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase == "headless":
        print(json.dumps(headless(args.url, args.seeded, args.increments, args.profile)))
        return
    if args.phase == "ui":
        print(json.dumps(window(args.url, args.seeded)))
        return

    sizes = SIZES[args.sizes]
    load_before = os.getloadavg()
    seeded = ensure_server_database(args.cache, *sizes["headless"])
    runs = []
    for run in range(args.runs):
        log(f"run {run + 1}/{args.runs}: initial sync of {sizes['headless'][1]:,} messages")
        with running_server(seeded) as url:
            extra = ["--increments", str(args.increments)]
            if args.profile and run == 0:
                extra += ["--profile", args.profile]
            runs.append(_child("headless", url, seeded, extra))
    initial = [r["initial_s"] for r in runs]
    incremental = [s for r in runs for s in r["incremental_s"]]
    median_initial = statistics.median(initial)
    result: dict[str, Any] = {
        "sizes": args.sizes,
        "conversations": runs[0]["conversations"],
        "messages": runs[0]["messages"],
        "initial": {
            "seconds_median": round(median_initial, 2),
            "seconds_min": round(min(initial), 2),
            "seconds_max": round(max(initial), 2),
            "seconds_each": [round(s, 2) for s in initial],
            "messages_per_s": round(runs[0]["messages"] / median_initial),
            "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
            "rss_before_sync_mb": round(
                statistics.median(r["rss_before_sync_mb"] for r in runs), 1
            ),
            "runs": len(runs),
        },
        "incremental_s": {
            "changes": 100,
            "p50": round(statistics.median(incremental), 3),
            "p95": round(percentile(incremental, 95), 3),
            "max": round(max(incremental), 3),
            "n": len(incremental),
        },
    }
    if not args.no_ui:
        ui_seeded = ensure_server_database(args.cache, *sizes["ui"])
        log(f"window: initial sync of {sizes['ui'][1]:,} messages, then 3 x 100 changes")
        with running_server(ui_seeded) as url:
            ui = _child("ui", url, ui_seeded, [])
        ui["ui_stall_ms"] = max(
            ui["initial"]["sync"]["max_ms"], ui["incremental"]["sync"]["max_ms"]
        )
        ui["ui_stall_after_sync_ms"] = max(
            ui["initial"]["refresh"]["max_ms"], ui["incremental"]["refresh"]["max_ms"]
        )
        result["ui"] = ui
    result["server"] = "python -m app.server (separate process, SQLite, default rate limit)"
    result["load_average_1min"] = {
        "before": round(load_before[0], 2),
        "after": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }
    result["targets"] = {
        "initial_messages_per_s": f">= {TARGETS['initial_messages_per_s']}",
        "incremental_s": f"<= {TARGETS['incremental_s']}",
        "ui_stall_ms": f"<= {TARGETS['ui_stall_ms']}",
    }
    met = {
        "initial_messages_per_s": result["initial"]["messages_per_s"]
        >= TARGETS["initial_messages_per_s"],
        "incremental_s": result["incremental_s"]["max"] <= TARGETS["incremental_s"],
    }
    if "ui" in result:
        met["ui_stall_ms"] = result["ui"]["ui_stall_ms"] <= TARGETS["ui_stall_ms"]
    result["met"] = met
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
