"""A customer's export holds everything about them; their erasure leaves nothing of them
and touches no one else (real demo store, real files)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from app.config.paths import Paths, resources_dir
from app.domain.data_requests import DataRequestError, PersonalData, RequestStatus
from app.domain.models import MessageKind
from app.domain.review import SurveyKind
from app.ops import privacy, privacy_export
from app.ops.culture import CultureData, load_culture
from app.ops.demo import load_demo_into
from app.ops.outbox import mark_server_workspace
from app.storage.store import Store
from app.storage.translation_store import CachedTranslation, MemoryRow, cache_key
from tests.helpers.builders import NOW
from tests.helpers.sql import sql

BRANDON = "us-brandon-cole"  # three conversations, an attachment, survey answers


@pytest.fixture(scope="module")
def culture(tmp_path_factory: pytest.TempPathFactory) -> CultureData:
    return load_culture(Paths.resolve(str(tmp_path_factory.mktemp("culture"))))


@pytest.fixture
def demo(repo: Store) -> Store:
    load_demo_into(repo, resources_dir() / "demo", NOW)
    return repo


def customer(store: Store, uid: str) -> int:
    found = privacy.customer_by_uid(store, uid)
    assert found is not None
    return found


class Renderer:
    """Stands in for the Qt PDF writer (tested in the CLI test): keeps the HTML it got."""

    def __init__(self) -> None:
        self.pages: list[tuple[str, str]] = []

    def __call__(self, page: str, title: str) -> bytes:
        self.pages.append((page, title))
        return b"%PDF-1.4 test"


def personal(store: Store, uid: str) -> PersonalData:
    row = store.data_requests.customer_rows([customer(store, uid)])[0]
    return PersonalData.of([row["name"]], json.loads(row["handles"]).values())


def rows_carrying(store: Store, data: PersonalData) -> list[tuple[str, str]]:
    """Every row of every table (search index included) that carries the customer's data."""
    conn = sql(store)
    tables = [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not r[0].startswith("sqlite_") and "_fts_" not in r[0]
    ]
    found = []
    for table in tables:
        for row in conn.execute(f"SELECT * FROM {table}"):
            text = " ".join(str(v) for v in row if isinstance(v, str))
            if data.carried_by(text):
                found.append((table, text[:120]))
    return found


def snapshot_of_others(store: Store, person: list[int]) -> dict[str, object]:
    conn = sql(store)
    marks = ",".join("?" * len(person))
    return {
        "customers": conn.execute(
            f"SELECT * FROM customers WHERE id NOT IN ({marks}) ORDER BY id", person
        ).fetchall(),
        "messages": conn.execute(
            "SELECT m.* FROM messages m JOIN conversations c ON c.id = m.conversation_id"
            f" WHERE c.customer_id NOT IN ({marks}) ORDER BY m.id",
            person,
        ).fetchall(),
        "attachments": conn.execute(
            "SELECT a.* FROM attachments a JOIN conversations c ON c.id = a.conversation_id"
            f" WHERE c.customer_id NOT IN ({marks}) ORDER BY a.id",
            person,
        ).fetchall(),
        "reviews": conn.execute("SELECT count(*) FROM reviews").fetchone(),
    }


