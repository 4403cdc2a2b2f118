"""Attachments over real HTTP, against the reference server on loopback: a reply's files
are uploaded before the reply (once per content, even when the answer was lost), a refused
upload parks the reply with the server's words, received files are mirrored as metadata
and fetched only when asked, checked against their hash and their type."""

from __future__ import annotations

import hashlib
import json
import secrets

from app.domain.attachments import Attachment, AttachmentState
from app.domain.models import MessageKind
from app.ops import attachments, inbox, reply
from app.ops.reply import Reply
from app.storage.attachments import NewAttachment
from app.storage.store import Store
from tests.contract.client import Api
from tests.helpers.attachment_files import png
from tests.sync.conftest import DeskFactory, ProxyFactory
from tests.sync.harness import Desk, server_messages
from tests.sync.proxy import DropAfterForward, Rewrite
from tests.sync.proxy import Reply as ProxyReply


def photo() -> bytes:
    return png(8 + secrets.randbelow(64), 8 + secrets.randbelow(64))


def send_with_files(desk: Desk, uid: str, files: dict[str, bytes], text: str = "") -> None:
    """The agent attaches files to the draft and sends (the window's two steps)."""
    local = desk.conversation_id(uid)
    now = desk.clock()
    for name, data in files.items():
        desk.runner.store_call(
            lambda repo, d=data, n=name: attachments.add_bytes_to_draft(repo, local, d, n, now)
        )
    desk.runner.store_call(
        lambda repo: reply.send(repo, local, Reply(MessageKind.AGENT, text), None, now)
    )


def files_of(desk: Desk, uid: str) -> list[tuple[str, AttachmentState, str | None]]:
    local = desk.conversation_id(uid)
    by_message = desk.runner.store_call(
        lambda repo: attachments.conversation_attachments(repo, local)
    )
    return [(a.filename, a.state, a.remote_id) for m in sorted(by_message) for a in by_message[m]]


def only_file(desk: Desk, uid: str) -> Attachment:
    local = desk.conversation_id(uid)
    by_message = desk.runner.store_call(
        lambda repo: attachments.conversation_attachments(repo, local)
    )
    ((file,),) = by_message.values()
    return file


def test_a_reply_with_files_reaches_the_server_and_another_desk(
    admin: Api, make_desk: DeskFactory
) -> None:
    conversation = admin.new_conversation()["id"]
    label, invoice = photo(), b"%PDF-1.4\n" + secrets.token_bytes(100)
    desk = make_desk()
    desk.synced()
    send_with_files(desk, conversation, {"label.png": label, "invoice.pdf": invoice})
    assert desk.synced().pushed == 1
    (sent,) = [m for m in server_messages(admin, conversation) if m["kind"] == "agent"]
    assert sent["body"] == ""
    assert [(f["filename"], f["sha256"]) for f in sent["attachments"]] == [
        ("label.png", hashlib.sha256(label).hexdigest()),
        ("invoice.pdf", hashlib.sha256(invoice).hexdigest()),
    ]
    assert [state for _name, state, _id in files_of(desk, conversation)] == [
        AttachmentState.UPLOADED,
        AttachmentState.UPLOADED,
    ]
    # a colleague's desk gets the files' metadata; the bytes only when the thread asks
    other = make_desk("colleague")
    other.synced()
    local = other.conversation_id(conversation)
    detail = other.runner.store_call(lambda repo: inbox.conversation_detail(repo, local))
    (files,) = [detail.attachments[m.id] for m in detail.messages if m.id in detail.attachments]
    assert [(a.filename, a.state, a.path) for a in files] == [
        ("label.png", AttachmentState.REMOTE, None),
        ("invoice.pdf", AttachmentState.REMOTE, None),
    ]
    assert files[0].width == int.from_bytes(label[16:20], "big")
    changes = other.engine.fetch_attachment(files[0].id)
    assert changes.names(local)
    fetched, data = other.runner.store_call(
        lambda repo: attachments.read_attachment(repo, files[0].id)
    )
    assert data == label and fetched.path is not None
    assert not other.engine.fetch_attachment(files[0].id)  # here already: nothing to do
    other.synced()  # a later pull leaves the mirrored files as they are
    assert len(files_of(other, conversation)) == 2


