"""Contract 1.1 is backwards compatible: the client still reads a 1.0 server.

The client parses ``/v1/me`` and every record with the contract models and never
branches on ``contract_version``; what a 1.0 server sends (no ``live_events``, every
optional field left out) must read as "not supported" / "unknown", never fail.
"""

from __future__ import annotations

import re
from pathlib import Path

from app.contract import models as wire

ROOT = Path(__file__).resolve().parents[3]

ME_FROM_A_1_0_SERVER = {
    "agent": {"id": "li.wei", "name": "Li Wei"},
    "capabilities": {"articles": True, "annotations": True, "scenarios": False},
    "limits": {"max_page_size": 500, "max_message_chars": 200000},
    "contract_version": "1.0",
    "server_time": 1_760_000_000,
}


def test_the_contract_is_version_1_2() -> None:
    assert wire.CONTRACT_VERSION == "1.2"


def test_a_1_1_server_reads_as_one_without_customer_erasure() -> None:
    """Contract 1.2 adds customer erasure, advertised: a server that does not say so has
    none (the client still sends an erasure, and shows the refusal)."""
    me = wire.Me.model_validate({**ME_FROM_A_1_0_SERVER, "contract_version": "1.1"})
    assert me.capabilities.customer_erasure is False


def test_a_1_0_server_reads_as_one_without_the_live_stream() -> None:
    me = wire.Me.model_validate(ME_FROM_A_1_0_SERVER)
    assert me.contract_version == "1.0"
    assert me.capabilities.live_events is False  # so the client keeps polling
    assert me.capabilities.annotations is True


def test_records_of_a_1_0_server_with_optional_fields_left_out_read() -> None:
    conversation = wire.Conversation.model_validate(
        {
            "id": "c1",
            "version": 3,
            "customer": {"id": "k1", "name": "Ana"},
            "channel": "email",
            "status": "open",
            "last_message_seq": 1,
            "last_activity_at": 1,
            "created_at": 1,
            "updated_at": 1,
        }
    )
    assert (conversation.assignee_id, conversation.sla_due_at, conversation.tags) == (
        None,
        None,
        [],
    )
    message = wire.Message.model_validate(
        {
            "id": "m1",
            "conversation_id": "c1",
            "seq": 1,
            "kind": "customer",
            "author": {"type": "customer"},
            "body": "Olá",
            "created_at": 1,
        }
    )
    assert (message.language, message.provenance, message.attachments) == (None, None, [])


def test_no_client_code_branches_on_the_contract_version() -> None:
    """Compatibility comes from the rules (optional fields, capabilities), not from a
    version check that would refuse a 1.0 server."""
    users = [
        path.relative_to(ROOT).as_posix()
        for folder in ("app/sync", "app/ops", "app/ui", "app/storage")
        for path in (ROOT / folder).rglob("*.py")
        if re.search(r"contract_version|CONTRACT_VERSION", path.read_text(encoding="utf-8"))
    ]
    assert users == []