def test_the_export_holds_everything_about_the_customer(demo: Store, culture: CultureData) -> None:
    brandon = customer(demo, BRANDON)
    demo.customers.add_note(brandon, "Prefers phone calls <b>after</b> 5pm & weekends", None, NOW)
    conversation_ids = demo.data_requests.conversation_ids([brandon])
    first = demo.conversations.conversation_rows(conversation_ids)[conversation_ids[0]]
    demo.drafts.save_draft(conversation_ids[0], MessageKind.AGENT, "Hi Brandon, about", NOW)
    demo.surveys.add(conversation_ids[1], SurveyKind.CSAT, 4, "quick & kind", NOW)
    request = privacy.open_request(demo, culture, brandon, "export", NOW).uid
    renderer = Renderer()
    data = privacy_export.export_customer(demo, brandon, NOW, renderer, request_uid=request)
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert {"customer.json", "customer.pdf", "manifest.json"} <= set(names)
    document = json.loads(archive.read("customer.json"))
    assert document["customer"]["uid"] == BRANDON and document["customer"]["handles"]
    assert document["notes"][0]["body"].startswith("Prefers phone calls <b>after</b>")
    stored = (
        sql(demo)
        .execute(
            "SELECT m.uid, m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id"
            " WHERE c.customer_id = ? ORDER BY m.uid",
            (brandon,),
        )
        .fetchall()
    )
    exported = sorted(
        (m["uid"], m["body"]) for c in document["conversations"] for m in c["messages"]
    )
    assert exported == [tuple(r) for r in stored] and len(exported) >= 3
    assert len(document["conversations"]) == 3
    assert any(c["uid"] == first.uid for c in document["conversations"])
    assert all("translations" in m for c in document["conversations"] for m in c["messages"])
    assert any(c["drafts"] for c in document["conversations"])
    answers = [a for c in document["conversations"] for a in c["survey_answers"]]
    assert [(a["kind"], a["score"], a["comment"]) for a in answers] == [("csat", 4, "quick & kind")]
    # the attachment file itself, byte for byte
    (attachment,) = document["attachments"]
    assert attachment["file"] in names
    content = archive.read(attachment["file"])
    assert hashlib.sha256(content).hexdigest() == attachment["sha256"]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["counts"]["messages"] == len(exported)
    assert manifest["counts"]["attachment_files"] == 1
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert listed["customer.json"] == hashlib.sha256(archive.read("customer.json")).hexdigest()
    assert archive.read("customer.pdf").startswith(b"%PDF")
    # the readable copy: every customer text is escaped, never markup
    ((page, title),) = renderer.pages
    assert BRANDON in title
    assert "&lt;b&gt;after&lt;/b&gt; 5pm &amp; weekends" in page and "<b>after</b>" not in page
    row = privacy.get_request(demo, request, NOW)
    assert row is not None and row.counts["messages"] == len(exported)
    assert row.status is RequestStatus.OPEN  # exporting is not answering


def test_the_export_file_name_has_no_personal_data(demo: Store) -> None:
    name = privacy_export.export_file_name(demo, customer(demo, BRANDON), NOW)
    assert name == f"{BRANDON}-data-2026-11-23.zip"


def test_the_export_of_an_unknown_customer_is_a_clear_error(demo: Store) -> None:
    with pytest.raises(DataRequestError, match="no such customer"):
        privacy_export.export_customer(demo, 123_456, NOW, Renderer())


def test_erasure_leaves_nothing_of_the_customer_and_touches_no_one_else(
    demo: Store, culture: CultureData
) -> None:
    brandon = customer(demo, BRANDON)
    data = personal(demo, BRANDON)
    name = demo.data_requests.customer_rows([brandon])[0]["name"]
    email = json.loads(demo.data_requests.customer_rows([brandon])[0]["handles"])["email"]
    other = customer(demo, "de-klaus-becker")
    other_conversation = demo.data_requests.conversation_ids([other])[0]
    # his data outside his conversations: a note, a colleague's draft elsewhere, team memory,
    # a cached translation that carries his e-mail
    demo.customers.add_note(brandon, "VIP since 2019", None, NOW)
    demo.drafts.save_draft(other_conversation, MessageKind.NOTE, f"ask {name} first", NOW)
    demo.translation.save_memory(
        MemoryRow("", "en", "zh", f"Contact {email} please", "请联系", "agent", None), NOW
    )
    key = cache_key("Hello", "en", "de", "en>de")
    demo.translation.remember([(key, CachedTranslation(f"Hallo {name}", 0.9, "en>de"))], NOW)
    memory_before = len(demo.translation.memory())
    assert rows_carrying(demo, data)  # he is there before
    request = privacy.open_request(
        demo, culture, brandon, "erase", NOW, f"{name} asked by phone"
    ).uid
    others = snapshot_of_others(demo, demo.customers.person(brandon))
    conversation_ids = set(demo.data_requests.conversation_ids([brandon]))

    changes = privacy.erase_customer(demo, brandon, request, NOW + 60)

    assert changes.conversation_ids == conversation_ids and changes.list_membership
    assert changes.data_requests and changes.translation_data and not changes.outbox
    assert rows_carrying(demo, data) == []
    assert privacy.customer_by_uid(demo, BRANDON) is None
    assert snapshot_of_others(demo, [brandon]) == {
        **others,
        "reviews": others["reviews"],
    }
    assert demo.drafts.draft(other_conversation) is None  # it named him
    assert len(demo.translation.memory()) == memory_before - 1
    row = privacy.get_request(demo, request, NOW + 60)
    assert row is not None and row.status is RequestStatus.FULFILLED
    assert row.customer_id is None and row.customer_name is None
    assert row.customer_uid == BRANDON  # the opaque id stays
    assert row.note == "[erased] asked by phone"
    assert row.counts["conversations"] == 3 and row.counts["messages"] >= 3
    assert row.counts["drafts"] == 1 and row.counts["translation_cache"] == 1
    assert row.server_erasure == "local_only" and row.counts["server_requested"] == 0
    stored = sql(demo).execute("SELECT * FROM data_requests WHERE uid = ?", (request,)).fetchone()
    assert not data.carried_by(" ".join(str(v) for v in stored))
    with pytest.raises(DataRequestError, match="no such customer"):
        privacy_export.export_customer(demo, brandon, NOW, Renderer())


