"""The offline translation pipeline, end to end on real (tiny) packs and real argostranslate."""

from __future__ import annotations

import math
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.translation.engine import NoRouteError, TranslationEngine
from app.translation.memory import MemoryEntry, TranslationMemory
from app.translation.offline import ArgosHome, OfflineError, load_argos
from app.translation.packs import PackCancelled, PackError, inspect_pack, list_packs
from app.translation.pipeline import Pipeline, argos_code
from app.translation.protect import GlossaryTerm, load_patterns
from tests.helpers import argos_packs
from tests.helpers.translation import PATTERNS, Packs


@pytest.fixture
def engine(argos_home: ArgosHome) -> TranslationEngine:
    return TranslationEngine(argos_home)


def test_install_from_file_and_translate_through_the_real_pipeline(
    engine: TranslationEngine, packs: Packs, no_network: list[str]
) -> None:
    info = engine.install(packs.get("es-en", transform="upper"))
    assert (info.pair, info.version, info.usable) == ("es-en", "1.0", True)
    route = engine.route("es", "en")
    out = engine.translate(["hola, ¿qué tal? bien.\nsegunda línea!", "snake_case_id"], route)
    assert [o.text for o in out] == ["HOLA, ¿QUÉ TAL? BIEN.\nSEGUNDA LÍNEA!", "SNAKE_CASE_ID"]
    assert all(0 < o.confidence <= 1 for o in out)
    assert no_network == []  # the whole pipeline ran with the network refused


def test_a_pair_without_a_direct_pack_pivots_and_says_through_what(
    engine: TranslationEngine, packs: Packs
) -> None:
    engine.install(packs.get("es-en", transform="upper"))
    engine.install(packs.get("en-de", transform="lower"))
    route = engine.route("es", "de")
    assert route.pivots == ("en",)
    assert route.key == "es-en@1.0>en-de@1.0"
    assert engine.translate(["Hola Mundo"], route)[0].text == "hola mundo"  # upper, then lower


def test_no_pack_for_a_pair_is_an_error_never_the_source_text(
    engine: TranslationEngine, packs: Packs
) -> None:
    with pytest.raises(NoRouteError, match="No es → zh language pack is installed"):
        engine.route("es", "zh")
    engine.install(packs.get("es-en"))
    with pytest.raises(NoRouteError):
        engine.route("zh", "es")


def test_a_pack_without_a_sentence_model_is_usable_at_once(
    engine: TranslationEngine, packs: Packs
) -> None:
    """Official Argos packs ship no MiniSBD model: one download per pair is enough."""
    info = engine.install(packs.get("fr-en", with_sbd=False))
    assert info.usable
    assert engine.translate(["bonjour. ça va?"], engine.route("fr", "en"))[0].text == (
        "bonjour. ça va?"
    )


