"""Load the demo workspace (resources/demo) into the server database, once.

The same YAML the desktop client's offline demo reads, validated by the same schema;
times are offsets from the moment of loading, so the inbox looks live. Message ids
match the client's demo (``<conversation>-<n>``). Every demo agent gets an account
with the password ``demo``: for trying things out only, never for real data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, update

import app as app_package
from app.contract.demo_schema import DemoWorkspace, load_demo
from app.contract.models import Author, Customer
from app.contract.template_schema import TEMPLATES_FILE, load_templates
from app.server import auth, db, review_demo, routes_templates, store, training_demo
from app.server.config import ServerConfig
from app.server.db import Database, get_meta, set_meta

DEMO_PASSWORD = "demo"
DEMO_ADMIN = "demo-admin"


@dataclass(frozen=True)
class DemoResult:
    loaded: bool  # False when the demo was already in this database
    agent_ids: tuple[str, ...]
    conversations: int


def demo_folder() -> Path:
    """resources/demo in a checkout, app/_resources/demo in an installed wheel."""
    package = Path(app_package.__file__).resolve().parent
    inside = package / "_resources" / "demo"
    return inside if inside.is_dir() else package.parent / "resources" / "demo"


def load_demo_into(
    database: Database, config: ServerConfig, folder: Path | None = None
) -> DemoResult:
    """Validate the demo and write it unless this database already holds it."""
    demo = load_demo(folder or demo_folder())
    agent_ids = tuple(a.id for a in demo.workspace.agents)
    now = config.now()
    with database.write() as conn:
        if get_meta(conn, "demo_loaded"):
            return DemoResult(False, agent_ids, len(demo.conversations))
        _write(conn, demo, now)
        templates_file = (folder or demo_folder()) / TEMPLATES_FILE
        if templates_file.exists():  # approved WhatsApp templates, as the local demo has
            routes_templates.seed_templates(conn, load_templates(templates_file), now)
        review_demo.seed(conn, demo, folder or demo_folder(), now)  # rubric, surveys, reviews
        training_demo.seed(conn, demo, folder or demo_folder(), now)  # assignments, attempts
        set_meta(conn, "demo_loaded", str(now))
    return DemoResult(True, agent_ids, len(demo.conversations))


def _write(conn: Connection, demo: DemoWorkspace, now: int) -> None:
    names = {a.id: a.name for a in demo.workspace.agents}
    for agent in demo.workspace.agents:
        if auth.get_account(conn, agent.id) is None:
            auth.create_account(
                conn,
                account_id=agent.id,
                name=agent.name,
                roles=[str(role) for role in agent.roles],  # the demo's lead is a lead
                now=now,
                password=DEMO_PASSWORD,
            )
    customers = {c.id: c for c in demo.customers}
    for spec in demo.conversations:
        if store.get_conversation(conn, spec.id) is not None:
            continue
        cust = customers[spec.customer]
        customer = Customer(
            id=cust.id,
            name=cust.name,
            country=cust.country,
            language=cust.language,
            timezone=cust.timezone,
            handles=dict(cust.handles),
            fields=dict(cust.fields) or None,
        )
        store.upsert_customer(conn, customer)
        last_seq, last_activity = 0, now + spec.messages[0].offset
        for index, message in enumerate(spec.messages):
            kind, _, agent_id = message.author.partition(":")
            if kind == "customer":
                author = Author(type="customer", id=cust.id, name=cust.name[:200])
            elif kind == "system":
                author = Author(type="system")
            else:
                author = Author(type="agent", id=agent_id, name=names[agent_id][:200])
            language = message.language or (None if kind == "note" else cust.language)
            body = message.text.rstrip("\n")
            written = store.append_message(
                conn,
                message_id=f"{spec.id}-{index + 1}",
                conversation_id=spec.id,
                kind=kind,
                author=author,
                body=body,
                created_at=now + message.offset,
                message_fingerprint=store.fingerprint({"demo": spec.id, "body": body}),
                language=language,
            )
            last_seq = written.seq
            if kind != "note":
                last_activity = written.created_at
        store.insert_conversation(
            conn,
            id=spec.id,
            customer_id=cust.id,
            channel=str(spec.channel),
            subject=spec.subject,
            status=str(spec.status),
            assignee_id=spec.assignee,
            tags=list(spec.tags),
            language=cust.language,
            sla_due_at=None if spec.sla_due is None else now + spec.sla_due,
            snoozed_until=None if spec.snoozed_until is None else now + spec.snoozed_until,
            last_message_seq=last_seq,
            last_activity_at=last_activity,
            created_at=now + spec.messages[0].offset,
            updated_at=now,
            fields=dict(spec.fields) or None,
            region=cust.country or None,  # its customer's country; demo accounts: unscoped
        )


def demo_admin_token(database: Database, config: ServerConfig) -> str:
    """A fresh API token for the demo admin; earlier ones stop working, so only the
    token printed at this start is live."""
    now = config.now()
    with database.write() as conn:
        if auth.get_account(conn, DEMO_ADMIN) is None:
            auth.create_account(
                conn, account_id=DEMO_ADMIN, name="Demo admin", roles=["admin"], now=now
            )
        conn.execute(
            update(db.tokens).where(db.tokens.c.account_id == DEMO_ADMIN).values(revoked=True)
        )
        return auth.create_api_token(conn, DEMO_ADMIN, now)