def test_no_trace_in_the_files_after_erasure(
    demo: Store, culture: CultureData, store_path: Path
) -> None:
    brandon = customer(demo, BRANDON)
    email = json.loads(demo.data_requests.customer_rows([brandon])[0]["handles"])["email"]
    request = privacy.open_request(demo, culture, brandon, "erase", NOW).uid
    privacy.erase_customer(demo, brandon, request, NOW)
    demo.close()
    for path in store_path.parent.glob(store_path.name + "*"):
        if path.is_file():
            assert email.encode() not in path.read_bytes(), path
    Store.open(store_path).close()  # the fixture closes its own again


def test_erasure_of_a_merged_person_removes_every_handle(demo: Store, culture: CultureData) -> None:
    ana, rafael = customer(demo, "br-ana-souza"), customer(demo, "br-rafael-lima")
    demo.customers.merge_customers(rafael, ana)
    request = privacy.open_request(demo, culture, rafael, "erase", NOW).uid
    privacy.erase_customer(demo, rafael, request, NOW)
    assert privacy.customer_by_uid(demo, "br-ana-souza") is None
    assert privacy.customer_by_uid(demo, "br-rafael-lima") is None
    assert privacy.customer_by_uid(demo, "br-juliana-ferreira") is not None


def test_a_server_workspace_asks_the_server_to_erase_with_ids_only(
    demo: Store, culture: CultureData
) -> None:
    mark_server_workspace(demo, "https://desk.example.test", "me", "Me")
    brandon = customer(demo, BRANDON)
    data = personal(demo, BRANDON)
    request = privacy.open_request(demo, culture, brandon, "erase", NOW).uid
    changes = privacy.erase_customer(demo, brandon, request, NOW)
    assert changes.outbox
    (queued,) = (
        sql(demo)
        .execute("SELECT op, conversation_uid, payload FROM outbox WHERE op = 'customer.erase'")
        .fetchall()
    )
    assert queued[1] == f"customer:{BRANDON}"
    payload = json.loads(queued[2])
    assert payload["customer_id"] == BRANDON and payload["request_id"] == request
    assert not data.carried_by(queued[2])
    row = privacy.get_request(demo, request, NOW)
    assert row is not None and row.counts["server_requested"] == 1
    assert row.server_erasure == "queued"


def test_erasure_needs_an_open_request_about_that_customer(
    demo: Store, culture: CultureData
) -> None:
    brandon, klaus = customer(demo, BRANDON), customer(demo, "de-klaus-becker")
    about_klaus = privacy.open_request(demo, culture, klaus, "erase", NOW).uid
    with pytest.raises(DataRequestError, match="another customer"):
        privacy.erase_customer(demo, brandon, about_klaus, NOW)
    privacy.cancel(demo, about_klaus, NOW)
    with pytest.raises(DataRequestError, match="already closed"):
        privacy.erase_customer(demo, klaus, about_klaus, NOW)
    assert privacy.customer_by_uid(demo, BRANDON) is not None
    assert privacy.customer_by_uid(demo, "de-klaus-becker") is not None
