"""Translation labels in an agent's words: no pack names in the text (they are in the
tooltip), and "check with the customer" only under what the customer wrote."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.config.paths import translations_dir
from app.domain.models import MessageKind
from app.i18n import I18n
from app.ops.translation import Preview, TranslationService
from app.storage.store import Store
from app.storage.translation_store import GlossaryRow
from app.translation.api import Provenance, ProvenanceKind
from app.ui.shell.labels import provenance_details, provenance_text
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import NOW, add_agents, add_conversation
from tests.helpers.customers import lucia
from tests.ui.conftest import SpanishDesk
from tests.ui.helpers import thread_text

pytestmark = pytest.mark.gui

I18N = I18n("en", translations_dir())
PIVOTED = Provenance(
    ProvenanceKind.MT,
    route="es-en@1.9>en-zh@1.2",
    pivots=("en",),
    confidence=0.9,
    source_language="es",
    target_language="zh",
)


def test_machine_translation_reads_as_words_and_the_route_is_a_tooltip() -> None:
    assert (
        provenance_text(I18N, PIVOTED)
        == "Machine translation (offline) · via English · high confidence"
    )
    details = provenance_details(I18N, PIVOTED)
    assert "Spanish → Chinese" in details
    assert "Language packs: es → en 1.9, en → zh 1.2" in details
    assert "on this computer" in details


def test_memory_and_incomplete_labels() -> None:
    memory = Provenance(ProvenanceKind.TM, tm_score=96.4)
    assert provenance_text(I18N, memory) == "From translation memory (96% match)"
    cut = dataclasses.replace(PIVOTED, incomplete=True, confidence=0.0)
    assert provenance_text(I18N, cut).startswith("May be incomplete")


def test_check_with_the_customer_only_under_customer_messages() -> None:
    low = dataclasses.replace(PIVOTED, confidence=0.1)
    assert provenance_text(I18N, low).endswith("low confidence: check with the customer")
    mine = provenance_text(I18N, low, outgoing=True)
    assert mine.endswith("low confidence") and "customer" not in mine


@pytest.fixture
def unsure(translation_service: TranslationService, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real preview, with the low confidence a poor pack would report."""
    real = translation_service.preview

    def preview(*args: object, **kwargs: object) -> Preview:
        made = real(*args, **kwargs)  # type: ignore[arg-type]
        return dataclasses.replace(
            made, provenance=dataclasses.replace(made.provenance, confidence=0.1)
        )

    monkeypatch.setattr(translation_service, "preview", preview)


@pytest.mark.usefixtures("unsure")
def test_the_agents_own_reply_never_says_check_with_the_customer(
    repo: Store, spanish_desk: SpanishDesk, qtbot: QtBot
) -> None:
    cid = add_conversation(
        repo, lucia((MessageKind.CUSTOMER, "hola, ¿dónde está mi pedido?")), add_agents(repo)
    )
    window = spanish_desk()
    qtbot.waitUntil(lambda: "HOLA, ¿DÓNDE" in thread_text(window), timeout=5000)
    composer = window.conversation.composer
    panel = window.conversation.reply_translation
    composer.editor.setFocus()
    qtbot.keyClicks(composer.editor, "Your order ships today")
    qtbot.waitUntil(lambda: panel.editor.toPlainText() == "your order ships today", timeout=5000)
    assert panel.provenance.text() == "Machine translation (offline) · low confidence"
    assert "packs" not in panel.provenance.text()
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "your order ships today" in thread_text(window), timeout=5000)
    assert repo.messages.messages(cid)[-1].body == "your order ships today"
    text = thread_text(window)
    assert "Machine translation (offline) · low confidence" in text
    assert "check with the customer" not in text
    tips = meta_tooltips(window)  # the exact route is one hover away on each label
    assert any("Language packs: es → en 1.0" in tip for tip in tips)  # the customer's
    assert any("Language packs: en → es 1.0" in tip for tip in tips)  # the reply's


def meta_tooltips(window: MainWindow) -> list[str]:
    """The tooltips of the thread's "Machine translation (offline)" lines."""
    tips = []
    block = window.conversation.thread_view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.text().startswith("Machine translation (offline)"):
                tips.append(fragment.charFormat().toolTip())
            it += 1
        block = block.next()
    return tips


def test_glossary_applied_is_said_in_the_label() -> None:
    marked = dataclasses.replace(PIVOTED, glossary=True)
    assert provenance_text(I18N, marked) == (
        "Machine translation (offline) · via English · high confidence · Glossary applied"
    )
    assert "Glossary applied" not in provenance_text(I18N, PIVOTED)


def test_the_thread_labels_the_message_whose_translation_used_the_glossary(
    repo: Store, spanish_desk: SpanishDesk, translation_service: TranslationService, qtbot: QtBot
) -> None:
    """Only the message with the team's term says so, also when its translation is read
    back from the cache (a window opened later)."""
    repo.translation.save_term(GlossaryRow("", "Lumio", None, None, None, "brand"), NOW)
    translation_service.load_team_data(repo)
    add_conversation(
        repo,
        lucia(
            (MessageKind.CUSTOMER, "hola, ¿dónde está mi pedido?"),
            (MessageKind.CUSTOMER, "mi lámpara Lumio no enciende"),
        ),
        add_agents(repo),
    )
    for _attempt in ("translated now", "read from the cache"):
        window = spanish_desk()
        labels = translation_labels(window, qtbot)
        assert len(labels) == 2
        assert sum("Glossary applied" in line for line in labels) == 1
        assert repo.translation.cache_size() == 2
        window.close()


def translation_labels(window: MainWindow, qtbot: QtBot) -> list[str]:
    """The thread's "Machine translation" lines, once both messages are translated."""
    qtbot.waitUntil(lambda: "MI LÁMPARA Lumio NO ENCIENDE" in thread_text(window), timeout=5000)
    qtbot.waitUntil(lambda: "HOLA, ¿DÓNDE" in thread_text(window), timeout=5000)
    return [line for line in thread_text(window).splitlines() if "Machine translation" in line]
