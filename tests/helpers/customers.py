"""The Spanish-speaking customer the translation tests share, and the window they open.

Several suites (translation UI, incomplete translations, the translation use cases, no
lost work) meet the same customer; she is written once here so that a change to her
(country, zone, language tag) reaches every one of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.domain.models import MessageKind
from tests.helpers.builders import Conv

if TYPE_CHECKING:
    from app.ops.translation import TranslationService
    from app.ui.shell.main_window import MainWindow
    from tests.helpers.fixtures import ContextFactory
    from tests.helpers.translation import Packs
    from tests.ui.conftest import WindowFactory


def lucia(*messages: tuple[MessageKind, str], **more: Any) -> Conv:
    """Lucía García, who writes in Mexican Spanish from Mexico City."""
    return Conv(
        customer="Lucía García",
        country="MX",
        language="es-MX",
        timezone="America/Mexico_City",
        messages=list(messages),
        **more,
    )


def lucia_asks_for_her_order(**more: Any) -> Conv:
    """Lucía asks where her order is, then thanks the agent: the conversation most
    translation and layout tests open (her thanks translated: "GRACIAS POR LA AYUDA.")."""
    return lucia(
        (MessageKind.CUSTOMER, "hola, ¿dónde está mi pedido LM-2026-104233?"),
        (MessageKind.CUSTOMER, "gracias por la ayuda."),
        **more,
    )


def open_spanish_desk(
    open_window: WindowFactory,
    make_ctx: ContextFactory,
    service: TranslationService,
    packs: Packs,
    **options: Any,
) -> MainWindow:
    """A window for an agent who reads English, with test packs Spanish -> English
    (upper case, so a translation is told from its original) and English -> Spanish
    (lower case); ``options`` go to the context (a clock...)."""
    service.engine.install(packs.get("es-en", transform="upper"))
    service.engine.install(packs.get("en-es", transform="lower"))
    return open_window(ctx=make_ctx(translation=service, agent_language="en", **options))
