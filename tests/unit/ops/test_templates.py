"""Approved templates: the demo's data file, and a filled template sent through the one
write path (the stored text is the preview's, the outbox payload names the template)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config.paths import resources_dir
from app.domain.datafiles import DataFileError
from app.domain.message_templates import TemplateValueError, preview
from app.domain.models import Channel, MessageKind
from app.ops import outbox, templates
from app.storage.store import Store
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation

DEMO_TEMPLATES = resources_dir() / "demo" / "templates.yaml"


@pytest.fixture
def whatsapp(repo: Store) -> int:
    templates.load_templates_file(repo, DEMO_TEMPLATES, NOW)
    return add_conversation(
        repo, Conv(customer="Lucía", language="es", channel=Channel.WHATSAPP), add_agents(repo)
    )


def test_the_demo_file_loads_and_templates_are_found_by_language(repo: Store) -> None:
    changes = templates.load_templates_file(repo, DEMO_TEMPLATES, NOW)
    assert changes.choices
    every = templates.templates_for(repo, Channel.WHATSAPP)
    assert {t.uid for t in every} >= {"order-update-en", "order-update-es", "refund-issued-en"}
    assert templates.templates_for(repo, Channel.EMAIL) == ()
    assert [t.uid for t in templates.in_language(every, "pt")] == ["order-update-pt-br"]
    assert [t.uid for t in templates.in_language(every, "es-MX")] == ["order-update-es"]
    assert templates.in_language(every, None) == ()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "templates:\n  - {id: a, name: n, channel: whatsapp, language: en,"
            " body: 'Hi {{1}}', variables: ['2']}\n",
            "do not match",
        ),
        (
            "templates:\n  - {id: a, name: n, channel: fax, language: en, body: 'Hi'}\n",
            "channel",
        ),
        (
            "templates:\n  - {id: a, name: n, channel: whatsapp, language: en, body: x}\n"
            "  - {id: a, name: n, channel: whatsapp, language: es, body: y}\n",
            "used twice",
        ),
    ],
)
def test_a_bad_templates_file_is_refused_with_its_line(
    repo: Store, tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "templates.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        templates.load_templates_file(repo, path, NOW)
    assert problem in str(error.value) and error.value.line is not None
    assert repo.templates.templates() == ()


def test_a_filled_template_is_stored_as_previewed_and_queued_naming_the_template(
    repo: Store, whatsapp: int
) -> None:
    outbox.mark_server_workspace(repo, "https://desk.example", "me", "Mei")
    repo.drafts.save_draft(whatsapp, MessageKind.AGENT, "my free-form words", NOW)
    template = repo.templates.template("order-update-es")
    assert template is not None
    values = {"1": "Lucía", "2": "ES-778"}
    message = templates.template_reply(template, values)
    changes = templates.send_template(repo, whatsapp, message, None, NOW + 5)
    assert changes.messages and whatsapp in changes.conversation_ids
    stored = repo.messages.messages(whatsapp)[-1]
    assert stored.kind is MessageKind.AGENT
    assert stored.body == preview(template, values)
    assert stored.body.startswith("Hola Lucía,") and "ES-778" in stored.body
    assert stored.language == "es"
    (operation,) = repo.outbox.pending()
    assert operation.payload["body"] == stored.body
    assert operation.payload["template"] == {
        "id": "order-update-es",
        "name": "order_update",
        "language": "es",
        "parameters": {"1": "Lucía", "2": "ES-778"},
    }
    draft = repo.drafts.draft(whatsapp)  # what the agent had typed is not lost
    assert draft is not None and draft.body == "my free-form words"


def test_a_template_with_a_missing_value_is_not_built(repo: Store, whatsapp: int) -> None:
    template = repo.templates.template("order-update-es")
    assert template is not None
    with pytest.raises(TemplateValueError):
        templates.template_reply(template, {"1": "Lucía"})
    assert [m.kind for m in repo.messages.messages(whatsapp)] == [MessageKind.CUSTOMER]
