"""Translation use cases over a real store: detection, cache, replies and their provenance."""

from __future__ import annotations

import pytest

from app.domain.cancel import CancelToken, TaskCancelledError
from app.domain.models import MessageKind
from app.ops.inbox import conversation_detail
from app.ops.translation import IncomingPlan, TranslationService
from app.storage.store import Store
from app.storage.translation_store import CachedTranslation, MemoryRow
from app.translation.detect import Detection, LanguageDetector, conversation_language
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.customers import lucia
from tests.helpers.translation import Packs


def planned(service: TranslationService, repo: Store, cid: int, agent: str) -> IncomingPlan:
    """What the conversation view asks for: the plan for the detail it has on screen."""
    return service.prepare_incoming(repo, conversation_detail(repo, cid), agent)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Oi, boa tarde! Vi a luminária Aurora no site de vocês", "pt"),
        ("Hola, ¿tienen meses sin intereses con tarjeta?", "es"),
        ("Bitte löschen Sie meine Daten gemäß Art. 17 DSGVO.", "de"),
        ("Kindly do the needful and share the refund status.", "en"),
        ("商品がまだ届いていません。返金をお願いします。", "ja"),
        ("我想申请退款，商品有质量问题", "zh"),
        ("배송이 너무 늦어요", "ko"),
        ("ส่งของถึงแล้วครับ ขอบคุณครับ", "th"),
        ("السلام عليكم، هل الدفع عند الاستلام متاح؟", "ar"),
        ("डिलीवरी कब होगी?", "hi"),
        ("Pesanan saya belum sampai, bisa dicek?", "id"),
    ],
)
def test_language_identification(text: str, code: str) -> None:
    detection = LanguageDetector().detect(text)
    assert detection is not None and detection.code == code
    assert 0 < detection.confidence <= 1


def test_too_little_text_is_not_guessed() -> None:
    detector = LanguageDetector()
    assert detector.detect("👍🙏") is None
    assert detector.detect("LM-2026-104233 https://x.example 42") is None


def test_the_conversation_language_is_the_recent_majority() -> None:
    history = [Detection("en", 0.9)] + [Detection("pt", 0.7)] * 3 + [None, Detection("es", 0.3)]
    result = conversation_language(history)
    assert result is not None and result.code == "pt"


@pytest.fixture
def spanish_conversation(repo: Store) -> int:
    return add_conversation(
        repo,
        lucia(
            (MessageKind.CUSTOMER, "hola, ¿dónde está mi pedido?"),
            (MessageKind.AGENT, "Hola Lucía"),
            (MessageKind.CUSTOMER, "gracias por la ayuda."),
        ),
        add_agents(repo),
    )


def test_incoming_translation_is_detected_translated_cached(
    repo: Store,
    spanish_conversation: int,
    translation_service: TranslationService,
    packs: Packs,
) -> None:
    service = translation_service
    service.engine.install(packs.get("es-en", transform="upper"))
    plan = planned(service, repo, spanish_conversation, "en")
    assert all(item.needs_detection for item in plan.items) and not plan.cached
    result = service.translate_incoming(plan)
    assert {r.text for r in result.results.values()} == {
        "HOLA, ¿DÓNDE ESTÁ MI PEDIDO?",
        "GRACIAS POR LA AYUDA.",
    }
    assert {d.code for d in result.detections.values()} == {"es"}
    assert result.language == "es-MX"  # the detected language agrees with the profile
    service.save_incoming(repo, result, NOW)

    again = planned(service, repo, spanish_conversation, "en")
    assert not any(item.needs_detection for item in again.items)
    assert {r.text for r in again.cached.values()} == {
        "HOLA, ¿DÓNDE ESTÁ MI PEDIDO?",
        "GRACIAS POR LA AYUDA.",
    }  # nothing translated twice
    assert service.translate_incoming(again).results == {}


def test_a_cancelled_batch_stops_before_the_model_runs(
    repo: Store,
    spanish_conversation: int,
    translation_service: TranslationService,
    packs: Packs,
) -> None:
    """The agent left the conversation: the batch stops at its next step instead of
    holding one of the two compute workers for a translation nobody will see."""
    service = translation_service
    service.engine.install(packs.get("es-en", transform="upper"))
    plan = planned(service, repo, spanish_conversation, "en")
    token = CancelToken()
    token.cancel()
    with pytest.raises(TaskCancelledError):
        service.translate_incoming(plan, token=token)
    assert service.translate_incoming(plan, token=CancelToken()).results  # a live one runs


