"""The reference server's side of channel realities: its demo approves the same templates
as the local demo, and a database made before the optional columns (read_at, typing)
gains them on start instead of failing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import select

from app.config.paths import resources_dir
from app.contract.template_schema import load_templates
from app.server import db, routes_templates
from app.server.config import ServerConfig
from app.server.db import Database
from app.server.demo import load_demo_into


def test_the_server_demo_approves_the_demo_templates(tmp_path: Path) -> None:
    config = ServerConfig(data_dir=tmp_path)
    database = Database(config.database())
    database.create_schema()
    load_demo_into(database, config)
    with database.read() as conn:
        listed = routes_templates.list_templates(conn)
    expected = load_templates(resources_dir() / "demo" / "templates.yaml")
    assert sorted(t.id for t in listed) == sorted(t.uid for t in expected)
    by_id = {t.id: t for t in listed}
    for template in expected:
        assert by_id[template.uid].body == template.body
        assert by_id[template.uid].variables == list(template.variables)
    database.dispose()


def test_an_older_database_gains_the_optional_columns(tmp_path: Path) -> None:
    config = ServerConfig(data_dir=tmp_path)
    database = Database(config.database())
    database.create_schema()
    database.dispose()
    path = Path(str(config.database()).removeprefix("sqlite:///"))
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE messages DROP COLUMN read_at")  # as an older server made it
    conn.execute("ALTER TABLE conversations DROP COLUMN customer_typing_until")
    conn.commit()
    conn.close()
    again = Database(config.database())
    again.create_schema()
    with again.read() as read:
        read.execute(select(db.messages.c.read_at))  # "no such column" without the upgrade
        read.execute(select(db.conversations.c.customer_typing_until))
    again.dispose()
