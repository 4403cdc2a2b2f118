"""The translation engine: installed packs, routes between languages, batched inference.

It uses argostranslate for what a pack *is* (metadata, SentencePiece/BPE
tokenizer), cuts each paragraph into pieces the model can carry whole
(:mod:`app.translation.segment`) and drives the pack's CTranslate2 model
itself, so that a whole conversation is one ``translate_batch`` call (argos
translates one text at a time, in batches of 32 tokens by default), underscores
survive decoding (argos turns them into spaces) and models are loaded once per
pack, under a lock, and replaced cleanly when a pack is upgraded.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.errors import LocalizedError
from app.i18n import N_
from app.translation.offline import ArgosHome, ArgosModules, load_argos
from app.translation.packs import (
    PackInfo,
    install_pack,
    list_packs,
    recover_interrupted,
    uninstall_pack,
)
from app.translation.segment import UNSPACED, Piece, join, split

PIVOT_PREFERENCE = ("en",)  # try English first as the intermediate language, then any
MIN_JUDGED_TOKENS = 16  # pieces shorter than this are not judged "too short"
# Argos's beam-search setting. CTranslate2 then reports sum(log-prob) / length**LENGTH_PENALTY,
# not a mean: confidence undoes that, or every long sentence would read as "low confidence".
LENGTH_PENALTY = 0.2


class NoRouteError(LocalizedError, LookupError):
    """No installed pack (or chain of two) translates this pair; the message says which."""

    def __init__(self, source: str, target: str) -> None:
        self.source = source
        self.target = target
        super().__init__(
            N_("No {source} → {target} language pack is installed."), source=source, target=target
        )

    @property
    def reason(self) -> str:
        return str(self)


@dataclass(frozen=True, slots=True)
class Route:
    """The packs a translation goes through: one (direct) or two (pivot)."""

    steps: tuple[PackInfo, ...]

    @property
    def source(self) -> str:
        return self.steps[0].from_code

    @property
    def target(self) -> str:
        return self.steps[-1].to_code

    @property
    def pivots(self) -> tuple[str, ...]:
        return tuple(step.to_code for step in self.steps[:-1])

    @property
    def key(self) -> str:
        """Exact models used, e.g. ``es-en@1.9>en-zh@1.2``: part of every cache key."""
        return ">".join(step.key for step in self.steps)


@dataclass(frozen=True, slots=True)
class Translated:
    """One translated text with the model's confidence (0..1, from mean token log-prob).

    ``complete`` is False when some piece hit the decoding limit, came back implausibly
    short for its input, or the text was longer than the engine translates: such a text
    must never be shown or sent as a whole translation.
    """

    text: str
    confidence: float
    complete: bool = True


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """Inference knobs, measured on a 2-core machine with an Argos-shaped model.

    One intra-op thread beat two: a 20-word message at beam 1 took ~130 ms vs ~360 ms,
    a 50-message conversation at beam 4 ~5.7 s vs ~6.2-9 s (two threads fight the UI
    and the other lane for the two cores); the compute lane's two workers use both cores
    when two translations run at once. Batches of 4096 tokens were marginally faster
    than 1024/2048 (argostranslate's default of 32 tokens is ~10x slower).
    """

    intra_threads: int = 1
    inter_threads: int = 1
    batch_tokens: int = 4096
    beam_size: int = 4  # for what is sent; the live preview uses 1 (greedy)
    max_decoding_length: int = 256
    # Source tokens per piece: half the decoding limit leaves room for target languages
    # that need more tokens than the source (and is about what Argos models were trained on).
    piece_tokens: int = 128
    # A text longer than this is translated up to here and marked incomplete (a pasted
    # megabyte would hold a compute worker for many minutes).
    max_text_chars: int = 200_000


class _RWLock:
    """Many translations at once, or one install/uninstall alone."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            while self._writer:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            while self._writer or self._readers:
                self._cond.wait()
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


@dataclass
class _Plan:
    """One text's paragraphs: (source paragraph, its pieces, index of the first in the batch)."""

    cut: bool  # longer than the engine translates: only the start was translated
    paragraphs: list[tuple[str, list[Piece], int]] = field(default_factory=list)


def summed_log_prob(score: float, length: int) -> float:
    """A hypothesis's summed token log-probability from CTranslate2's length-penalised score."""
    return score * length**LENGTH_PENALTY


def too_short(source_tokens: int, output_tokens: int, source: str, target: str) -> bool:
    """Whether an output is implausibly short for its input (the model stopped early).

    Packs tokenize both sides with one model, so token counts compare across languages;
    a spaced-script source going into Chinese, Japanese or Thai legitimately shrinks most.
    Short inputs are never judged: "ok" -> "好" is fine.
    """
    if source_tokens < MIN_JUDGED_TOKENS:
        return False
    floor = 0.15 if target in UNSPACED and source not in UNSPACED else 0.3
    return output_tokens < source_tokens * floor


@dataclass
class _Loaded:
    info: PackInfo
    package: Any
    translator: Any
    decode_lock: threading.Lock = field(default_factory=threading.Lock)


class TranslationEngine:
    """Installed packs and offline translation between any two languages they connect."""

    def __init__(self, home: ArgosHome, settings: EngineSettings | None = None) -> None:
        self.home = home
        self.settings = settings or EngineSettings()
        self._lock = _RWLock()
        self._load_lock = threading.Lock()
        self._argos: ArgosModules | None = None
        self._packs: list[PackInfo] | None = None
        self._loaded: dict[str, _Loaded] = {}
        recover_interrupted(home)  # a pack swap a crash interrupted: finish or undo it

    # ------------------------------------------------------------------ packs
    def _modules(self) -> ArgosModules:
        if self._argos is None:
            self._argos = load_argos(self.home, batch_tokens=self.settings.batch_tokens)
        return self._argos

    def packs(self) -> list[PackInfo]:
        """Installed packs (read from disk once, then after every change)."""
        packs = self._packs
        if packs is None:
            packs = self._packs = list_packs(self.home)
        return packs

    def install(self, path: Path, **kwargs: Any) -> PackInfo:
        """Install or upgrade a pack while no translation runs; the new model is used next."""
        with self._lock.write():
            try:
                return install_pack(path, self.home, **kwargs)
            finally:
                self._forget_models()

    def uninstall(self, info: PackInfo) -> None:
        with self._lock.write():
            try:
                uninstall_pack(info, self.home)
            finally:
                self._forget_models()

    def refresh(self) -> None:
        """Re-read the packages folder (after it was changed outside the engine)."""
        with self._lock.write():
            self._forget_models()

    def _forget_models(self) -> None:
        self._packs = None
        self._loaded.clear()

    # ------------------------------------------------------------------ routes
    def route(self, source: str, target: str) -> Route:
        """The packs that translate ``source`` into ``target`` (direct, else via a pivot)."""
        packs = self.packs()
        usable = [p for p in packs if p.usable]

        def find(a: str, b: str) -> PackInfo | None:
            return next((p for p in usable if p.from_code == a and p.to_code == b), None)

        direct = find(source, target)
        if direct is not None:
            return Route((direct,))
        middles = sorted(
            {p.to_code for p in usable if p.from_code == source},
            key=lambda code: (code not in PIVOT_PREFERENCE, code),
        )
        for middle in middles:
            second = find(middle, target)
            first = find(source, middle)
            if first is not None and second is not None:
                return Route((first, second))
        raise NoRouteError(source, target)

    def languages(self) -> set[str]:
        return {code for p in self.packs() if p.usable for code in (p.from_code, p.to_code)}

    # ------------------------------------------------------------------ translation
    def warm(self, route: Route) -> None:
        """Load the route's models now (on a worker), so the first real request is fast."""
        with self._lock.read():
            for step in route.steps:
                self._load(step)

    def translate(
        self, texts: Sequence[str], route: Route, *, beam_size: int | None = None
    ) -> list[Translated]:
        """Translate every text through the route; one batched model call per step."""
        if not texts:
            return []
        with self._lock.read():
            current = list(texts)
            confidence = [1.0] * len(texts)
            complete = [True] * len(texts)
            for step in route.steps:
                loaded = self._load(step)
                outputs = self._run(loaded, current, beam_size or self.settings.beam_size)
                current = [o.text for o in outputs]
                confidence = [c * o.confidence for c, o in zip(confidence, outputs, strict=True)]
                complete = [c and o.complete for c, o in zip(complete, outputs, strict=True)]
            return [
                Translated(t, c, whole)
                for t, c, whole in zip(current, confidence, complete, strict=True)
            ]

    def _load(self, info: PackInfo) -> _Loaded:
        loaded = self._loaded.get(info.key)
        if loaded is not None:
            return loaded
        with self._load_lock:  # argostranslate does not lock this: two threads built two models
            loaded = self._loaded.get(info.key)
            if loaded is not None:
                return loaded
            argos = self._modules()
            package = argos.package.Package(info.folder)
            translator = argos.ctranslate2.Translator(
                str(info.folder / "model"),
                device="cpu",
                inter_threads=self.settings.inter_threads,
                intra_threads=self.settings.intra_threads,
            )
            loaded = _Loaded(info, package, translator)
            self._loaded[info.key] = loaded
            return loaded

    def _run(self, loaded: _Loaded, texts: list[str], beam_size: int) -> list[Translated]:
        """Translate each text piece by piece (one batch for all), then join the pieces."""
        package = loaded.package
        source, target = loaded.info.from_code, loaded.info.to_code
        limit = self.settings.max_text_chars
        plans: list[_Plan] = []
        batch: list[list[str]] = []
        with loaded.decode_lock:  # the tokenizer objects are not shared safely

            def count(text: str) -> int:
                return len(package.tokenizer.encode(text))

            for text in texts:
                plan = _Plan(cut=len(text) > limit)
                for paragraph in text[:limit].split("\n"):
                    pieces = (
                        split(paragraph, source, count, self.settings.piece_tokens)
                        if paragraph.strip()
                        else []
                    )
                    plan.paragraphs.append((paragraph, pieces, len(batch)))
                    batch.extend(package.tokenizer.encode(piece.text) for piece in pieces)
                plans.append(plan)
        prefix = [[package.target_prefix]] * len(batch) if package.target_prefix else None
        results = (
            loaded.translator.translate_batch(
                batch,
                target_prefix=prefix,
                replace_unknowns=True,
                max_batch_size=self.settings.batch_tokens,
                batch_type="tokens",
                beam_size=beam_size,
                num_hypotheses=1,
                length_penalty=LENGTH_PENALTY,
                max_decoding_length=self.settings.max_decoding_length,
                return_scores=True,
            )
            if batch
            else []
        )
        hit_limit = self.settings.max_decoding_length - (1 if package.target_prefix else 0)
        outputs = []
        with loaded.decode_lock:
            for plan in plans:
                complete = not plan.cut
                log_prob, generated = 0.0, 0
                paragraphs: list[str] = []
                for paragraph, pieces, first in plan.paragraphs:
                    if not pieces:
                        paragraphs.append(paragraph)
                        continue
                    decoded = []
                    for offset in range(len(pieces)):
                        hypothesis = results[first + offset].hypotheses[0]
                        length = len(hypothesis) + 1  # the end-of-sentence token is scored too
                        log_prob += summed_log_prob(results[first + offset].scores[0], length)
                        generated += length
                        decoded.append(self._decode(package, hypothesis))
                        if len(hypothesis) >= hit_limit or too_short(
                            len(batch[first + offset]), len(hypothesis), source, target
                        ):
                            complete = False
                    paragraphs.append(join(pieces, decoded, target))
                mean = log_prob / generated if generated else 0.0  # per token, over all pieces
                confidence = math.exp(max(min(mean, 0.0), -20.0))
                outputs.append(Translated("\n".join(paragraphs), confidence, complete))
        return outputs

    @staticmethod
    def _decode(package: Any, tokens: list[str]) -> str:
        if package.target_prefix and tokens and tokens[0] == package.target_prefix:
            tokens = tokens[1:]
        processor = getattr(package.tokenizer, "lazy_processor", None)
        if processor is not None:  # SentencePiece: decode without argos's "_" -> " " quirk
            value = processor().decode_pieces(tokens).replace("▁", " ")
        else:
            value = package.tokenizer.decode(tokens)
        return value[1:] if value.startswith(" ") else value