def test_an_upgraded_pack_invalidates_only_its_own_pair(
    repo: Store,
    spanish_conversation: int,
    translation_service: TranslationService,
    packs: Packs,
) -> None:
    service = translation_service
    service.engine.install(packs.get("es-en", transform="upper"))
    service.save_incoming(
        repo,
        service.translate_incoming(planned(service, repo, spanish_conversation, "en")),
        NOW,
    )
    store = repo.translation
    store.remember([("other-pair", CachedTranslation("x", 1.0, "fr-en@1.0"))], NOW)
    service.engine.install(packs.get("es-en", transform="copy", version="2.0"))
    store.forget_pack("es-en@1.0")
    assert store.cache_size() == 1  # fr-en's entry stays
    plan = planned(service, repo, spanish_conversation, "en")
    assert plan.cached == {}
    texts = {r.text for r in service.translate_incoming(plan).results.values()}
    assert texts == {"hola, ¿dónde está mi pedido?", "gracias por la ayuda."}  # new model


def test_no_pack_is_said_plainly(
    repo: Store, spanish_conversation: int, translation_service: TranslationService
) -> None:
    result = translation_service.translate_incoming(
        planned(translation_service, repo, spanish_conversation, "zh")
    )
    assert result.results == {}
    assert str(result.no_route) == "No es → zh language pack is installed."


def test_messages_in_the_agents_language_are_not_translated(
    repo: Store, translation_service: TranslationService, packs: Packs
) -> None:
    cid = add_conversation(
        repo, Conv(messages=[(MessageKind.CUSTOMER, "Where is my parcel?")]), add_agents(repo)
    )
    translation_service.engine.install(packs["es-en"])
    result = translation_service.translate_incoming(planned(translation_service, repo, cid, "en"))
    assert result.results == {} and len(result.same_language) == 1


def test_preview_back_translation_and_memory(
    repo: Store, translation_service: TranslationService, packs: Packs
) -> None:
    service = translation_service
    service.engine.install(packs.get("en-es", transform="upper"))
    service.engine.install(packs.get("es-en", transform="lower"))
    preview = service.preview("your order ships today", "en", "es-MX")
    assert preview.text == "YOUR ORDER SHIPS TODAY"
    assert preview.back_translation == "your order ships today"
    assert preview.provenance.kind == "mt" and preview.provenance.route == "en-es@1.0"
    repo.translation.save_memory(
        MemoryRow("", "en", "es", "Thank you for waiting.", "Gracias por esperar.", "macro", None),
        NOW,
    )
    service.load_team_data(repo)
    approved = service.preview("thank you for waiting", "en", "es-MX")
    assert (approved.text, approved.provenance.kind) == ("Gracias por esperar.", "tm")


def test_language_identification_on_the_whole_demo_workspace() -> None:
    """Regression guard for the figures in app.translation.detect's docstring."""
    from app.config.paths import resources_dir
    from app.contract.demo_schema import load_demo
    from app.translation.pipeline import primary

    demo = load_demo(resources_dir() / "demo")
    customers = {c.id: c for c in demo.customers}
    detector = LanguageDetector()
    right = confidently_wrong = 0
    for conversation in demo.conversations:
        expected = customers[conversation.customer].language
        for message in conversation.messages:
            if message.author != "customer":
                continue
            found = detector.detect(message.text)
            if found is None:
                continue
            if primary(found.code) == primary(message.language or expected):
                right += 1
            elif found.confidence >= 0.8:
                confidently_wrong += 1
    assert right >= 220
    assert confidently_wrong <= 5


def test_an_incomplete_translation_is_flagged_and_never_cached(
    repo: Store, spanish_conversation: int, argos_home, packs: Packs
) -> None:
    """The cache row cannot carry the warning: an incomplete result is recomputed, flagged."""
    from app.translation.engine import EngineSettings
    from tests.helpers.translation import PATTERNS

    service = TranslationService(argos_home, PATTERNS, EngineSettings(max_decoding_length=16))
    service.engine.install(packs.get("es-en", transform="upper"))
    result = service.translate_incoming(planned(service, repo, spanish_conversation, "en"))
    assert sorted(r.text for r in result.results.values()) == ["GRACIAS POR LA ", "HOLA, ¿DÓNDE ES"]
    assert all(r.provenance.incomplete for r in result.results.values())
    assert result.to_cache == ()
    service.save_incoming(repo, result, NOW)
    again = planned(service, repo, spanish_conversation, "en")
    assert again.cached == {}
