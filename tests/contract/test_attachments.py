"""PUT/GET /v1/attachments/{sha256} and messages carrying attachments: upload by content
hash (idempotent), the size limit, a hash that does not match, types the server refuses,
authentication, and a message with files through posting, listing and the feed."""

from __future__ import annotations

import hashlib
import secrets

import httpx
import pytest

from app.contract.models import AttachmentBlob, Message, MessagePage
from app.domain.attachments import MAX_ATTACHMENT_BYTES
from tests.contract.client import Api, expect_problem, new_id
from tests.helpers.attachment_files import png


def unique_png() -> bytes:
    """A real PNG no other test uploads (blobs are shared by hash across the session)."""
    return png(2 + secrets.randbelow(200), 3 + secrets.randbelow(200))


def put(api: Api, data: bytes, content_type: str, sha: str | None = None) -> httpx.Response:
    sha = sha or hashlib.sha256(data).hexdigest()
    return api.http.put(
        f"/v1/attachments/{sha}", content=data, headers={"Content-Type": content_type}
    )


def uploaded(api: Api, data: bytes, content_type: str) -> AttachmentBlob:
    response = put(api, data, content_type)
    assert response.status_code in (200, 201), response.text
    return AttachmentBlob.model_validate(response.json())


def test_upload_is_by_content_hash_and_idempotent(api: Api) -> None:
    data = unique_png()
    sha = hashlib.sha256(data).hexdigest()
    first = put(api, data, "image/png")
    assert first.status_code == 201, first.text
    blob = AttachmentBlob.model_validate(first.json())
    assert (blob.sha256, blob.size, blob.content_type) == (sha, len(data), "image/png")
    assert (blob.width, blob.height) == (
        int.from_bytes(data[16:20], "big"),
        int.from_bytes(data[20:24], "big"),
    )
    again = put(api, data, "image/png")  # a retry, or the same photo sent again
    assert again.status_code == 200
    assert AttachmentBlob.model_validate(again.json()) == blob
    download = api.get(f"/v1/attachments/{blob.id}")
    assert download.status_code == 200 and download.content == data
    assert download.headers["content-type"] == "image/png"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["etag"] == f'"{sha}"'


def test_the_type_comes_from_the_bytes(api: Api) -> None:
    text = f"order,{secrets.token_hex(8)}\n".encode()
    assert uploaded(api, text, "text/csv").content_type == "text/csv"
    pdf = b"%PDF-1.7\n" + secrets.token_bytes(64)
    expect_problem(put(api, pdf, "image/png"), 415, "unsupported_media_type")  # not what it says
    program = b"MZ\x90\x00" + secrets.token_bytes(256)
    expect_problem(put(api, program, "application/pdf"), 415, "unsupported_media_type")
    expect_problem(put(api, pdf, "application/x-msdownload"), 415, "unsupported_media_type")
    assert api.get(f"/v1/attachments/{hashlib.sha256(pdf).hexdigest()}").status_code == 404


def test_a_decompression_bomb_is_refused(api: Api) -> None:
    bomb = png(60_000, 60_000) + secrets.token_bytes(8)  # a header claiming 3.6 gigapixels
    problem = expect_problem(put(api, bomb, "image/png"), 415, "unsupported_media_type")
    assert problem.detail and "pixels" in problem.detail


def test_a_body_that_does_not_match_its_hash_is_422_and_not_stored(api: Api) -> None:
    data, other = unique_png(), unique_png()
    sha = hashlib.sha256(other).hexdigest()
    expect_problem(put(api, data, "image/png", sha=sha), 422, "hash_mismatch")
    assert api.get(f"/v1/attachments/{sha}").status_code == 404
    expect_problem(put(api, data, "image/png", sha="NOT-A-HASH"), 422, "validation_failed")


def test_a_file_over_the_limit_is_413(api: Api) -> None:
    data = b"%PDF-1.7\n" + bytes(MAX_ATTACHMENT_BYTES)
    problem = expect_problem(put(api, data, "application/pdf"), 413, "content_too_large")
    assert problem.status == 413


def test_attachments_need_a_token(api: Api, anonymous: Api) -> None:
    blob = uploaded(api, unique_png(), "image/png")
    expect_problem(anonymous.get(f"/v1/attachments/{blob.id}"), 401, "unauthorized")
    data = unique_png()
    expect_problem(put(anonymous, data, "image/png"), 401, "unauthorized")
    assert api.get(f"/v1/attachments/{hashlib.sha256(data).hexdigest()}").status_code == 404
    expect_problem(api.get(f"/v1/attachments/{'0' * 64}"), 404, "not_found")


