"""One translation request, start to end: memory first, then protected machine translation.

Every result says where it came from (:class:`Provenance`), so the UI can label
it and a lead can review it later; nothing here ever returns the source text as
if it were a translation: a pair without packs raises NoRouteError.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from app.domain.lang import primary_language
from app.translation.engine import Route, Translated, TranslationEngine
from app.translation.memory import TranslationMemory
from app.translation.protect import GlossaryTerm, Protected, protect, restore, spans

# BCP 47 tags whose Argos pack uses a different code than the language subtag.
_VARIANTS = {
    ("zh", "tw"): "zt",
    ("zh", "hk"): "zt",
    ("zh", "mo"): "zt",
    ("zh", "hant"): "zt",
    ("pt", "br"): "pb",
}


# The highest confidence an incomplete translation may report: below the "medium" cue (0.3).
INCOMPLETE_CONFIDENCE = 0.25

# Languages Argos files under another code (Filipino is Tagalog; Cantonese is written Chinese).
_ALIASES = {"fil": "tl", "yue": "zh", "nb": "no"}


def argos_code(tag: str, available: set[str] | frozenset[str] = frozenset()) -> str:
    """The Argos language code for a BCP 47 tag: ``zh-TW`` -> ``zt`` (if installed), ``pt-BR``
    -> ``pb`` (if installed), otherwise the language subtag (``es-MX`` -> ``es``)."""
    parts = tag.replace("_", "-").lower().split("-")
    primary = _ALIASES.get(parts[0], parts[0])
    if primary == "zh" and parts[0] == "yue":  # written Cantonese: Traditional script
        return "zt" if "zt" in available else "zh"
    for subtag in parts[1:]:
        variant = _VARIANTS.get((primary, subtag))
        if variant and variant in available:
            return variant
    return primary


def primary(tag: str) -> str:
    """The language as Argos files it: ``pt-BR`` -> ``pt``, ``zt`` -> ``zh``, ``fil`` -> ``tl``
    (memory and glossary entries are keyed by it)."""
    code = primary_language(tag)
    return _ALIASES.get(code, code)


class ProvenanceKind(StrEnum):
    """Where a text came from. Stored (message provenance JSON, the wire): the values never
    change; a StrEnum compares equal to the plain strings older rows and servers carry."""

    MT = "mt"  # a machine translation (an installed pack)
    TM = "tm"  # the team's translation memory
    HUMAN_EDITED = "human_edited"  # a machine translation the agent edited by hand
    UNTRANSLATED = "untranslated"  # sent as written, on purpose
    HUMAN = "human"  # a colleague's translation (a held reply, released)


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a text shown or sent came from."""

    kind: ProvenanceKind
    route: str | None = None  # exact packs, e.g. "es-en@1.9>en-zh@1.2"
    pivots: tuple[str, ...] = ()
    confidence: float | None = None
    tm_score: float | None = None
    source_language: str | None = None
    target_language: str | None = None
    # Machine output that may miss part of its input (a piece hit the decoding limit or came
    # back far too short): never shown or sent as a whole translation without a warning.
    incomplete: bool = False
    # A team glossary term was kept or given its approved rendering in this text.
    glossary: bool = False

    def to_json(self) -> str:
        """Compact JSON; ``incomplete`` and ``glossary`` only when True (older readers
        never see the keys)."""
        data = {k: v for k, v in asdict(self).items() if v is not None and v != ()}
        for flag in ("incomplete", "glossary"):
            if not data[flag]:
                del data[flag]
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    def __post_init__(self) -> None:
        # A plain string (from JSON, or an older caller) becomes the member: one vocabulary.
        if type(self.kind) is not ProvenanceKind:
            object.__setattr__(self, "kind", ProvenanceKind(self.kind))

    @classmethod
    def from_json(cls, text: str | None) -> Provenance | None:
        if not text:
            return None
        data = json.loads(text)
        data["pivots"] = tuple(data.get("pivots", ()))
        data["incomplete"] = bool(data.get("incomplete", False))
        data["glossary"] = bool(data.get("glossary", False))
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Result:
    text: str
    provenance: Provenance


