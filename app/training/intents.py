"""What a trainee's reply does (apologises, gives a date, offers a refund...), recognised in
the trainee's own language so a scenario can branch on it.

Every pattern is compiled once when the index is built: detection runs on every reply
of every play and must stay far below a millisecond. Text is matched in the form search
and the draft checker use (:func:`app.domain.text.normalize_for_match`), so full-width
letters and invisible characters change nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.datafiles import DataFileError, line_of, load_yaml
from app.domain.lang import primary_language
from app.domain.text import has_unspaced_script, normalize_for_match

TRAINEE_LANGUAGES = ("en", "zh")
MAX_PHRASES = 200
MAX_PHRASE_CHARS = 100
MAX_REGEX_CHARS = 4000
MAX_INTENTS = 200
INTENT_ID = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def reply_language(text: str, chosen: str) -> str:
    """The language ("en" or "zh") a reply is written in: a Chinese-speaking trainee
    may answer in English, and the checks and intents must read what was written.
    Chinese when Han characters carry the text (one carries about as much as three Latin
    letters), English when Latin letters do, else the trainee's ``chosen`` language."""
    han = len(_HAN.findall(text))
    latin = len(_LATIN.findall(text))
    if not han and not latin:
        return chosen
    return "zh" if han * 3 >= latin else "en"


def match_form(text: str) -> str:
    """The form an intent is matched in: normalised like search, curly apostrophes straight."""
    return normalize_for_match(text).replace("’", "'").replace("‘", "'")


def _phrase_pattern(phrase: str) -> str:
    """A phrase as a regex: Latin words whole, Chinese anywhere; spaces/hyphens flexible."""
    words = [w for w in re.split(r"[\s\-]+", match_form(phrase).strip()) if w]
    body = r"[\s\-]+".join(re.escape(w) for w in words)
    if has_unspaced_script(phrase):
        return body
    return rf"(?<!\w){body}(?!\w)"


@dataclass(frozen=True, slots=True)
class Matcher:
    """How one intent is recognised in one language (compiled)."""

    pattern: re.Pattern[str] | None
    unless: re.Pattern[str] | None = None

    def holds(self, normalized: str) -> bool:
        if self.pattern is None or not self.pattern.search(normalized):
            return False
        return not (self.unless is not None and self.unless.search(normalized))