def test_an_upload_is_sent_once_per_content_even_when_the_answer_is_lost(
    admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    conversation = admin.new_conversation()["id"]
    proxy = make_proxy()
    desk = make_desk(url=proxy.base_url)
    desk.synced()
    data = photo()
    proxy.on("PUT", "/v1/attachments/", DropAfterForward())  # stored, answer lost
    send_with_files(desk, conversation, {"damage.png": data}, "Here is the photo.")
    assert desk.synced().pushed == 1  # the upload is tried again at once: same hash, same blob
    assert desk.synced().pushed == 0
    agent_messages = [m for m in server_messages(admin, conversation) if m["kind"] == "agent"]
    assert len(agent_messages) == 1 and len(agent_messages[0]["attachments"]) == 1
    puts = proxy.seen("PUT", "/v1/attachments/")
    assert len(puts) == 2 and {p.body for p in puts} == {data}  # the same bytes, one blob
    # the same file on a second reply: uploaded again (idempotent, 200), not a new blob
    send_with_files(desk, conversation, {"again.png": data}, "Once more.")
    assert desk.synced().pushed == 1
    assert len(proxy.seen("PUT", "/v1/attachments/")) == 3
    last = server_messages(admin, conversation)[-1]
    assert last["attachments"][0]["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_refused_upload_parks_the_reply_with_the_servers_words(
    admin: Api, make_desk: DeskFactory
) -> None:
    conversation = admin.new_conversation()["id"]
    desk = make_desk()
    desk.synced()
    local = desk.conversation_id(conversation)
    program = b"MZ\x90\x00" + secrets.token_bytes(300)

    def slipped_through(repo: Store) -> None:
        """A file that passed an older, laxer check: the server has the last word."""
        with repo.transaction():
            sha = repo.attachments.put_bytes(program)
            repo.attachments.add(
                NewAttachment(local, "invoice.pdf", "application/pdf", len(program), sha), 0
            )

    desk.runner.store_call(slipped_through)
    desk.runner.store_call(
        lambda repo: reply.send(repo, local, Reply(MessageKind.AGENT, "Invoice"), None, 0)
    )
    report = desk.sync()
    assert report.needs_attention == 1 and report.pushed == 0
    (parked,) = desk.outbox()
    assert parked.state == "needs_attention"
    assert parked.last_error and "415 unsupported_media_type" in parked.last_error
    ((name, state, _remote),) = files_of(desk, conversation)
    assert (name, state) == ("invoice.pdf", AttachmentState.REFUSED)
    reason = only_file(desk, conversation).refused_reason
    assert reason and reason.startswith("invoice.pdf: ")  # the server's words
    assert [m["kind"] for m in server_messages(admin, conversation)] == ["customer"]


def customer_photo(admin: Api, data: bytes, name: str = "broken vase.png") -> str:
    sha = hashlib.sha256(data).hexdigest()
    put = admin.http.put(
        f"/v1/attachments/{sha}", content=data, headers={"Content-Type": "image/png"}
    )
    assert put.status_code in (200, 201), put.text
    response = admin.inbound(attachments=[{"id": sha, "filename": name}])
    assert response.status_code == 201, response.text
    return str(response.json()["conversation"]["id"])


def test_a_file_that_is_not_what_was_announced_is_refused_and_the_thread_stays_usable(
    admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    data = photo()
    conversation = customer_photo(admin, data)
    proxy = make_proxy()
    desk = make_desk(url=proxy.base_url)
    desk.synced()
    local = desk.conversation_id(conversation)
    ((_name, state, _remote),) = files_of(desk, conversation)
    assert state is AttachmentState.REMOTE
    file_id = desk.query("SELECT id FROM attachments")[0][0]
    tampered = Rewrite(lambda r: ProxyReply(r.status, r.headers, r.body[:-1] + b"X"))
    proxy.on("GET", "/v1/attachments/", tampered)
    assert desk.engine.fetch_attachment(file_id).names(local)
    ((_name, state, _remote),) = files_of(desk, conversation)
    assert state is AttachmentState.REFUSED
    file = only_file(desk, conversation)
    assert (file.refused_reason, file.path) == (
        "broken vase.png arrived damaged (its content does not match its checksum)",
        None,
    )
    detail = desk.runner.store_call(lambda repo: inbox.open_conversation(repo, local))
    assert detail.messages[-1].body  # the customer's words are all there


def test_a_download_larger_than_announced_is_cut_off(
    admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    conversation = customer_photo(admin, photo(), "receipt.png")
    proxy = make_proxy()
    desk = make_desk(url=proxy.base_url)
    desk.synced()
    file_id = desk.query("SELECT id FROM attachments")[0][0]
    huge = Rewrite(lambda r: ProxyReply(200, r.headers, r.body + bytes(5_000_000)))
    proxy.on("GET", "/v1/attachments/", huge)
    assert desk.engine.fetch_attachment(file_id)
    file = only_file(desk, conversation)
    assert (file.state, file.path) == (AttachmentState.REFUSED, None)
    assert file.refused_reason == "receipt.png is larger than the server announced; it was not kept"
    assert desk.conversation_id(conversation)


def test_hostile_metadata_is_refused_before_anything_is_fetched(
    admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    conversation = customer_photo(admin, photo(), "bomb.png")
    proxy = make_proxy()

    def claims_a_bomb(answer: ProxyReply) -> ProxyReply:
        page = json.loads(answer.body)
        for message in page["items"]:
            for file in message.get("attachments", []):
                file.update(width=60_000, height=60_000)
        return ProxyReply(answer.status, answer.headers, json.dumps(page).encode())

    proxy.on("GET", "/v1/messages/changes", Rewrite(claims_a_bomb), times=None)
    desk = make_desk(url=proxy.base_url)
    desk.synced()
    file = only_file(desk, conversation)
    assert file.state is AttachmentState.REFUSED
    assert file.refused_reason and "60000×60000 pixels" in file.refused_reason
    file_id = desk.query("SELECT id FROM attachments")[0][0]
    assert not desk.engine.fetch_attachment(file_id)  # refused: never downloaded
    assert proxy.seen("GET", "/v1/attachments/") == []
    assert desk.conversation_id(conversation)


def test_an_erased_conversation_takes_its_files_off_this_computer(
    admin: Api, make_desk: DeskFactory
) -> None:
    data = photo()
    conversation = customer_photo(admin, data, "passport.png")
    desk = make_desk()
    desk.synced()
    file = only_file(desk, conversation)
    assert desk.engine.fetch_attachment(file.id)
    path = only_file(desk, conversation).path
    assert path is not None and path.read_bytes() == data
    assert admin.http.delete(f"/v1/admin/conversations/{conversation}").status_code == 204
    desk.synced()
    assert desk.query("SELECT count(*) FROM attachments") == [(0,)]
    assert not path.exists()
    assert admin.get(f"/v1/attachments/{file.sha256}").status_code == 404
