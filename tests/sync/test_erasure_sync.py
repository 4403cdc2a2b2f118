"""A customer erased on a lead's desk is erased on the server too, through the outbox
(contract 1.2, GUIDE.md "Customer erasure"): the real reference server on loopback, real
store files. Erased here, queued in the same transaction, sent with its key on the next
sync; the server's tombstones bring nothing back, nor does a full re-read after a 410; an
agent's desk is refused (403) and the refusal waits in the sync problems, never taken as
done; a workspace without a server queues nothing and says so."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from sqlalchemy import select

from app.contract.privacy_models import ERASE_OP, CustomerErasure
from app.domain.changes import NOTHING
from app.ops import privacy, privacy_sync, sync_problems
from app.ops.privacy_sync import ServerErasure
from app.server import auth, db, erasure_store
from app.storage.purge import purge_conversations, scrub
from app.storage.store import Store
from tests.contract.client import Api, expect_problem, new_id
from tests.helpers.sql import sql
from tests.sync.accounts import add_password_account
from tests.sync.conftest import DeskFactory, ProxyFactory, Reference
from tests.sync.harness import Desk
from tests.sync.proxy import Answer, DropAfterForward, Reply

LEAD_ID = "privacy-lead"
LEAD_PASSWORD = "privacy-lead-password-1"


def _customer_and_neighbour(admin: Api) -> tuple[str, list[str], str]:
    """Customer X wrote twice (two conversations, one answered); Y wrote once:
    (X's id, X's conversation ids, Y's conversation id)."""
    customer = new_id("cust")
    first = admin.new_conversation(customer_id=customer, body="Meu pedido 4411 não chegou.")
    second = admin.new_conversation(customer_id=customer, channel="whatsapp", body="Oi?")
    reply = {"id": new_id("reply"), "kind": "agent", "body": "It left the warehouse today."}
    response = admin.post(f"/v1/conversations/{first['id']}/messages", reply)
    assert response.status_code == 201, response.text
    neighbour = admin.new_conversation(body="Where is my refund?")
    return customer, [first["id"], second["id"]], neighbour["id"]


def _erase_locally(desk: Desk, customer_uid: str, request_uid: str) -> object:
    """What ``app.ops.privacy.erase_customer`` does with the sync: the customer's
    conversations purged and the server's erasure queued, in one transaction."""

    def erase(repo: Store) -> object:
        ids = [
            row[0]
            for row in sql(repo).execute(
                "SELECT c.id FROM conversations c JOIN customers k ON k.id = c.customer_id"
                " WHERE k.uid = ?",
                (customer_uid,),
            )
        ]
        with repo.transaction():
            report = purge_conversations(repo, ids)
            changes = privacy_sync.request_erasure(
                repo, customer_uid, request_uid, desk.clock(), report.conversation_uids
            )
        scrub(repo, report)
        return changes

    return desk.runner.store_call(erase)


def _local_conversations(desk: Desk, uids: list[str]) -> list[str]:
    marks = ",".join("?" * len(uids))
    return [
        r[0]
        for r in desk.query(f"SELECT uid FROM conversations WHERE uid IN ({marks})", tuple(uids))
    ]


def _local_customer(desk: Desk, customer_uid: str) -> list[tuple[object, ...]]:
    return desk.query("SELECT uid, name FROM customers WHERE uid = ?", (customer_uid,))


def _lead_desk(reference: Reference, make_desk: DeskFactory, url: str | None = None) -> Desk:
    add_password_account(reference, LEAD_ID, "Mei Tanaka", "lead", LEAD_PASSWORD)
    return make_desk("lead", url=url, agent_id=LEAD_ID, password=LEAD_PASSWORD)


def test_an_erasure_on_the_desk_reaches_the_server_and_nothing_comes_back(
    reference: Reference, admin: Api, make_desk: DeskFactory
) -> None:
    customer, conversations, neighbour = _customer_and_neighbour(admin)
    desk = _lead_desk(reference, make_desk)
    desk.synced()
    assert sorted(_local_conversations(desk, conversations)) == sorted(conversations)
    request_uid = new_id("dsr")

    changes = _erase_locally(desk, customer, request_uid)

    assert changes.outbox  # type: ignore[attr-defined]
    queued = desk.outbox()
    assert [(op.op, op.conversation_uid) for op in queued] == [(ERASE_OP, f"customer:{customer}")]
    # ids and a time only: nothing of what was erased waits in the outbox
    assert set(queued[0].payload) == {"customer_id", "request_id", "requested_at"}
    assert "Meu pedido" not in str(queued[0].payload)
    assert _local_conversations(desk, conversations) == []
    status = desk.runner.store_call(lambda repo: privacy_sync.server_erasure(repo, customer))
    assert status is ServerErasure.QUEUED

    report = desk.synced()

    assert report.pushed == 1 and report.pending == 0 and report.needs_attention == 0
    for cid in conversations:  # gone on the server
        assert admin.conversation(cid).status_code == 404
    again = admin.post(f"/v1/customers/{customer}/erasure", {"request_id": new_id("dsr")})
    record = CustomerErasure.model_validate(again.json())
    assert record.already_erased and record.request_id == request_uid
    assert (record.conversations, record.messages) == (2, 3)
    status = desk.runner.store_call(lambda repo: privacy_sync.server_erasure(repo, customer))
    assert status is ServerErasure.DONE
    # the neighbour is untouched, here and there
    assert admin.conversation(neighbour).status_code == 200
    assert _local_conversations(desk, [neighbour]) == [neighbour]

    desk.synced()  # the tombstones arrive: they name nothing this desk still has
    assert _local_conversations(desk, conversations) == []
    assert _local_customer(desk, customer) == []

    assert admin.post("/v1/admin/compact").status_code == 200
    desk.synced()  # 410, a full re-read: the server no longer lists them
    assert _local_conversations(desk, conversations) == []
    assert _local_customer(desk, customer) == []
    assert _local_conversations(desk, [neighbour]) == [neighbour]


def test_a_second_desk_that_still_had_them_loses_them_by_the_tombstones(
    reference: Reference, admin: Api, make_desk: DeskFactory
) -> None:
    customer, conversations, neighbour = _customer_and_neighbour(admin)
    lead = _lead_desk(reference, make_desk)
    colleague = make_desk("colleague")  # the seeded agent, on their own desk
    lead.synced()
    colleague.synced()
    assert sorted(_local_conversations(colleague, conversations)) == sorted(conversations)

    _erase_locally(lead, customer, new_id("dsr"))
    lead.synced()
    report = colleague.synced()

    assert report.changes.list_membership
    assert _local_conversations(colleague, conversations) == []
    assert _local_conversations(colleague, [neighbour]) == [neighbour]


def test_an_agent_is_refused_and_the_refusal_waits_in_the_sync_problems(
    admin: Api, make_desk: DeskFactory
) -> None:
    customer, conversations, _ = _customer_and_neighbour(admin)
    desk = make_desk()  # the seeded agent: role agent only
    desk.synced()
    _erase_locally(desk, customer, new_id("dsr"))

    report = desk.sync()

    assert report.needs_attention == 1 and report.pushed == 0
    assert report.changes.sync_problems
    problems = desk.runner.store_call(sync_problems.list_problems)
    assert [p.kind for p in problems] == [sync_problems.ProblemKind.NEEDS_ATTENTION]
    assert "403" in (problems[0].error or "") or "lead" in (problems[0].error or "")
    status = desk.runner.store_call(lambda repo: privacy_sync.server_erasure(repo, customer))
    assert status is ServerErasure.REFUSED
    for cid in conversations:  # nothing was erased on the server
        assert admin.conversation(cid).status_code == 200


def test_a_workspace_without_a_server_queues_nothing(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "local.sqlite3")
    try:
        assert privacy_sync.request_erasure(store, "cust-1", "dsr-1", 1_760_000_000) is NOTHING
        assert store.outbox.pending() == []
        assert not privacy_sync.server_erasure_needed(store)
        assert privacy_sync.server_erasure(store, "cust-1") is ServerErasure.LOCAL_ONLY
    finally:
        store.close()


def test_asking_twice_queues_one_erasure(
    reference: Reference, admin: Api, make_desk: DeskFactory
) -> None:
    customer, _, _ = _customer_and_neighbour(admin)
    desk = _lead_desk(reference, make_desk)
    desk.synced()
    _erase_locally(desk, customer, new_id("dsr"))
    _erase_locally(desk, customer, new_id("dsr"))

    assert [op.op for op in desk.outbox()] == [ERASE_OP]
    assert desk.synced().pushed == 1


def test_a_data_request_erased_on_the_desk_is_erased_on_the_server(
    reference: Reference, admin: Api, make_desk: DeskFactory
) -> None:
    """The whole path the window takes: a lead opens an erasure request for the customer,
    erases them (``app.ops.privacy.erase_customer``), the next sync erases them on the
    server; the request is fulfilled and keeps nothing of theirs."""
    customer, conversations, neighbour = _customer_and_neighbour(admin)
    desk = _lead_desk(reference, make_desk)
    desk.synced()

    def erase(repo: Store) -> str:
        local = privacy.customer_by_uid(repo, customer)
        assert local is not None
        opened = privacy.open_request(repo, None, local, "erase", desk.clock())
        privacy.erase_customer(repo, local, opened.uid, desk.clock())
        return opened.uid

    request_uid = desk.runner.store_call(erase)
    assert [op.op for op in desk.outbox()] == [ERASE_OP]

    assert desk.synced().pushed == 1

    for cid in conversations:
        assert admin.conversation(cid).status_code == 404
    assert admin.conversation(neighbour).status_code == 200
    again = admin.post(f"/v1/customers/{customer}/erasure", {"request_id": new_id("dsr")})
    assert CustomerErasure.model_validate(again.json()).request_id == request_uid
    desk.synced()
    assert _local_conversations(desk, conversations) == []
    assert _local_customer(desk, customer) == []
    row = desk.runner.store_call(lambda repo: privacy.get_request(repo, request_uid, desk.clock()))
    assert row is not None and row.status == "fulfilled"
    assert row.customer_name is None


def test_a_lost_answer_is_sent_again_with_the_same_key_and_replayed(
    reference: Reference, admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    customer, conversations, _ = _customer_and_neighbour(admin)
    proxy = make_proxy()
    desk = _lead_desk(reference, make_desk, proxy.base_url)
    desk.synced()
    _erase_locally(desk, customer, new_id("dsr"))
    path = f"/v1/customers/{customer}/erasure"
    proxy.on("POST", path, DropAfterForward(reset=True))

    report = desk.synced()

    posts = proxy.seen("POST", path)
    assert len(posts) == 2, "the lost answer was asked again"
    assert posts[0].headers["idempotency-key"] == posts[1].headers["idempotency-key"]
    assert json.loads(posts[0].body) == json.loads(posts[1].body)
    assert report.pushed == 1 and desk.outbox() == []
    for cid in conversations:
        assert admin.conversation(cid).status_code == 404


def _problem(status: int, code: str, detail: str) -> Reply:
    body = {"type": "about:blank", "title": "No", "status": status, "code": code, "detail": detail}
    return Reply(status, {"Content-Type": "application/problem+json"}, json.dumps(body).encode())


def test_an_older_server_without_the_route_is_a_sync_problem_not_a_success(
    reference: Reference, admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    """A 1.1 backend answers 404 (an unknown route): the erasure is not done there, and
    the agent is told so in the sync problems."""
    customer, _, _ = _customer_and_neighbour(admin)
    proxy = make_proxy()
    desk = _lead_desk(reference, make_desk, proxy.base_url)
    desk.synced()
    _erase_locally(desk, customer, new_id("dsr"))
    proxy.on("POST", "/v1/customers/", Answer(_problem(404, "not_found", "No such route.")))

    report = desk.sync()

    assert report.needs_attention == 1 and report.pushed == 0
    problems = desk.runner.store_call(sync_problems.list_problems)
    assert "No such route." in (problems[0].error or "")
    status = desk.runner.store_call(lambda repo: privacy_sync.server_erasure(repo, customer))
    assert status is ServerErasure.REFUSED


def test_a_backend_that_erases_later_answers_202_and_that_is_done(
    reference: Reference, admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    customer, _, _ = _customer_and_neighbour(admin)
    proxy = make_proxy()
    desk = _lead_desk(reference, make_desk, proxy.base_url)
    desk.synced()
    _erase_locally(desk, customer, new_id("dsr"))
    accepted = {
        "customer_id": customer,
        "request_id": "dsr-elsewhere",
        "status": "accepted",
        "erased_at": 1_760_000_000,
        "conversations": 0,
        "messages": 0,
    }
    reply = Reply(202, {"Content-Type": "application/json"}, json.dumps(accepted).encode())
    proxy.on("POST", "/v1/customers/", Answer(reply))

    report = desk.synced()

    assert report.pushed == 1 and desk.outbox() == []
    status = desk.runner.store_call(lambda repo: privacy_sync.server_erasure(repo, customer))
    assert status is ServerErasure.DONE


def _inbound(admin: Api, customer: str, team: str) -> str:
    conversation_id = new_id("conv")
    payload = {
        "conversation": {
            "id": conversation_id,
            "customer": {"id": customer, "name": "Ana Souza", "country": "BR"},
            "channel": "email",
            "team": team,
        },
        "message": {"id": new_id("m"), "body": "Onde está meu pedido?"},
    }
    response = admin.post("/v1/inbound/messages", payload)
    assert response.status_code == 201, response.text
    return conversation_id


def test_a_lead_limited_to_a_team_erases_only_customers_wholly_inside_it(
    reference: Reference, admin: Api
) -> None:
    """Scopes (contract 1.2): outside the lead's teams a customer does not exist for them
    (404, as an unknown id); one with conversations in another team too is 403 (an
    administrator erases); one wholly inside is erased."""
    state = reference.server.state
    with state.db.write() as conn:
        auth.create_account(
            conn,
            account_id="emea-lead",
            name="Lena Vogel",
            roles=["lead"],
            now=state.now(),
            password="emea-lead-password-1",
            teams=["emea"],
        )
    signed = admin.with_token(None).post(
        "/v1/auth/token",
        {"grant_type": "password", "username": "emea-lead", "password": "emea-lead-password-1"},
        key=None,
    )
    lead = admin.with_token(signed.json()["access_token"])
    inside, outside, split = new_id("cust"), new_id("cust"), new_id("cust")
    inside_conversation = _inbound(admin, inside, "emea")
    _inbound(admin, outside, "apac")
    _inbound(admin, split, "emea")
    split_apac = _inbound(admin, split, "apac")

    def erase(customer: str) -> httpx.Response:
        return lead.post(f"/v1/customers/{customer}/erasure", {"request_id": new_id("dsr")})

    expect_problem(erase(outside), 404, "not_found")
    expect_problem(erase(split), 403, "forbidden")
    assert admin.conversation(split_apac).status_code == 200
    done = erase(inside)
    assert done.status_code == 200, done.text
    assert admin.conversation(inside_conversation).status_code == 404
    again = CustomerErasure.model_validate(erase(inside).json())  # their own erasure
    assert again.already_erased
    # an admin's erasure is not theirs to learn about
    assert admin.post(f"/v1/customers/{outside}/erasure", {"request_id": "r1"}).status_code == 200
    expect_problem(erase(outside), 404, "not_found")


def test_nothing_of_the_customer_is_left_in_any_table_of_the_server(
    reference: Reference, admin: Api
) -> None:
    """Every row of every table of the server's database is read after the erasure: the
    customer's name, handle, subject and words are nowhere (the stored answers of the
    writes that carried them included); the erasure record keeps ids, times and counts."""
    customer, conversation = new_id("cust"), new_id("conv")
    secret = {"name": "Zofia Wiśniewska-Quell", "phone": "+48 600 111 222"}
    payload = {
        "conversation": {
            "id": conversation,
            "customer": {
                "id": customer,
                "name": secret["name"],
                "handles": {"sms": secret["phone"]},
            },
            "channel": "sms",
            "subject": "Zwrot zamówienia Quell-7781",
        },
        "message": {"id": new_id("m"), "body": "Proszę o zwrot Quell-7781, adres Lipowa 9."},
    }
    assert admin.post("/v1/inbound/messages", payload).status_code == 201
    reply = {"id": new_id("r"), "kind": "agent", "body": "Zwrot Quell-7781 przyjęty, pani Zofio."}
    assert admin.post(f"/v1/conversations/{conversation}/messages", reply).status_code == 201
    response = admin.post(f"/v1/customers/{customer}/erasure", {"request_id": "dsr-quell"})
    assert response.status_code == 200, response.text

    state = reference.server.state
    with state.db.read() as conn:
        dump = "\n".join(
            repr(tuple(row))
            for table in db.metadata.sorted_tables
            for row in conn.execute(select(table))
        )
    for trace in ("Quell", secret["name"], secret["phone"], "Zofi"):
        assert trace not in dump
    with state.db.read() as conn:
        record = conn.execute(select(erasure_store.customer_erasures)).one()
    assert (record.customer_id, record.request_id, record.conversations, record.messages) == (
        customer,
        "dsr-quell",
        1,
        2,
    )
