"""``crossdesk privacy export|erase CUSTOMER_ID`` in-process on real demo-data store files:
the archive's contents (JSON, every message with its translations, a real PDF), erasure
confirmed with --yes only, an erased customer unknown afterwards, no one else touched."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from app.config.paths import resources_dir
from app.ops.demo import load_demo_into
from app.storage.store import Store
from app.storage.translation_store import CachedTranslation, cache_key
from app.ui.shell.bootstrap import main
from tests.helpers.builders import NOW

CUSTOMER = "de-klaus-becker"
OTHER = "de-sabine-wolf"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace file with the demo's data, where every customer message of CUSTOMER
    was machine-translated into Chinese once (the cache holds the translation)."""
    path = tmp_path / "team.sqlite3"
    store = Store.open(path)
    load_demo_into(store, resources_dir() / "demo", NOW)
    conn = store._link.conn
    bodies = conn.execute(
        "SELECT m.body, m.language FROM messages m JOIN conversations c"
        " ON c.id = m.conversation_id JOIN customers cu ON cu.id = c.customer_id"
        " WHERE cu.uid = ? AND m.kind = 'customer'",
        (CUSTOMER,),
    ).fetchall()
    store.translation.remember(
        [
            (
                cache_key(body, language or "de", "zh", "de>en>zh"),
                CachedTranslation(f"[zh] {body[:40]}", 0.8, "de>en>zh"),
            )
            for body, language in bodies
        ],
        NOW,
    )
    store.close()
    return path


def messages_of(path: Path, customer_uid: str) -> list[tuple[str, str, str]]:
    store = Store.open(path, create=False)
    try:
        return [
            tuple(r)
            for r in store._link.conn.execute(
                "SELECT m.uid, m.kind, m.body FROM messages m JOIN conversations c"
                " ON c.id = m.conversation_id JOIN customers cu ON cu.id = c.customer_id"
                " WHERE cu.uid = ? ORDER BY m.uid",
                (customer_uid,),
            )
        ]
    finally:
        store.close()


def test_export_writes_json_every_message_with_its_translation_and_a_pdf(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "klaus.zip"
    code, out, err = run(
        capsys, "--data-dir", str(tmp_path / "d"), "privacy", "export", CUSTOMER,
        "--workspace", str(workspace), "-o", str(output),
    )  # fmt: skip
    assert code == 0, err
    assert str(output) in out
    archive = zipfile.ZipFile(io.BytesIO(output.read_bytes()))
    document = json.loads(archive.read("customer.json"))
    assert document["customer"]["uid"] == CUSTOMER
    assert document["customer"]["handles"] == {"email": "k.becker@example.com"}
    exported = {m["uid"]: m for c in document["conversations"] for m in c["messages"]}
    stored = messages_of(workspace, CUSTOMER)
    assert sorted(exported) == [uid for uid, _kind, _body in stored] and len(stored) >= 5
    for uid, kind, body in stored:
        assert exported[uid]["body"] == body
        if kind == "customer":  # the original beside its translation
            assert exported[uid]["translations"] == [
                {"route": "de>en>zh", "text": f"[zh] {body[:40]}"}
            ]
    assert archive.read("customer.pdf").startswith(b"%PDF")
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["counts"]["messages"] == len(stored)
    assert {f["name"] for f in manifest["files"]} == {"customer.json", "customer.pdf"}


def test_an_existing_file_is_replaced_only_with_force(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "earlier.zip"
    output.write_bytes(b"an export already sent")
    args = ["--data-dir", str(tmp_path / "d"), "privacy", "export", CUSTOMER,
            "--workspace", str(workspace), "-o", str(output)]  # fmt: skip
    code, _out, err = run(capsys, *args)
    assert code == 2 and "exists; say --force" in err and err.count("\n") == 1
    assert output.read_bytes() == b"an export already sent"
    code, _out, err = run(capsys, *args, "--force")
    assert code == 0, err
    assert zipfile.is_zipfile(output)


def test_erase_needs_yes_then_the_customer_is_gone_and_no_one_else_touched(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = str(tmp_path / "d")
    others = messages_of(workspace, OTHER)
    code, _out, err = run(
        capsys, "--data-dir", data_dir, "privacy", "erase", CUSTOMER, "--workspace", str(workspace)
    )
    assert code == 2 and "cannot be undone; say --yes" in err and "Traceback" not in err
    assert messages_of(workspace, CUSTOMER)  # nothing happened
    code, out, err = run(
        capsys, "--data-dir", data_dir, "privacy", "erase", CUSTOMER,
        "--workspace", str(workspace), "--yes",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith(f"erased {CUSTOMER}: 1 conversation(s)")
    assert messages_of(workspace, CUSTOMER) == []
    assert messages_of(workspace, OTHER) == others
    code, out, err = run(
        capsys, "--data-dir", data_dir, "privacy", "export", CUSTOMER,
        "--workspace", str(workspace), "-o", str(tmp_path / "again.zip"),
    )  # fmt: skip
    assert code == 1 and out == ""
    assert err == f"crossdesk privacy export: no customer '{CUSTOMER}' in this workspace\n"
    assert not (tmp_path / "again.zip").exists()
    store = Store.open(workspace, create=False)
    try:  # the request is recorded fulfilled, with counts and no personal data
        row = store._link.conn.execute(
            "SELECT kind, status, customer_id, customer_uid, law_en, outcome, note"
            " FROM data_requests"
        ).fetchone()
    finally:
        store.close()
    assert row[:4] == ("erase", "fulfilled", None, CUSTOMER) and "GDPR" in row[4]
    assert json.loads(row[5])["messages"] == 9
    assert "Becker" not in json.dumps(row) and "k.becker" not in json.dumps(row)


def test_the_demo_workspace_and_an_unknown_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = str(tmp_path / "d")
    code, _out, err = run(capsys, "--data-dir", data_dir, "--demo", "privacy", "erase",
                          "nobody-\x1b[31m", "--yes")  # fmt: skip
    assert code == 1 and err.count("\n") == 1 and "\x1b" not in err
    assert "no customer 'nobody-\\x1b[31m'" in err
    code, _out, err = run(capsys, "--data-dir", data_dir, "--demo", "privacy", "erase", OTHER,
                          "--yes")  # fmt: skip
    assert code == 0, err
    code, _out, err = run(capsys, "--data-dir", data_dir, "privacy", "export", OTHER, "--demo",
                          "-o", str(tmp_path / "x.zip"))  # fmt: skip
    assert code == 1 and "no customer" in err  # opening the demo again does not bring her back


def test_a_missing_workspace_or_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(
        capsys, "--data-dir", str(tmp_path / "d"), "privacy", "export", CUSTOMER,
        "--workspace", str(tmp_path / "none.sqlite3"), "-o", str(tmp_path / "x.zip"),
    )  # fmt: skip
    assert code == 2 and "no workspace file at" in err and err.count("\n") == 1
    code, _out, err = run(
        capsys, "--data-dir", str(tmp_path / "d"), "--demo", "privacy", "export", CUSTOMER,
        "-o", str(tmp_path / "no" / "x.zip"),
    )  # fmt: skip
    assert code == 2 and "does not exist" in err
