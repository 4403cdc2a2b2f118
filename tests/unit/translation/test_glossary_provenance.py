"""A translation says when the team's glossary shaped it ("Glossary applied"), on real
(tiny) packs: only when a term was actually kept or rendered in that text, and the flag
survives the provenance JSON stored with a message (older JSON without it still loads)."""

from __future__ import annotations

import json

import pytest

from app.translation.engine import TranslationEngine
from app.translation.offline import ArgosHome
from app.translation.pipeline import Pipeline, Provenance, ProvenanceKind
from app.translation.protect import GlossaryTerm, load_patterns
from tests.helpers.translation import PATTERNS, Packs

GLOSSARY = (
    GlossaryTerm("Lumio"),  # the brand: kept as written
    GlossaryTerm("lámpara Aurora", "Aurora lamp", "es", "en"),  # an approved rendering
    GlossaryTerm("pedido", "Auftrag", "es", "de"),  # another pair: not for es -> en
)


@pytest.fixture
def pipeline(argos_home: ArgosHome, packs: Packs) -> Pipeline:
    engine = TranslationEngine(argos_home)
    engine.install(packs.get("es-en", transform="upper"))
    return Pipeline(engine, load_patterns(PATTERNS), GLOSSARY)


def test_a_rendered_term_marks_the_translation(pipeline: Pipeline) -> None:
    (result,) = pipeline.translate(["tu lámpara Aurora sale hoy"], "es-MX", "en")
    assert result.text == "TU Aurora lamp SALE HOY"
    assert result.provenance.kind is ProvenanceKind.MT
    assert result.provenance.glossary


def test_a_term_kept_as_written_marks_it_too(pipeline: Pipeline) -> None:
    (result,) = pipeline.translate(["gracias por elegir Lumio"], "es", "en")
    assert result.text == "GRACIAS POR ELEGIR Lumio"
    assert result.provenance.glossary


def test_no_term_in_the_text_leaves_it_unmarked(pipeline: Pipeline) -> None:
    plain, other_pair, in_a_link = pipeline.translate(
        [
            "¿dónde está mi paquete?",
            "mi pedido no llegó",  # "pedido" is a term only for Spanish -> German
            "mira https://lumio.example/t?id=1",  # the link is protected whole, not the term
        ],
        "es",
        "en",
    )
    assert plain.text == "¿DÓNDE ESTÁ MI PAQUETE?"
    assert not plain.provenance.glossary
    assert not other_pair.provenance.glossary
    assert in_a_link.text == "MIRA https://lumio.example/t?id=1"
    assert not in_a_link.provenance.glossary
    assert pipeline.glossary_applies("tu lámpara Aurora", "es", "en")  # what a cache hit asks
    assert not pipeline.glossary_applies("tu lámpara Aurora", "es", "de")


def test_the_flag_round_trips_through_json_and_old_json_still_loads(pipeline: Pipeline) -> None:
    marked, plain = pipeline.translate(["tu lámpara Aurora", "hola"], "es", "en")
    stored = marked.provenance.to_json()
    assert json.loads(stored)["glossary"] is True
    assert Provenance.from_json(stored) == marked.provenance
    unmarked = plain.provenance.to_json()
    assert "glossary" not in json.loads(unmarked)  # older readers never see the key
    assert Provenance.from_json(unmarked) == plain.provenance
    old = '{"confidence": 0.9, "kind": "mt", "route": "es-en@1.0"}'  # written before the flag
    loaded = Provenance.from_json(old)
    assert loaded is not None and loaded.glossary is False and loaded.route == "es-en@1.0"
