"""An incoming translation that may miss part of the message says so under the message."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.domain.models import MessageKind
from app.ops.translation import TranslationService
from app.storage.store import Store
from app.translation.engine import EngineSettings
from app.translation.offline import ArgosHome
from tests.helpers.builders import add_agents, add_conversation
from tests.helpers.customers import lucia
from tests.helpers.fixtures import ContextFactory
from tests.helpers.translation import PATTERNS, Packs
from tests.ui.conftest import WindowFactory
from tests.ui.helpers import thread_text

pytestmark = pytest.mark.gui


def test_an_incomplete_incoming_translation_is_labelled_and_not_highly_confident(
    repo: Store,
    open_window: WindowFactory,
    make_ctx: ContextFactory,
    argos_home: ArgosHome,
    packs: Packs,
    qtbot: QtBot,
) -> None:
    add_conversation(
        repo,
        lucia(
            (MessageKind.CUSTOMER, "hola, ¿dónde está mi pedido? lo pedí hace un mes"),
            (MessageKind.CUSTOMER, "gracias"),
        ),
        add_agents(repo),
    )
    # A decoding limit of 16 tokens cuts the first message, as 256 cut long real ones.
    service = TranslationService(argos_home, PATTERNS, EngineSettings(max_decoding_length=16))
    service.engine.install(packs.get("es-en", transform="upper"))
    window = open_window(ctx=make_ctx(translation=service, agent_language="en"))
    qtbot.waitUntil(lambda: "GRACIAS" in thread_text(window), timeout=5000)
    lines = thread_text(window).splitlines()
    cut = lines[lines.index(next(line for line in lines if line.startswith("HOLA"))) + 1]
    whole = lines[lines.index("GRACIAS") + 1]
    assert cut.startswith("May be incomplete: compare with the original · Machine translation")
    assert cut.endswith("low confidence: check with the customer  Show original")
    assert "May be incomplete" not in whole  # "gracias" came back whole