@dataclass
class Pipeline:
    """Memory -> glossary/pattern protection -> engine -> restore (with a safe fallback)."""

    engine: TranslationEngine
    patterns: Sequence[re.Pattern[str]] = ()
    glossary: Sequence[GlossaryTerm] = ()
    memory: TranslationMemory = field(default_factory=TranslationMemory)

    def route(self, source_tag: str, target_tag: str) -> Route:
        """The packs for two BCP 47 tags (``pt-BR`` uses a ``pb`` pack when one is installed)."""
        available = self.engine.languages()
        return self.engine.route(
            argos_code(source_tag, available), argos_code(target_tag, available)
        )

    def translate(
        self,
        texts: Sequence[str],
        source_tag: str,
        target_tag: str,
        *,
        beam_size: int | None = None,
    ) -> list[Result]:
        """Translate each text from ``source_tag`` into ``target_tag`` (BCP 47 tags).

        Memory and glossary entries are keyed by language subtag (``pt``, ``zh``).
        """
        route = self.route(source_tag, target_tag)
        source, target = primary(source_tag), primary(target_tag)
        unique = list(dict.fromkeys(texts))  # the same text is translated once
        done: dict[str, Result] = {}
        todo: list[tuple[str, Protected]] = []
        for text in unique:
            if not text.strip():
                done[text] = Result(text, Provenance(ProvenanceKind.UNTRANSLATED))
                continue
            approved = self._from_memory(text, source, target)
            if approved is not None:
                done[text] = approved
                continue
            todo.append((text, protect(text, source, target, self.patterns, self.glossary)))
        if todo:
            outputs = self.engine.translate([p.text for _, p in todo], route, beam_size=beam_size)
            retry: list[tuple[str, Protected, Translated]] = []
            for (text, protected), output in zip(todo, outputs, strict=True):
                restored = restore(output.text, protected)
                if restored is None:
                    retry.append((text, protected, output))
                else:
                    done[text] = self._mt(
                        restored, route, output.confidence, output.complete, protected.glossary
                    )
            if retry:
                done.update(self._piecewise(retry, route, beam_size))
        return [done[text] for text in texts]

    def _from_memory(self, text: str, source: str, target: str) -> Result | None:
        """An approved translation, with this text's own order numbers, amounts and links.

        A memory entry matched while its values differ ("LM-2026-XXXXXX" in a canned
        reply, a real order number in the agent's text) is used only if every value of
        the entry appears in its translation, so each can be replaced by the new one.
        """
        match = self.memory.lookup(text, source, target)
        if match is None:
            return None
        theirs, ours = spans(match.entry.source_text, self.patterns), spans(text, self.patterns)
        if len(theirs) != len(ours):
            return None
        translated = match.entry.target_text
        for old, new in zip(theirs, ours, strict=True):
            if old == new:
                continue
            if old not in translated:
                return None
            translated = translated.replace(old, new, 1)
        return Result(
            translated,
            Provenance(
                ProvenanceKind.TM,
                tm_score=match.score,
                source_language=source,
                target_language=target,
            ),
        )

    def glossary_applies(self, text: str, source_tag: str, target_tag: str) -> bool:
        """Whether a machine translation of ``text`` keeps or renders a glossary term (for
        a translation read back from a cache, which does not store it)."""
        source, target = primary(source_tag), primary(target_tag)
        return protect(text, source, target, self.patterns, self.glossary).glossary

    @staticmethod
    def _mt(
        text: str, route: Route, confidence: float, complete: bool = True, glossary: bool = False
    ) -> Result:
        if not complete:  # the cue must not say "high confidence" over a text with a gap
            confidence = min(confidence, INCOMPLETE_CONFIDENCE)
        return Result(
            text,
            Provenance(
                ProvenanceKind.MT,
                route.key,
                route.pivots,
                round(confidence, 3),
                source_language=route.source,
                target_language=route.target,
                incomplete=not complete,
                glossary=glossary,
            ),
        )

    def _piecewise(
        self, retry: list[tuple[str, Protected, Translated]], route: Route, beam_size: int | None
    ) -> dict[str, Result]:
        """The model lost a placeholder: translate the text between protected spans instead."""
        pieces = [
            piece
            for _, protected, _ in retry
            for keep, piece in protected.pieces
            if keep and piece.strip()
        ]
        translated = iter(self.engine.translate(pieces, route, beam_size=beam_size))
        results: dict[str, Result] = {}
        for text, protected, whole in retry:
            out: list[str] = []
            complete = True
            for translate_it, piece in protected.pieces:
                if translate_it and piece.strip():
                    lead = piece[: len(piece) - len(piece.lstrip())]
                    tail = piece[len(piece.rstrip()) :]
                    output = next(translated)
                    complete = complete and output.complete
                    out.append(lead + output.text + tail)
                else:
                    out.append(piece)
            results[text] = self._mt(
                "".join(out), route, whole.confidence, complete, protected.glossary
            )
        return results
