"""The transcript model: every text a renderer prints is redacted, names become roles."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from app.config.paths import translations_dir
from app.domain.models import MessageKind
from app.domain.review import AnnotationKind, ReviewState, Role, Severity
from app.i18n import I18n
from app.ops import review, transcript
from app.storage.store import Store
from tests.helpers.attachments import attach
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation

SECRETS = [
    "Jonas Weber",
    "Jonas",
    "Weber",
    "jonas.weber@example.de",
    "+49 30 901820",
    "0151 23456789",
    "DE89 3704 0044 0532 0130 00",
    "4111 1111 1111 1111",
    "jw_line_42",
    "Mei Agent",
    "Carl Colleague",
]


@pytest.fixture
def i18n() -> I18n:
    return I18n("en", translations_dir())


@pytest.fixture
def conversation(repo: Store) -> tuple[int, dict[str, int]]:
    agents = add_agents(repo)
    conv = Conv(
        customer="Jonas Weber",
        country="DE",
        language="de-DE",
        timezone="Europe/Berlin",
        subject="Rückerstattung für Jonas Weber (jonas.weber@example.de)",
        handles={"email": "jonas.weber@example.de", "line": "jw_line_42", "phone": "0151 23456789"},
        assignee="colleague",
        messages=[
            (MessageKind.CUSTOMER, "Hallo, hier Jonas. Ruf mich an: +49 30 901820."),
            (MessageKind.CUSTOMER, "IBAN DE89 3704 0044 0532 0130 00, Karte 4111 1111 1111 1111"),
            (
                MessageKind.AGENT,
                "Danke Jonas, Carl Colleague kümmert sich. Bestellung LM-2026-104233",
            ),
        ],
    )
    cid = add_conversation(repo, conv, agents)
    return cid, agents


def message_ids(repo: Store, cid: int) -> list[int]:
    return [m.id for m in repo.messages.messages(cid)]


def everything(document: transcript.Transcript) -> str:
    """Every string in the model, however deep."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(asdict(document))
    return "\n".join(found)


def test_every_text_of_the_model_is_redacted(
    repo: Store, conversation: tuple[int, dict[str, int]], i18n: I18n
) -> None:
    cid, agents = conversation
    first = message_ids(repo, cid)[0]
    attach(
        repo,
        cid,
        first,
        "Jonas Weber Rechnung jonas.weber@example.de.pdf",
        b"%PDF-1.4",
        "application/pdf",
    )
    review.set_roles(repo, agents["me"], [Role.LEAD])
    review.add_annotation(
        repo,
        cid,
        message_ids(repo, cid)[2],
        AnnotationKind.MISTRANSLATION,
        Severity.MAJOR,
        "Jonas asked for a call on 0151 23456789",
        agents["me"],
        NOW,
        correction="Thanks Jonas, Carl will take care of it",
        reference="Jonas Weber's profile",
    )
    found, _changes = review.open_review(repo, cid, agents["me"], NOW)
    review.update_review(repo, found.id, NOW, comment="Good for Jonas", state=ReviewState.DONE)

    document = transcript.build(repo, cid, i18n, agent_language="en", redact=True)

    text = everything(document)
    for secret in SECRETS:
        assert secret not in text, secret
    assert document.customer == "Customer"
    assert document.subject == "Rückerstattung für Customer ([e-mail])"
    assert dict(document.handles) == {"email": "[e-mail]", "line": "[contact]", "phone": "[phone]"}
    assert document.assignee == "Agent 2"  # Mei wrote first (the reply), Carl is assigned
    # "example.de.pdf" could be a mail domain: over-redacting beats leaking.
    assert document.messages[0].files == ("Customer Rechnung [e-mail]",)
    assert document.messages[2].text == (
        "Danke Customer, Agent 2 kümmert sich. Bestellung LM-2026-104233"
    )
    note = document.messages[2].annotations[0]
    assert (note.author, note.correction) == (
        "Agent 1",
        "Thanks Customer, Agent 2 will take care of it",
    )
    assert document.review is not None and document.review.comment == "Good for Customer"


def test_without_redaction_nothing_changes(
    repo: Store, conversation: tuple[int, dict[str, int]], i18n: I18n
) -> None:
    cid, _agents = conversation
    document = transcript.build(repo, cid, i18n, agent_language="en")
    assert document.customer == "Jonas Weber" and document.assignee == "Carl Colleague"
    assert document.messages[0].text == "Hallo, hier Jonas. Ruf mich an: +49 30 901820."
    assert document.review is None and not document.redacted


def test_order_numbers_only_on_request(
    repo: Store, conversation: tuple[int, dict[str, int]], i18n: I18n
) -> None:
    cid, _agents = conversation
    document = transcript.build(
        repo, cid, i18n, agent_language="en", redact=True, redact_orders=True
    )
    assert document.messages[2].text.endswith("Bestellung [order number]")


def test_an_unknown_conversation_is_a_lookup_error(repo: Store, i18n: I18n) -> None:
    with pytest.raises(LookupError):
        transcript.build(repo, 424242, i18n, agent_language="en")


def test_labels_follow_the_language(repo: Store, conversation: tuple[int, dict[str, int]]) -> None:
    cid, _agents = conversation
    chinese = I18n("zh_CN", translations_dir())
    document = transcript.build(repo, cid, chinese, agent_language="zh-CN", redact=True)
    assert document.customer == chinese._("Customer")
