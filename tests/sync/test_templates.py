"""Channel realities over real HTTP: approved templates come from the server into the
store (and go when withdrawn), a template reply reaches the server naming its template,
read receipts are mirrored and the typing indicator is reported (never stored)."""

from __future__ import annotations

import time

from app.domain.models import MessageKind
from app.ops import templates
from app.storage.store import Store
from tests.contract.client import Api
from tests.sync.conftest import DeskFactory, ProxyFactory, assert_syncs_without
from tests.sync.harness import server_messages

TEMPLATE = {
    "name": "order_update",
    "channel": "whatsapp",
    "language": "en",
    "body": "Hello {{1}}, your order {{2}} has shipped. Reply to this message.",
    "variables": ["1", "2"],
}


def put_template(admin: Api, template_id: str, **changes: object) -> None:
    response = admin.http.put(f"/v1/admin/templates/{template_id}", json={**TEMPLATE, **changes})
    assert response.status_code in (200, 201), response.text


def test_templates_are_pulled_replaced_and_withdrawn(admin: Api, make_desk: DeskFactory) -> None:
    put_template(admin, "order-update-en")
    put_template(
        admin, "follow-up-es", name="follow_up", language="es", body="Hola {{1}}.", variables=["1"]
    )
    desk = make_desk()
    report = desk.synced()
    assert report.changes.choices
    stored = desk.runner.store_call(lambda repo: repo.templates.templates("whatsapp"))
    assert [(t.uid, t.language, t.variables) for t in stored] == [
        ("follow-up-es", "es", ("1",)),
        ("order-update-en", "en", ("1", "2")),
    ]
    assert stored[1].body == TEMPLATE["body"]
    again = desk.synced()  # nothing changed: nothing rewritten, no menus to refresh
    assert not again.changes.choices
    deleted = admin.http.delete("/v1/admin/templates/follow-up-es")
    assert deleted.status_code == 204
    desk.synced()
    left = desk.runner.store_call(lambda repo: repo.templates.templates())
    assert [t.uid for t in left] == ["order-update-en"]


def test_a_template_reply_reaches_the_server_naming_its_template(
    admin: Api, make_desk: DeskFactory
) -> None:
    put_template(admin, "order-update-en")
    conversation = admin.new_conversation(channel="whatsapp")["id"]
    desk = make_desk()
    desk.synced()
    local = desk.conversation_id(conversation)

    def send(repo: Store) -> None:
        template = repo.templates.template("order-update-en")
        assert template is not None
        message = templates.template_reply(template, {"1": "Ana", "2": "BR-1"})
        templates.send_template(repo, local, message, None, desk.clock())

    desk.runner.store_call(send)
    (operation,) = desk.outbox()
    assert operation.payload["template"]["parameters"] == {"1": "Ana", "2": "BR-1"}
    report = desk.synced()
    assert report.pushed == 1
    sent = server_messages(admin, conversation)[-1]
    assert sent["kind"] == "agent"
    assert sent["body"] == "Hello Ana, your order BR-1 has shipped. Reply to this message."
    assert desk.agent_replies(conversation)[-1][2] == "sent"


def test_read_receipts_are_mirrored_and_typing_is_reported(
    admin: Api, make_desk: DeskFactory
) -> None:
    conversation = admin.new_conversation(channel="whatsapp")["id"]
    desk = make_desk()
    desk.synced()
    desk.reply(conversation, "We are on it.")
    report = desk.synced()
    assert report.typing == ()  # the backend said nothing: nothing is claimed
    (reply_uid, _body, _delivery) = desk.agent_replies(conversation)[-1]
    now = int(time.time())
    signals = admin.post(
        "/v1/inbound/signals",
        {
            "conversation_id": conversation,
            "read": [{"message_id": reply_uid, "read_at": now - 2}],
            "customer_typing_until": now + 60,
        },
    )
    assert signals.status_code == 200, signals.text
    report = desk.synced()
    assert report.typing == ((conversation, now + 60),)
    local = desk.conversation_id(conversation)
    messages = desk.runner.store_call(lambda repo: repo.messages.messages(local))
    read = [m for m in messages if m.uid == reply_uid]
    assert read[0].kind is MessageKind.AGENT and read[0].read_at == now - 2
    assert desk.synced().typing == ((conversation, now + 60),)  # still typing: kept
    admin.post(
        "/v1/inbound/signals", {"conversation_id": conversation, "customer_typing_until": None}
    )
    assert desk.synced().typing == ()
    assert desk.query("SELECT count(*) FROM messages WHERE read_at IS NOT NULL") == [(1,)]


def test_a_backend_without_templates_still_syncs(
    admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    assert_syncs_without("/v1/templates", admin, make_desk, make_proxy)
