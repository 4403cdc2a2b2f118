"""The template picker on real widgets: the customer's language first, every variable
required, and what is sent is exactly what the preview shows."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from app.config.paths import resources_dir
from app.domain.models import Channel, MessageKind
from app.ops import templates
from app.storage.store import Store
from app.ui.conversation.pane import ConversationPane
from app.ui.conversation.template_dialog import TemplateDialog
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.fixtures import ContextFactory
from tests.ui.conftest import ErrorSink

pytestmark = pytest.mark.gui

H = 3600


@pytest.fixture
def lucia(repo: Store) -> int:
    templates.load_templates_file(repo, resources_dir() / "demo" / "templates.yaml", NOW)
    conv = Conv(customer="Lucía García", language="es", channel=Channel.WHATSAPP, age=30 * H)
    return add_conversation(repo, conv, add_agents(repo))


@pytest.fixture
def pane(
    lucia: int, make_ctx: ContextFactory, error_sink: ErrorSink, qtbot: QtBot
) -> ConversationPane:
    widget = ConversationPane(make_ctx(), error_sink)
    qtbot.addWidget(widget)
    widget.resize(760, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_conversation(lucia)
    return widget


def open_picker(pane: ConversationPane, qtbot: QtBot) -> TemplateDialog:
    assert pane.templates.gate.isVisible()
    pane.templates.gate.template_button.click()
    dialog = pane.templates.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def field(dialog: TemplateDialog, name: str) -> QLineEdit:
    found = dialog.findChild(QLineEdit, f"templateVar_{name}")
    assert isinstance(found, QLineEdit)
    return found


def test_the_picker_fills_previews_and_sends_exactly_the_preview(
    pane: ConversationPane, lucia: int, repo: Store, qtbot: QtBot, error_sink: ErrorSink
) -> None:
    qtbot.keyClicks(pane.composer.editor, "Hola Lucia")  # free-form, blocked: stays a draft
    dialog = open_picker(pane, qtbot)
    assert dialog.note.text() == "Templates in Spanish."
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == [
        "order_update · Spanish"
    ]
    assert not dialog.send_button.isEnabled()
    assert dialog.problem.text() == "Fill in {{1}}."
    qtbot.keyClicks(field(dialog, "1"), "Lucia")
    assert "Hola Lucia, " in dialog.preview.toPlainText()
    assert "{{2}}" in dialog.preview.toPlainText()  # what is not filled yet shows
    assert not dialog.send_button.isEnabled()
    qtbot.keyClicks(field(dialog, "2"), "ES-778")
    shown = dialog.preview.toPlainText()
    assert "{{" not in shown and "ES-778" in shown
    assert dialog.send_button.isEnabled() and dialog.problem.text() == ""
    dialog.send_button.click()
    messages = repo.messages.messages(lucia)
    assert [m.kind for m in messages] == [MessageKind.CUSTOMER, MessageKind.AGENT]
    assert messages[-1].body == shown
    assert messages[-1].language == "es"
    assert pane.composer.text() == "Hola Lucia"  # the agent's own words are kept
    draft = repo.drafts.draft(lucia)
    assert draft is not None and draft.body == "Hola Lucia"
    assert not error_sink.errors
    # a template does not reopen the window: only the customer's answer does
    assert pane.templates.gate.isVisible() and pane.composer.reply_blocked


def test_every_language_on_request_and_bounded_values(pane: ConversationPane, qtbot: QtBot) -> None:
    dialog = open_picker(pane, qtbot)
    dialog.any_language.setChecked(True)
    names = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert "refund_issued · English" in names and len(names) == 7
    dialog.list.setCurrentRow(names.index("refund_issued · English"))
    assert [
        dialog.form.itemAt(i, dialog.form.ItemRole.LabelRole).widget().text()  # type: ignore[union-attr]
        for i in range(dialog.form.rowCount())
    ] == [
        "{{customer_name}}",
        "{{amount}}",
        "{{order_number}}",
    ]
    value = field(dialog, "amount")
    value.setText("9" * 500)
    assert len(value.text()) == 200  # bounded where it is typed
    dialog.reject()
    assert pane.templates.dialog is dialog and dialog.reply is None
