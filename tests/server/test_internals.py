"""Cursor codec, the committed OpenAPI document, and what the server may import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.contract.models import Id
from app.server.feeds import decode_cursor, encode_cursor
from app.server.openapi import render
from app.server.problems import ProblemError
from app.server.routes_inbox import ID_PATTERN, etag_matches

ROOT = Path(__file__).resolve().parents[2]


def _decode(cursor: str, **state: object) -> tuple[int, int]:
    values: dict = {"epoch": "e1", "floor": 0, "newest": 100, **state}
    return decode_cursor(cursor, "messages", **values)


def _code(cursor: str, **state: object) -> tuple[int, str]:
    with pytest.raises(ProblemError) as caught:
        _decode(cursor, **state)
    return caught.value.status, caught.value.code


def test_cursor_round_trip_and_rejections() -> None:
    cursor = encode_cursor("e1", "messages", 42, 0)
    assert _decode(cursor) == (42, 0)
    assert _code(encode_cursor("e1", "articles", 42, 0)) == (400, "invalid_cursor")
    assert _code(encode_cursor("e1", "messages", 101, 0)) == (400, "invalid_cursor")
    assert _code(cursor, epoch="e2") == (410, "cursor_expired")
    assert _code("%%%") == (400, "invalid_cursor")


def test_cursor_floor_rules() -> None:
    """Below the floor is fine only for a cursor issued since the last compaction."""
    old = encode_cursor("e1", "messages", 10, 0)
    assert _code(old, floor=50) == (410, "cursor_expired")
    assert _decode(encode_cursor("e1", "messages", 10, 50), floor=50) == (10, 50)
    assert _code(encode_cursor("e1", "messages", 10, 50), floor=60) == (410, "cursor_expired")
    assert _decode(encode_cursor("e1", "messages", 70, 0), floor=60) == (70, 0)


def test_etag_comparison_is_strong() -> None:
    assert etag_matches('"3"', 3)
    assert etag_matches('"2", "3"', 3)
    assert etag_matches("*", 3)
    assert not etag_matches('W/"3"', 3)
    assert not etag_matches("3", 3)


def test_path_ids_use_the_contract_id_pattern() -> None:
    patterns = [getattr(m, "pattern", None) for m in Id.__metadata__[0].metadata]
    assert ID_PATTERN in patterns


def test_committed_openapi_document_is_current() -> None:
    committed = (ROOT / "resources" / "contract" / "openapi.json").read_text(encoding="utf-8")
    assert committed == render(), (
        "resources/contract/openapi.json is stale: run "
        "python -m app.server.openapi > resources/contract/openapi.json"
    )


def test_server_imports_nothing_from_the_desktop_client() -> None:
    code = (
        "import sys, app.server.app, app.server.cli, app.server.demo, app.server.openapi; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6') "
        "or m.startswith(('app.ui', 'app.storage', 'app.ops.translation', 'app.sync'))); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_postgres_binaries_are_named() -> None:
    from tests.contract.postgres import REQUIRED, missing_message

    message = missing_message()
    assert all(name in message for name in REQUIRED)
    assert "apt-get install postgresql" in message