def test_translating_never_imports_minisbd_or_onnxruntime(
    argos_home: ArgosHome, packs: Packs
) -> None:
    """MiniSBD (AGPL) and ONNX Runtime stay out of the process: a fresh interpreter proves it."""
    script = f"""
import sys
from pathlib import Path
from app.translation.engine import TranslationEngine
from app.translation.offline import ArgosHome
engine = TranslationEngine(ArgosHome(Path({str(argos_home.root)!r})))
engine.install(Path({str(packs.get("es-en", with_sbd=False))!r}))
assert engine.translate(["hola. adiós"], engine.route("es", "en"))[0].text == "hola. adiós"
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("minisbd", "onnxruntime"))
loaded += sorted(m for m in sys.modules if m in ("argostranslate.sbd", "argostranslate.translate"))
print(",".join(loaded))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_argos_cannot_download_anything(argos_home: ArgosHome) -> None:
    argos = load_argos(argos_home)
    with pytest.raises(OfflineError):
        argos.package.get_available_packages()
    with pytest.raises(OfflineError):
        argos.package.update_package_index()


def test_upgrading_a_pack_uses_the_new_model_at_once(
    engine: TranslationEngine, packs: Packs
) -> None:
    engine.install(packs.get("es-en", transform="upper"))
    assert engine.translate(["hola"], engine.route("es", "en"))[0].text == "HOLA"
    upgraded = engine.install(packs.get("es-en", transform="copy", version="2.0"))
    assert upgraded.version == "2.0"
    assert [p.version for p in list_packs(engine.home)] == ["2.0"]  # never two versions
    route = engine.route("es", "en")
    assert route.key == "es-en@2.0"
    assert engine.translate(["hola"], route)[0].text == "hola"


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (argos_packs.build_zip_slip_pack, "path leaving its folder|absolute path"),
        (argos_packs.build_symlink_pack, "contains a link"),
        (argos_packs.build_two_folders_pack, "exactly one top-level folder"),
        (argos_packs.build_not_a_zip, "not a language pack"),
        (lambda d: argos_packs.build_missing_file_pack(d, "metadata.json"), "missing metadata"),
        (lambda d: argos_packs.build_missing_file_pack(d, "model/model.bin"), "missing model"),
        (lambda d: argos_packs.build_missing_file_pack(d, "sentencepiece.model"), "no tokenizer"),
        (lambda d: argos_packs.build_huge_pack(d, 4 * 1024**3), "would unpack to"),
    ],
)
def test_hostile_or_broken_packs_are_refused_and_change_nothing(
    engine: TranslationEngine, packs: Packs, tmp_path: Path, build, reason: str
) -> None:
    engine.install(packs.get("es-en", transform="upper"))
    before = sorted(p.name for p in engine.home.packages.iterdir())
    bad = build(tmp_path)
    with pytest.raises(PackError, match=reason):
        engine.install(bad)
    assert sorted(p.name for p in engine.home.packages.iterdir()) == before
    assert not (tmp_path / "evil.txt").exists() and not Path("/tmp/evil_abs.txt").exists()
    assert engine.translate(["hola"], engine.route("es", "en"))[0].text == "HOLA"  # still fine


def test_a_pack_that_lies_about_its_sizes_is_stopped_while_extracting(
    engine: TranslationEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.translation.packs as packs_module

    huge = argos_packs.build_huge_pack(tmp_path, 64 * 1024**2)
    monkeypatch.setattr(packs_module, "MAX_TOTAL_BYTES", 16 * 1024**2)
    with pytest.raises(PackError):
        engine.install(huge)
    assert engine.packs() == []


def test_installation_can_be_cancelled(engine: TranslationEngine, packs: Packs) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(PackCancelled):
        engine.install(packs["es-en"], cancel=cancel)
    assert engine.packs() == []


def test_inspect_reads_the_pair_without_extracting(packs: Packs) -> None:
    candidate = inspect_pack(packs.get("es-en", version="1.9"))
    assert (candidate.from_code, candidate.to_code, candidate.version) == ("es", "en", "1.9")


def test_glossary_and_patterns_survive_translation(engine: TranslationEngine, packs: Packs) -> None:
    engine.install(packs.get("es-en", transform="upper"))
    glossary = [GlossaryTerm("Lumio"), GlossaryTerm("lámpara Aurora", "Aurora lamp", "es", "en")]
    pipeline = Pipeline(engine, load_patterns(PATTERNS), glossary)
    text = (
        "tu lámpara Aurora de lumio (pedido LM-2026-104233, R$ 1.299,90) sale hoy: "
        "https://lumio.example/t?id=a_b escribe a soporte@lumio.example"
    )
    result = pipeline.translate([text], "es", "en")[0]
    assert result.text == (
        "TU Aurora lamp DE lumio (PEDIDO LM-2026-104233, R$ 1.299,90) SALE "
        "HOY: https://lumio.example/t?id=a_b ESCRIBE A soporte@lumio.example"
    )
    assert result.provenance.kind == "mt"


def test_memory_wins_over_machine_translation_exact_and_fuzzy(
    engine: TranslationEngine, packs: Packs
) -> None:
    engine.install(packs.get("es-en", transform="upper"))
    memory = TranslationMemory(
        [
            MemoryEntry(
                "es", "en", "Gracias por tu paciencia.", "Thank you for your patience.", "lead"
            )
        ]
    )
    pipeline = Pipeline(engine, memory=memory)
    exact, fuzzy, other = pipeline.translate(
        ["gracias por tu paciencia", "Gracias por su paciencia.", "hola"], "es-MX", "en"
    )
    assert (exact.text, exact.provenance.kind, exact.provenance.tm_score) == (
        "Thank you for your patience.",
        "tm",
        100.0,
    )
    assert fuzzy.provenance.kind == "tm" and 90 <= (fuzzy.provenance.tm_score or 0) < 100
    assert (other.text, other.provenance.kind) == ("HOLA", "mt")


def test_placeholders_survive_a_model_that_changes_case(
    engine: TranslationEngine, packs: Packs
) -> None:
    engine.install(packs.get("es-en", transform="lower"))
    pipeline = Pipeline(engine, load_patterns(PATTERNS), [GlossaryTerm("LUMIO")])
    result = pipeline.translate(["PEDIDO LM-2026-104233 DE LUMIO"], "es", "en")[0]
    assert result.text == "pedido LM-2026-104233 de LUMIO"


def test_a_model_that_loses_placeholders_gets_the_text_around_them_instead(
    engine: TranslationEngine, packs: Packs, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.translation.pipeline as pipeline_module

    engine.install(packs.get("es-en", transform="upper"))
    monkeypatch.setattr(pipeline_module, "restore", lambda _text, _protected: None)
    pipeline = Pipeline(engine, load_patterns(PATTERNS), [GlossaryTerm("Lumio")])
    result = pipeline.translate(["el pedido LM-2026-104233 de Lumio llega hoy"], "es", "en")[0]
    assert result.text == "EL PEDIDO LM-2026-104233 DE Lumio LLEGA HOY"


@pytest.mark.parametrize(
    ("tag", "available", "code"),
    [
        ("pt-BR", {"pb", "pt"}, "pb"),
        ("pt-BR", {"pt"}, "pt"),
        ("zh-TW", {"zt"}, "zt"),
        ("zh-Hant-HK", {"zt", "zh"}, "zt"),
        ("zh-Hans-SG", {"zh", "zt"}, "zh"),
        ("es-MX", set(), "es"),
    ],
)
def test_language_tags_map_to_pack_codes(tag: str, available: set[str], code: str) -> None:
    assert argos_code(tag, available) == code


def test_concurrent_translations_share_one_model(engine: TranslationEngine, packs: Packs) -> None:
    engine.install(packs.get("es-en", transform="upper"))
    route = engine.route("es", "en")
    results: list[str] = []

    def work(i: int) -> None:
        results.append(engine.translate([f"mensaje {i}"], route)[0].text)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == sorted(f"MENSAJE {i}" for i in range(6))
    assert len(engine._loaded) == 1


def test_a_canned_reply_with_the_real_order_number_keeps_that_number(
    engine: TranslationEngine, packs: Packs
) -> None:
    from app.translation.protect import masker

    patterns = load_patterns(PATTERNS)
    memory = TranslationMemory(
        [
            MemoryEntry(
                "en",
                "es",
                "Your order LM-2026-XXXXXX ships today.",
                "Su pedido LM-2026-XXXXXX sale hoy.",
                "macro",
            )
        ],
        mask=masker(patterns),
    )
    engine.install(packs.get("en-es", transform="upper"))
    pipeline = Pipeline(engine, patterns, memory=memory)
    result = pipeline.translate(["Your order LM-2026-104233 ships today."], "en", "es")[0]
    assert (result.text, result.provenance.kind) == ("Su pedido LM-2026-104233 sale hoy.", "tm")
    other = pipeline.translate(
        ["Your order LM-2026-104233 and LM-2026-104234 ship today."], "en", "es"
    )[0]
    assert other.provenance.kind == "mt"  # values that cannot be mapped: not the memory's text


def test_confidence_is_the_mean_token_probability_whatever_the_length() -> None:
    """CTranslate2 reports sum(log p) / length**0.2 with Argos's length penalty; the
    confidence must undo that, or a long, well-translated sentence reads as doubtful."""
    from app.translation.engine import LENGTH_PENALTY, summed_log_prob

    for length in (3, 30, 200):
        log_probs = [-0.1] * length
        reported = sum(log_probs) / length**LENGTH_PENALTY
        mean = summed_log_prob(reported, length) / length
        assert math.isclose(mean, -0.1)
        assert math.exp(mean) > 0.9  # "high confidence" at any length
