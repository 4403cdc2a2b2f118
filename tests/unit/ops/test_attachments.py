"""Attachments on the agent's side, on a real store and real files: adding to a draft from
disk or the clipboard, the limits, removing, and sending (the files go with the message)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.domain.attachments import MAX_ATTACHMENT_BYTES, AttachmentError, AttachmentState
from app.domain.models import MessageKind
from app.ops import attachments, inbox, reply
from app.ops.reply import MessageTooLongError, Reply
from app.storage.store import Store
from tests.helpers.attachment_files import jpeg, png
from tests.helpers.builders import NOW


@pytest.fixture
def cid(standard_inbox: dict[str, int]) -> int:
    return standard_inbox["Ana Souza"]


def test_a_file_is_copied_beside_the_store_and_shown_on_the_draft(
    repo: Store, cid: int, tmp_path: Path, store_path: Path
) -> None:
    photo = tmp_path / "damaged box.JPG"
    photo.write_bytes(jpeg(1200, 900))
    changes = attachments.add_file_to_draft(repo, cid, photo, NOW)
    assert changes.names(cid)
    photo.unlink()  # the draft keeps its own copy
    (item,) = inbox.conversation_detail(repo, cid).draft_attachments
    assert (item.filename, item.content_type, item.width, item.height, item.state) == (
        "damaged box.JPG",
        "image/jpeg",
        1200,
        900,
        AttachmentState.DRAFT,
    )
    assert item.path is not None and item.path.read_bytes() == jpeg(1200, 900)
    assert item.path.parent.parent == store_path.with_name("test.attachments")
    assert item.path.name == item.sha256  # content-addressed: no customer text on disk


def test_pasted_bytes_are_typed_by_their_content_and_kept_once(repo: Store, cid: int) -> None:
    attachments.add_bytes_to_draft(repo, cid, png(4, 4), "pasted.txt", NOW, "text/plain")
    attachments.add_bytes_to_draft(repo, cid, png(4, 4), "again.png", NOW)
    (item,) = attachments.draft_attachments(repo, cid)
    assert (item.content_type, item.filename) == ("image/png", "pasted.txt")


def test_refused_files_change_nothing_and_say_why(repo: Store, cid: int, tmp_path: Path) -> None:
    big = tmp_path / "scan.pdf"
    with big.open("wb") as out:
        out.write(b"%PDF-1.7")
        out.truncate(MAX_ATTACHMENT_BYTES + 1)
    with pytest.raises(AttachmentError, match=r"scan\.pdf is 20\.0 MB.*at most 20 MB"):
        attachments.add_file_to_draft(repo, cid, big, NOW)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for customers")
    link = tmp_path / "label.txt"
    link.symlink_to(secret)
    with pytest.raises(AttachmentError, match=r"label\.txt cannot be read"):
        attachments.add_file_to_draft(repo, cid, link, NOW)  # a link is never followed
    with pytest.raises(AttachmentError, match="cannot be read"):
        attachments.add_file_to_draft(repo, cid, tmp_path, NOW)  # a folder
    pipe = tmp_path / "photo.png"
    os.mkfifo(pipe)  # opening it must not wait for a writer
    with pytest.raises(AttachmentError, match=r"photo\.png cannot be read"):
        attachments.add_file_to_draft(repo, cid, pipe, NOW)
    with pytest.raises(AttachmentError, match="not a type"):
        attachments.add_bytes_to_draft(repo, cid, b"MZ\x90\x00" + bytes(200), "a.pdf", NOW)
    with pytest.raises(AttachmentError, match="pixels"):
        attachments.add_bytes_to_draft(repo, cid, png(50_000, 50_000), "bomb.png", NOW)
    assert attachments.draft_attachments(repo, cid) == ()
    folder = repo.attachments.folder
    assert folder is None or not any(p.is_file() for p in folder.rglob("*"))


def test_at_most_ten_files_per_draft(repo: Store, cid: int, tmp_path: Path) -> None:
    for n in range(10):
        attachments.add_bytes_to_draft(repo, cid, f"note {n}\n".encode(), f"n{n}.txt", NOW)
    with pytest.raises(AttachmentError, match="at most 10 attachments"):
        attachments.add_bytes_to_draft(repo, cid, b"eleven\n", "n10.txt", NOW)
    files = []
    for n in range(2):
        path = tmp_path / f"f{n}.txt"
        path.write_text(f"file {n}")
        files.append(path)
    attachments.remove_from_draft(repo, attachments.draft_attachments(repo, cid)[0].id)
    with pytest.raises(AttachmentError, match=r"at most 10 attachments \(11 chosen\)"):
        attachments.add_files_to_draft(repo, cid, files, NOW)  # all or none
    assert len(attachments.draft_attachments(repo, cid)) == 9


def test_removing_a_file_from_the_draft_deletes_the_unused_copy(repo: Store, cid: int) -> None:
    attachments.add_bytes_to_draft(repo, cid, b"order 4711\n", "order.txt", NOW)
    (item,) = attachments.draft_attachments(repo, cid)
    assert item.path is not None and item.path.exists()
    assert attachments.remove_from_draft(repo, item.id).names(cid)
    assert attachments.draft_attachments(repo, cid) == () and not item.path.exists()
    assert not attachments.remove_from_draft(repo, item.id)  # already gone: nothing changed


def test_sending_takes_the_drafts_files_with_the_message(repo: Store, cid: int) -> None:
    attachments.add_bytes_to_draft(repo, cid, png(2, 2), "label.png", NOW)
    attachments.add_bytes_to_draft(repo, cid, b"%PDF-1.4 invoice", "invoice.pdf", NOW)
    reply.send(repo, cid, Reply(MessageKind.AGENT, ""), None, NOW)  # files only: allowed
    detail = inbox.conversation_detail(repo, cid)
    sent = detail.messages[-1]
    assert sent.kind is MessageKind.AGENT and sent.body == ""
    assert [a.filename for a in detail.attachments[sent.id]] == ["label.png", "invoice.pdf"]
    assert {a.state for a in detail.attachments[sent.id]} == {AttachmentState.LOCAL}
    assert detail.draft_attachments == ()
    assert set(detail.attachments) == {sent.id}  # the customer's message has none
    assert detail.row.last_message_preview == "📎 label.png, invoice.pdf"  # the list's line
    with pytest.raises(ValueError, match="empty message"):  # no text and no files: refused
        reply.send(repo, cid, reply.note(""), None, NOW)


def test_a_text_reply_with_files_keeps_its_text_as_the_preview(repo: Store, cid: int) -> None:
    attachments.add_bytes_to_draft(repo, cid, png(2, 2), "label.png", NOW)
    reply.send(repo, cid, Reply(MessageKind.AGENT, "Your return label."), None, NOW)
    assert inbox.conversation_detail(repo, cid).row.last_message_preview == "Your return label."


def test_a_refused_send_leaves_the_files_on_the_draft(repo: Store, cid: int) -> None:
    attachments.add_bytes_to_draft(repo, cid, b"receipt\n", "receipt.txt", NOW)
    before = len(repo.messages.messages(cid))
    with pytest.raises(MessageTooLongError):
        reply.send_or_keep_draft(repo, cid, reply.note("x" * 300_000), None, NOW)
    assert len(repo.messages.messages(cid)) == before
    assert [a.filename for a in attachments.draft_attachments(repo, cid)] == ["receipt.txt"]


def test_reading_a_file_checks_it_is_still_what_was_stored(repo: Store, cid: int) -> None:
    attachments.add_bytes_to_draft(repo, cid, b"tracking 1Z999\n", "tracking.txt", NOW)
    (item,) = attachments.draft_attachments(repo, cid)
    assert attachments.read_attachment(repo, item.id)[1] == b"tracking 1Z999\n"
    assert item.path is not None
    item.path.write_bytes(b"tampered\n")
    with pytest.raises(AttachmentError, match=r"tracking\.txt arrived damaged"):
        attachments.read_attachment(repo, item.id)
    item.path.unlink()
    with pytest.raises(AttachmentError, match="cannot be read"):
        attachments.read_attachment(repo, item.id)


def test_received_files_are_mirrored_once_and_hostile_ones_refused(repo: Store, cid: int) -> None:
    from app.contract import models as wire

    uid = repo.messages.messages(cid)[0].uid
    sha = "ab" * 32

    def file(name: str, content_type: str, size: int = 100, **more: int) -> dict[str, object]:
        return {"id": sha, "sha256": sha, "filename": name, "content_type": content_type,
                "size": size, **more}  # fmt: skip

    message = wire.Message.model_validate(
        {
            "id": uid,
            "conversation_id": "c",
            "seq": 1,
            "kind": "customer",
            "author": {"type": "customer"},
            "body": "photos",
            "created_at": NOW,
            "attachments": [
                file("../../etc/photo\u202egnp.png", "image/png", width=10, height=10),
                file("page.html", "text/html"),
                file("huge.pdf", "application/pdf", size=MAX_ATTACHMENT_BYTES + 1),
                file("bomb.png", "image/png", width=100_000, height=100_000),
                file("x" * 300, "image/png"),  # malformed: dropped, the message kept
                *[file(f"{n}.png", "image/png") for n in range(20)],  # past the limit: dropped
            ],
        }
    )
    assert len(message.attachments) == 10 and message.body == "photos"
    assert [f.filename for f in message.attachments][4:] == [f"{n}.png" for n in range(6)]
    with repo.transaction():
        assert repo.attachments.mirror_received([message]) == {cid}
        assert repo.attachments.mirror_received([message]) == set()  # a page read twice
    (_sent, files), *_ = attachments.conversation_attachments(repo, cid).items()
    assert len(files) == 10
    photo, html, huge, bomb = files[:4]
    assert (photo.filename, photo.state, photo.path) == (
        "photognp.png",
        AttachmentState.REMOTE,
        None,
    )
    assert (html.state, html.refused_reason) == (
        AttachmentState.REFUSED,
        "page.html is not a type CrossDesk attaches (images, PDF, text, CSV and office documents)",
    )
    assert huge.refused_reason == "huge.pdf is 20.0 MB; attachments may be at most 20 MB"
    refusal = huge.refusal  # for the UI: the msgid and its values, translated when shown
    assert refusal is not None and refusal.template.startswith("{file} is {size} MB")
    assert refusal.params["file"] == "huge.pdf" and str(refusal) == huge.refused_reason
    assert bomb.refused_reason is not None and "100000×100000 pixels" in bomb.refused_reason