@dataclass(frozen=True, slots=True)
class IntentSpec:
    """One intent: its label in each UI language and a matcher per trainee language."""

    id: str
    label_en: str
    label_zh: str
    matchers: Mapping[str, Matcher] = field(default_factory=dict)

    def label(self, ui_language: str) -> str:
        return self.label_zh if ui_language.lower().startswith("zh") else self.label_en


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a regex of a data file; a clear ValueError if it is broken or matches nothing."""
    if len(pattern) > MAX_REGEX_CHARS:
        raise ValueError(f"the regex is longer than {MAX_REGEX_CHARS} characters")
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"the regex does not compile: {exc}") from exc
    if compiled.fullmatch(""):
        raise ValueError("the regex matches empty text, so it would match every reply")
    return compiled


def build_matcher(
    phrases: Iterable[str], regex: str | None = None, unless: str | None = None
) -> Matcher:
    """Compile phrases (+ regex) into one pattern; raises ValueError naming the problem."""
    parts: list[str] = []
    for phrase in phrases:
        if not isinstance(phrase, str) or not phrase.strip():
            raise ValueError("a phrase must be non-empty text")
        if len(phrase) > MAX_PHRASE_CHARS:
            raise ValueError(f"the phrase '{phrase[:40]}' is longer than {MAX_PHRASE_CHARS}")
        parts.append(_phrase_pattern(phrase))
    if regex:
        compile_pattern(regex)
        parts.append(f"(?:{regex})")
    pattern = re.compile("|".join(parts)) if parts else None
    return Matcher(pattern, compile_pattern(unless) if unless else None)


def spec_from_data(intent_id: str, data: Mapping[str, Any]) -> IntentSpec:
    """One intent entry (``label``, ``en``, ``zh``) compiled; ValueError with the field."""
    label = data.get("label")
    if not isinstance(label, Mapping) or not label.get("en") or not label.get("zh_CN"):
        raise ValueError("label: needs 'en' and 'zh_CN'")
    unknown = sorted(str(k) for k in data if k not in ("label", *TRAINEE_LANGUAGES))
    if unknown:
        raise ValueError(f"{unknown[0]}: unknown field (use label, en, zh)")
    matchers: dict[str, Matcher] = {}
    for language in TRAINEE_LANGUAGES:
        entry = data.get(language)
        if entry is None:
            continue
        if not isinstance(entry, Mapping):
            raise ValueError(f"{language}: must be a mapping with phrases/regex/unless")
        bad = sorted(str(k) for k in entry if k not in ("phrases", "regex", "unless"))
        if bad:
            raise ValueError(f"{language}.{bad[0]}: unknown field (use phrases, regex, unless)")
        phrases = entry.get("phrases") or []
        if not isinstance(phrases, list) or len(phrases) > MAX_PHRASES:
            raise ValueError(f"{language}.phrases: a list of at most {MAX_PHRASES} phrases")
        try:
            matchers[language] = build_matcher(phrases, entry.get("regex"), entry.get("unless"))
        except ValueError as exc:
            raise ValueError(f"{language}: {exc}") from exc
        if matchers[language].pattern is None:
            raise ValueError(f"{language}: needs phrases or a regex")
    if not matchers:
        raise ValueError("needs phrases for 'en' or 'zh'")
    for name, text in (("en", label["en"]), ("zh_CN", label["zh_CN"])):
        if not isinstance(text, str) or len(text) > 200:
            raise ValueError(f"label.{name}: text of at most 200 characters")
    return IntentSpec(intent_id, str(label["en"]), str(label["zh_CN"]), matchers)


class IntentIndex:
    """The built-in intents, compiled once; scenario-local ones are passed to :meth:`detect`."""

    def __init__(self, specs: Iterable[IntentSpec]) -> None:
        self.specs: dict[str, IntentSpec] = {spec.id: spec for spec in specs}

    def __contains__(self, intent_id: object) -> bool:
        return intent_id in self.specs

    def detect(
        self, text: str, language: str, extra: Mapping[str, IntentSpec] | None = None
    ) -> frozenset[str]:
        """The intents of ``text`` written in ``language`` ("en"/"zh"; others: English)."""
        lang = primary_language(language)
        lang = lang if lang in TRAINEE_LANGUAGES else "en"
        normalized = match_form(text)
        found = {
            spec.id
            for spec in self.specs.values()
            if (m := spec.matchers.get(lang)) is not None and m.holds(normalized)
        }
        for spec in (extra or {}).values():
            m = spec.matchers.get(lang)
            if m is not None and m.holds(normalized):
                found.add(spec.id)
            elif spec.id in found and m is not None:
                found.discard(spec.id)  # a scenario's own definition replaces the built-in
        return frozenset(found)

    def label(
        self, intent_id: str, ui_language: str, extra: Mapping[str, IntentSpec] | None = None
    ) -> str:
        """The intent's name in the UI language (the id itself if unknown)."""
        spec = (extra or {}).get(intent_id) or self.specs.get(intent_id)
        return spec.label(ui_language) if spec else intent_id


def load_intents(path: Path) -> IntentIndex:
    """The intents file compiled; DataFileError naming file and line of the first problem."""
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("intents"), dict):
        raise DataFileError(path, line_of(data, []), "needs a mapping 'intents:'")
    if set(data) - {"intents"}:
        extra = sorted(str(k) for k in set(data) - {"intents"})[0]
        raise DataFileError(path, line_of(data, [extra]), f"{extra}: unknown field")
    entries = data["intents"]
    if len(entries) > MAX_INTENTS:
        raise DataFileError(path, line_of(data, ["intents"]), f"more than {MAX_INTENTS} intents")
    specs = []
    for intent_id, entry in entries.items():
        where = line_of(data, ["intents", intent_id])
        if not isinstance(intent_id, str) or not INTENT_ID.match(intent_id):
            raise DataFileError(path, where, f"'{intent_id}' is not an intent id like 'apology'")
        if not isinstance(entry, Mapping):
            raise DataFileError(path, where, f"intents.{intent_id}: must be a mapping")
        try:
            specs.append(spec_from_data(intent_id, entry))
        except ValueError as exc:
            field_name = str(exc).split(":")[0].split(".")[0]
            line = line_of(data, ["intents", intent_id, field_name])
            raise DataFileError(path, line, f"intents.{intent_id}.{exc}") from exc
    return IntentIndex(specs)