def test_a_message_carries_its_files_through_post_list_and_feed(api: Api) -> None:
    conversation = api.new_conversation()
    label = uploaded(api, unique_png(), "image/png")
    invoice = uploaded(api, b"%PDF-1.4\n" + secrets.token_bytes(32), "application/pdf")
    path = f"/v1/conversations/{conversation['id']}/messages"
    body = {
        "id": new_id("reply"),
        "kind": "agent",
        "body": "",  # files only
        "attachments": [
            {"id": label.id, "filename": "label.png"},
            {"id": invoice.id, "filename": "Rechnung 4711.pdf"},
        ],
    }
    posted = api.post(path, body)
    assert posted.status_code == 201, posted.text
    message = Message.model_validate(posted.json())
    assert [(a.filename, a.sha256, a.content_type, a.size) for a in message.attachments] == [
        ("label.png", label.sha256, "image/png", label.size),
        ("Rechnung 4711.pdf", invoice.sha256, "application/pdf", invoice.size),
    ]
    assert message.attachments[0].width == label.width
    replay = api.post(path, body)  # the same message id and content: the stored message
    assert replay.status_code == 200 and Message.model_validate(replay.json()) == message
    listed = MessagePage.model_validate(api.get(path).json()).items
    assert listed[-1] == message
    assert listed[0].attachments == []  # the customer's text message has none
    items, _deleted, _cursor = api.drain("messages")
    assert [m for m in items if m["id"] == message.id] == [posted.json()]


def test_a_customer_message_may_bring_files(api: Api) -> None:
    photo = uploaded(api, unique_png(), "image/png")
    response = api.inbound(attachments=[{"id": photo.id, "filename": "broken vase.png"}])
    assert response.status_code == 201, response.text
    (file,) = response.json()["message"]["attachments"]
    assert (file["filename"], file["sha256"]) == ("broken vase.png", photo.sha256)


def test_a_message_naming_a_file_not_uploaded_is_422(api: Api) -> None:
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}/messages"
    missing = hashlib.sha256(secrets.token_bytes(16)).hexdigest()
    body = {
        "id": new_id("reply"),
        "kind": "agent",
        "body": "See the label.",
        "attachments": [{"id": missing, "filename": "label.png"}],
    }
    problem = expect_problem(api.post(path, body), 422, "validation_failed")
    assert [(e.pointer, e.code) for e in problem.errors] == [
        ("/attachments/0/id", "unknown_attachment")
    ]
    assert len(api.get(path).json()["items"]) == 1  # nothing was posted
    empty = {"id": new_id("reply"), "kind": "agent", "body": ""}
    expect_problem(api.post(path, empty), 422, "validation_failed")  # no text, no files
    too_many = {**body, "attachments": [{"id": missing, "filename": f"{n}.png"} for n in range(11)]}
    expect_problem(api.post(path, too_many), 422, "validation_failed")


def test_the_openapi_document_describes_attachments(api: Api) -> None:
    document = api.get("/openapi.json").json()
    operations = document["paths"]["/v1/attachments/{sha256}"]
    assert {"put", "get"} <= set(operations)
    assert {"201", "413", "415", "422"} <= set(operations["put"]["responses"])
    schemas = document["components"]["schemas"]
    assert "attachments" in schemas["Message"]["properties"]
    assert "attachments" in schemas["MessageCreate"]["properties"]


def test_the_same_file_uploaded_at_once_from_several_desks_is_stored_once(api: Api) -> None:
    from concurrent.futures import ThreadPoolExecutor

    data = unique_png()
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(
            pool.map(lambda _n: put(api.with_token(api.token), data, "image/png"), range(6))
        )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200, 200, 200, 200, 200, 201], [a.text for a in answers]
    assert len({a.text for a in answers}) == 1


@pytest.mark.test_hooks
def test_erasing_a_conversation_erases_the_customers_files(api: Api) -> None:
    photo, shared = unique_png(), unique_png()
    for data in (photo, shared):
        uploaded(api, data, "image/png")
    ids = [hashlib.sha256(d).hexdigest() for d in (photo, shared)]
    files = [{"id": ids[0], "filename": "passport.png"}, {"id": ids[1], "filename": "logo.png"}]
    erased = api.inbound(attachments=files).json()["conversation"]["id"]
    kept = api.inbound(attachments=[{"id": ids[1], "filename": "logo.png"}])
    assert kept.status_code == 201, kept.text
    assert api.http.delete(f"/v1/admin/conversations/{erased}").status_code == 204
    assert api.get(f"/v1/attachments/{ids[0]}").status_code == 404  # only that customer's
    assert api.get(f"/v1/attachments/{ids[1]}").content == shared  # still on another message
