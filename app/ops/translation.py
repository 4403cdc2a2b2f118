"""Translation use cases, split by lane: the store lane reads and writes the cache and
detections; the compute lane detects languages and runs the pipeline.

Incoming: ``prepare_incoming`` (store) -> ``translate_incoming`` (compute) ->
``save_incoming`` (store). Outgoing: ``preview`` (compute), held in a
:class:`app.ops.reply.ReplyDraft`, sent by ``app.ops.reply.send`` (store). Each step
returns plain values, so the UI only sequences the steps.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.domain.cancel import CancelToken
from app.domain.models import ConversationDetail, MessageKind
from app.storage.store import Store
from app.storage.translation_store import CachedTranslation, cache_key
from app.translation.detect import Detection, LanguageDetector, conversation_language
from app.translation.engine import EngineSettings, NoRouteError, Route, TranslationEngine
from app.translation.memory import MemoryEntry, TranslationMemory
from app.translation.offline import ArgosHome
from app.translation.pipeline import (
    Pipeline,
    Provenance,
    ProvenanceKind,
    Result,
    argos_code,
    primary,
)
from app.translation.protect import GlossaryTerm, load_patterns, masker

DETECT_CHARS = 2_000  # enough to know a language; a pasted megabyte is not read whole
# A message's own detection overrides the conversation's language only when it is sure:
# short messages ("hola, ¿dónde está mi pedido?") can look like a neighbour language.
CONFIDENT = 0.8
PREVIEW_BEAM = 1  # greedy while typing; see tests/perf/bench_translation.py
SEND_BEAM = 4


@dataclass(frozen=True, slots=True)
class IncomingItem:
    message_id: int
    body: str
    detection: Detection | None  # None: not detected yet (or nothing to detect)
    needs_detection: bool


@dataclass(frozen=True, slots=True)
class IncomingPlan:
    """What the conversation view needs translated, and what the cache already had."""

    conversation_id: int
    agent_tag: str
    customer_tag: str  # from the customer's profile
    override: str | None
    items: tuple[IncomingItem, ...]
    cached: dict[int, Result]


@dataclass(frozen=True, slots=True)
class IncomingResult:
    conversation_id: int
    language: str  # the conversation's language (BCP 47) after detection/override
    detections: dict[int, Detection]
    results: dict[int, Result]
    same_language: frozenset[int]  # already in the agent's language: not translated
    no_route: NoRouteError | None  # why nothing could be translated, for the UI
    to_cache: tuple[tuple[str, CachedTranslation], ...] = ()


@dataclass(frozen=True, slots=True)
class Preview:
    """A reply in the customer's language, and its back-translation into the agent's."""

    source_text: str
    text: str
    provenance: Provenance
    back_translation: str | None


@dataclass
class TranslationService:
    """The engine, the detector and snapshots of the team's glossary and memory."""

    home: ArgosHome
    patterns_file: Path
    engine_settings: EngineSettings = field(default_factory=EngineSettings)
    engine: TranslationEngine = field(init=False)
    detector: LanguageDetector = field(init=False, default_factory=LanguageDetector)
    _pipeline: Pipeline | None = field(init=False, default=None)
    _glossary: tuple[GlossaryTerm, ...] = field(init=False, default=())
    _entries: tuple[MemoryEntry, ...] = field(init=False, default=())
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)
    _compiled: list[re.Pattern[str]] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.engine = TranslationEngine(self.home, self.engine_settings)

    # ------------------------------------------------------------------ team data
    def load_team_data(self, repo: Store) -> None:
        """Read glossary and memory from the store (store lane; at start and after edits).

        Only the rows are read here; the memory index and the patterns are built the
        first time something is translated (the window must not wait for them).
        """
        store = repo.translation
        glossary = tuple(
            GlossaryTerm(r.term, r.rendering, r.source_language, r.target_language)
            for r in store.glossary()
        )
        entries = tuple(
            MemoryEntry(
                r.source_language, r.target_language, r.source_text, r.target_text, r.origin
            )
            for r in store.memory()
        )
        with self._lock:
            self._glossary, self._entries = glossary, entries
            self._pipeline = None

    def _patterns(self) -> list[re.Pattern[str]]:
        if self._compiled is None:
            self._compiled = load_patterns(self.patterns_file)
        return self._compiled

    def pipeline(self) -> Pipeline:
        with self._lock:
            if self._pipeline is None:
                patterns = self._patterns()
                memory = TranslationMemory(self._entries, mask=masker(patterns))
                self._pipeline = Pipeline(self.engine, patterns, self._glossary, memory)
            return self._pipeline

    def route(self, source_tag: str, target_tag: str) -> Route:
        """The packs between two BCP 47 tags; NoRouteError (with the reason) if none."""
        available = self.engine.languages()
        return self.engine.route(
            argos_code(source_tag, available), argos_code(target_tag, available)
        )

    def has_packs(self) -> bool:
        """Whether any usable pack is installed (none: no detection work, just the notice)."""
        return bool(self.engine.languages())

    def _glossary_digest(self) -> str:
        digest = hashlib.sha256(repr(self._glossary).encode("utf-8"))
        digest.update(self.patterns_file.read_bytes() if self.patterns_file.exists() else b"")
        return digest.hexdigest()[:12]

    def _cache_route(self, route_key: str, beam: int) -> str:
        # The glossary shapes MT output, so it is part of what a cached answer depends on.
        return f"{route_key}|b{beam}|g{self._glossary_digest()}"

    # ------------------------------------------------------------------ incoming
    def prepare_incoming(
        self, repo: Store, detail: ConversationDetail, agent_tag: str
    ) -> IncomingPlan:
        """Store lane: the customer messages, their known languages, and cached answers.

        ``detail`` is the conversation as the view shows it (already loaded: not read again).
        """
        items = tuple(
            IncomingItem(
                m.id,
                m.body,
                Detection(m.detected_language, m.detected_confidence or 0.0)
                if m.detected_language
                else None,
                m.detected_language is None,
            )
            for m in detail.messages
            if m.kind is MessageKind.CUSTOMER and m.body.strip()
        )
        plan = IncomingPlan(
            detail.row.id, agent_tag, detail.row.language, detail.language_override, items, {}
        )
        if not self.has_packs():
            return plan  # nothing can be translated: the UI says which pack is missing
        if any(item.needs_detection for item in items):
            return plan  # languages first (compute lane); the cache is checked after
        language = self._conversation_tag(plan, {})
        cached: dict[int, Result] = {}
        try:
            keys = {}
            sources: dict[int, tuple[str, str]] = {}  # for the "Glossary applied" label
            for item in items:
                source = self._source_tag(item.detection, language)
                if primary(source) == primary(agent_tag):
                    continue
                route = self.pipeline().route(source, agent_tag)
                keys[item.message_id] = (
                    cache_key(
                        item.body, source, agent_tag, self._cache_route(route.key, SEND_BEAM)
                    ),
                    route,
                )
                sources[item.message_id] = (item.body, source)
            hits = repo.translation.cached([k for k, _ in keys.values()])
            memory = self.pipeline().memory
            for message_id, (key, route) in keys.items():
                hit = hits.get(key)
                # An approved translation (a lead promoted a correction) wins over the
                # machine's cached one: the message is translated again, from the memory.
                body, source = sources[message_id]
                if hit is not None and memory.lookup(body, primary(source), primary(agent_tag)):
                    continue
                if hit is not None:
                    cached[message_id] = Result(
                        hit.translated,
                        Provenance(
                            ProvenanceKind.MT,
                            route.key,
                            route.pivots,
                            hit.confidence,
                            source_language=route.source,
                            target_language=route.target,
                            glossary=self.pipeline().glossary_applies(
                                *sources[message_id], agent_tag
                            ),
                        ),
                    )
        except NoRouteError:
            pass
        return IncomingPlan(
            plan.conversation_id, agent_tag, plan.customer_tag, plan.override, items, cached
        )

    @staticmethod
    def _source_tag(detection: Detection | None, conversation: str) -> str:
        if detection is None or primary(detection.code) == primary(conversation):
            return conversation  # keep the region (pt-BR), which may pick a pb pack
        return detection.code if detection.confidence >= CONFIDENT else conversation

    @staticmethod
    def _conversation_tag(plan: IncomingPlan, detections: dict[int, Detection]) -> str:
        if plan.override:
            return plan.override
        ordered = [detections.get(i.message_id, i.detection) for i in plan.items]
        majority = conversation_language(ordered)
        if majority is None or primary(majority.code) == primary(plan.customer_tag):
            return plan.customer_tag
        return majority.code

    def translate_incoming(
        self,
        plan: IncomingPlan,
        ids: Sequence[int] | None = None,
        token: CancelToken | None = None,
    ) -> IncomingResult:
        """Compute lane: detect what is unknown, translate what the cache did not have.

        ``ids`` limits the work to some messages (the newest first, for progressive display).
        With no pack installed nothing is detected: the conversation's language names the
        pack to install. ``token``: the agent left the conversation; stop between steps
        (a batch for one source language is one model call and runs to its end).
        """
        token = token or CancelToken()
        detections: dict[int, Detection] = {}
        packs = self.has_packs()
        for item in plan.items:
            token.raise_if_cancelled()
            if item.needs_detection and packs:
                found = self.detector.detect(item.body[:DETECT_CHARS])
                if found is not None:
                    detections[item.message_id] = found
        language = self._conversation_tag(plan, detections)
        wanted = set(ids) if ids is not None else None
        same: set[int] = set()
        by_source: dict[str, list[IncomingItem]] = {}
        for item in plan.items:
            if wanted is not None and item.message_id not in wanted:
                continue
            detection = detections.get(item.message_id, item.detection)
            source = self._source_tag(detection, language)
            if primary(source) == primary(plan.agent_tag):
                same.add(item.message_id)
            elif item.message_id not in plan.cached:
                by_source.setdefault(source, []).append(item)
        results: dict[int, Result] = {}
        to_cache: list[tuple[str, CachedTranslation]] = []
        no_route: NoRouteError | None = None
        for source, items in by_source.items():
            token.raise_if_cancelled()
            try:
                self.route(source, plan.agent_tag)  # before the pipeline is built: cheap refusal
                outputs = self.pipeline().translate(
                    [i.body for i in items], source, plan.agent_tag, beam_size=SEND_BEAM
                )
            except NoRouteError as exc:
                no_route = exc
                continue
            for item, result in zip(items, outputs, strict=True):
                results[item.message_id] = result
                # An incomplete translation is not cached: the cache row cannot carry the
                # warning, and a later pack (or engine) may well translate it whole.
                if (
                    result.provenance.kind is ProvenanceKind.MT
                    and result.provenance.route
                    and not result.provenance.incomplete
                ):
                    key = cache_key(
                        item.body,
                        source,
                        plan.agent_tag,
                        self._cache_route(result.provenance.route, SEND_BEAM),
                    )
                    to_cache.append(
                        (
                            key,
                            CachedTranslation(
                                result.text,
                                result.provenance.confidence or 0.0,
                                result.provenance.route,
                            ),
                        )
                    )
        return IncomingResult(
            plan.conversation_id,
            language,
            detections,
            results,
            frozenset(same),
            no_route,
            tuple(to_cache),
        )

    @staticmethod
    def save_incoming(repo: Store, result: IncomingResult, now: int) -> None:
        """Store lane: keep detections, the conversation's language and new translations."""
        store = repo.translation
        if result.detections:
            store.save_detections(
                (mid, d.code, d.confidence) for mid, d in result.detections.items()
            )
            store.set_conversation_language(result.conversation_id, result.language, now)
        if result.to_cache:
            store.remember(result.to_cache, now)

    # ------------------------------------------------------------------ outgoing
    def preview(
        self,
        text: str,
        agent_tag: str,
        customer_tag: str,
        *,
        beam: int = PREVIEW_BEAM,
        back: bool = True,
    ) -> Preview:
        """Compute lane: the reply in the customer's language, and back into the agent's."""
        self.route(agent_tag, customer_tag)
        pipeline = self.pipeline()
        result = pipeline.translate([text], agent_tag, customer_tag, beam_size=beam)[0]
        back_text = None
        if back:
            back_text = pipeline.translate([result.text], customer_tag, agent_tag, beam_size=beam)[
                0
            ].text
        return Preview(text, result.text, result.provenance, back_text)

    def back_translate(self, text: str, customer_tag: str, agent_tag: str) -> str:
        """Compute lane: what an edited customer-language text says, in the agent's language."""
        return (
            self.pipeline()
            .translate([text], customer_tag, agent_tag, beam_size=PREVIEW_BEAM)[0]
            .text
        )
