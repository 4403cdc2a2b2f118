"""The culture-aware draft checker: flags wording the customer may misread or resent.

As the agent types, :meth:`Checker.check` runs the rules that apply to this customer
(draft language, country, formality, today's observances, locale) and returns
findings with a span to highlight, why it matters and what to write instead, in the
agent's UI language. It only advises: nothing here blocks sending.

It runs on every keystroke, so everything is compiled once in :class:`Checker`: all
phrases of a draft language are merged into one trie-shaped regex that is scanned
once per check (:mod:`app.culture.phrases`, on the draft normalised the way search
normalises it), and only the regex rules that apply to the context are run.

Rules load in layers (:func:`load_rules`): the built-in folder, then a team folder;
a later rule with the same id replaces the earlier one. A broken file or rule is
reported with file and line and skipped; the others still load.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol
from pydantic import ValidationError

from app.contract.datafile import problem_text
from app.culture.phrases import PhraseIndex
from app.culture.rule_schema import (
    FindingKind,
    Rule,
    RuleFile,
    compile_regex,
    replacement_key,
)
from app.domain.datafiles import DataFileError, LineList, line_of, load_yaml
from app.domain.lang import primary_language


@dataclass(frozen=True, slots=True)
class CheckContext:
    """Who the draft is for, today: decides which rules apply."""

    draft_language: str  # primary language of the draft: "en", "zh", ... (BCP-47 primary subtag)
    country: str | None  # customer's ISO country, e.g. "JP"
    formal: bool  # the customer's culture expects formal address
    observances: frozenset[str]  # active today for this customer: e.g. {"ramadan"}, {"mourning"}
    customer_locale: str | None  # e.g. "en_US", "de_DE", "ja_JP" (for date/number reading)
    ui_language: str = "en"  # "en" or "zh_CN": language of explanation/suggestion
    norms: tuple[tuple[str, str], ...] = ()  # the customer's profile norms, (name, value)


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of advice about a span of the draft."""

    rule_id: str
    kind: FindingKind
    start: int  # character offsets into the draft (Python str indices)
    end: int
    excerpt: str  # draft[start:end]
    explanation: str  # why, in ctx.ui_language
    suggestion: str  # what to write instead, in ctx.ui_language
    # What can replace the excerpt in one click, cased to fit where it stands (None: the
    # rule offers advice only).
    replacement: str | None = None


@dataclass
class RuleSet:
    """The rules that loaded, and the files or rules that did not (shown to the user)."""

    rules: list[Rule] = field(default_factory=list)
    errors: list[DataFileError] = field(default_factory=list)


# --- loading -------------------------------------------------------------------------


def _validation_error(
    path: Path, data: Any, loc: tuple[int | str, ...], label: str, error: ValidationError
) -> DataFileError:
    first = error.errors()[0]
    inner = tuple(first["loc"])
    problem = f"{label}: {problem_text(first)}" if inner else f"{label}: {first['msg']}"
    return DataFileError(path, line_of(data, loc + inner), problem)


def _rule_line(data: Any, index: int) -> int | None:
    rules = data.get("rules") if isinstance(data, dict) else None
    if isinstance(rules, LineList) and index < len(rules.item_lines):
        return rules.item_lines[index]
    return getattr(data, "line", None)


def _load_layer(
    folder: Path, errors: list[DataFileError]
) -> tuple[list[Rule], list[tuple[str, Path, int | None]]]:
    """The valid rules of one folder, and the ids it disables (with where it says so)."""
    rules: list[Rule] = []
    disabled: list[tuple[str, Path, int | None]] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = load_yaml(path)
        except DataFileError as error:
            errors.append(error)
            continue
        if data is None:
            continue  # an empty file holds no rules
        if not isinstance(data, dict):
            errors.append(DataFileError(path, 1, "a rule file must be a mapping with 'rules'"))
            continue
        try:
            top = RuleFile.model_validate(data)
        except ValidationError as error:
            errors.append(_validation_error(path, data, (), "file", error))
            continue
        for index, rule_id in enumerate(top.disable):
            disabled.append((rule_id, path, line_of(data, ("disable", index))))
        for index, raw in enumerate(top.rules):
            name = raw.get("id") if isinstance(raw, dict) else None
            label = f"rule {name}" if name else f"rule #{index + 1}"
            try:
                rule = Rule.model_validate(raw)
            except ValidationError as error:
                errors.append(_validation_error(path, data, ("rules", index), label, error))
                continue
            line = _rule_line(data, index)
            if rule.id in seen:
                problem = f"{label}: the id is already used at {seen[rule.id]}"
                errors.append(DataFileError(path, line, problem))
                continue
            seen[rule.id] = f"{path.name}:{line}"
            rules.append(rule)
    return rules, disabled


def load_rules(*folders: Path) -> RuleSet:
    """Rules from each folder in layer order (built-in first, then a team folder).

    A later layer's rule with the same id replaces the earlier one in place; a
    layer's ``disable`` list switches off earlier layers' rules. Missing folders
    are skipped.
    """
    chosen: dict[str, Rule] = {}
    errors: list[DataFileError] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        rules, disabled = _load_layer(folder, errors)
        for rule_id, path, line in disabled:
            if chosen.pop(rule_id, None) is None:
                errors.append(DataFileError(path, line, f"disable: no earlier rule {rule_id}"))
        for rule in rules:
            chosen[rule.id] = rule
    return RuleSet(list(chosen.values()), errors)


# --- the customer's locale -------------------------------------------------------------


@cache
def _locale(customer_locale: str | None, country: str | None) -> Locale | None:
    """The customer's CLDR locale: their locale (with their country if it has none),
    else the most likely locale of their country."""
    tags: list[str] = []
    if customer_locale:
        tag = customer_locale.replace("-", "_")
        if country and "_" not in tag:
            tags.append(f"{tag}_{country}")
        tags.append(tag)
    if country:
        tags.append(f"und_{country}")
    for tag in tags:
        try:
            return Locale.parse(tag)
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return None


@cache
def _reads_day_first(customer_locale: str | None, country: str | None) -> bool | None:
    """Whether 03/04 reads as 3 April here (CLDR's numeric month-day skeleton)."""
    locale = _locale(customer_locale, country)
    if locale is None:
        return None
    pattern = str(locale.datetime_skeletons.get("Md") or "")
    day, month = pattern.find("d"), pattern.find("M")
    if day < 0 or month < 0:
        return None
    return day < month


@cache
def _decimal_comma(customer_locale: str | None, country: str | None) -> bool | None:
    """Whether 1,500 reads as one and a half here."""
    locale = _locale(customer_locale, country)
    if locale is None:
        return None
    return get_decimal_symbol(locale, numbering_system="latn") == ","


def applies(rule: Rule, ctx: CheckContext) -> bool:
    """Whether ``rule`` is in force for this draft and customer today."""
    if rule.language not in ("any", primary_language(ctx.draft_language)):
        return False
    country = (ctx.country or "").upper() or None
    if rule.countries and country not in rule.countries:
        return False
    if country in rule.not_countries:
        return False
    when = rule.when
    if when.formal is not None and when.formal != ctx.formal:
        return False
    if when.observances and not ctx.observances.intersection(when.observances):
        return False
    if when.norms:
        stated = dict(ctx.norms)
        if any(stated.get(name) not in values for name, values in when.norms.items()):
            return False
    if when.locale_reads_day_first is not None:
        day_first = _reads_day_first(ctx.customer_locale, country)
        # Unknown locale: most of the world reads day first.
        if (True if day_first is None else day_first) != when.locale_reads_day_first:
            return False
    if when.locale_decimal_comma is not None:
        comma = _decimal_comma(ctx.customer_locale, country)
        if comma is None or comma != when.locale_decimal_comma:
            return False
    return True


@dataclass(frozen=True, slots=True)
class _Compiled:
    phrases: PhraseIndex | None
    regexes: tuple[tuple[int, re.Pattern[str]], ...]


class Checker:
    """Checks drafts against a fixed set of rules; build once, call :meth:`check` often."""

    def __init__(self, rules: RuleSet | list[Rule]) -> None:
        self.rules: list[Rule] = list(rules.rules if isinstance(rules, RuleSet) else rules)
        self._languages = {rule.language for rule in self.rules} | {"any"}
        # Compiled on first use per draft language (the compute lane pays ~0.1 s once, not
        # start-up); a lock keeps two checks from compiling the same language twice.
        self._by_language: dict[str, _Compiled] = {}
        self._compile_lock = threading.Lock()
        self._active: dict[CheckContext, frozenset[int]] = {}
        # (explanation, suggestion) of a rule in a UI language: picked once, not per finding.
        self._texts: dict[tuple[int, str], tuple[str, str]] = {}
        self._ids = tuple(rule.id for rule in self.rules)  # read per hit when sorting
        self._kinds = tuple(rule.kind for rule in self.rules)

    def _compiled(self, language: str) -> _Compiled:
        if language not in self._languages:
            language = "any"
        compiled = self._by_language.get(language)
        if compiled is None:
            with self._compile_lock:
                compiled = self._by_language.get(language)
                if compiled is None:
                    compiled = self._by_language[language] = self._compile(language)
        return compiled

    def _compile(self, language: str) -> _Compiled:
        """Phrases and regexes of one draft language, with the ``any`` rules."""
        chosen = [
            (index, rule)
            for index, rule in enumerate(self.rules)
            if rule.language in (language, "any")
        ]
        entries = [(phrase, index) for index, rule in chosen for phrase in rule.phrases]
        regexes = tuple(
            (index, compile_regex(rule.regex)) for index, rule in chosen if rule.regex is not None
        )
        return _Compiled(PhraseIndex(entries) if entries else None, regexes)

    def _active_rules(self, ctx: CheckContext) -> frozenset[int]:
        active = self._active.get(ctx)
        if active is None:
            if len(self._active) > 256:
                self._active.clear()
            active = frozenset(i for i, rule in enumerate(self.rules) if applies(rule, ctx))
            self._active[ctx] = active
        return active

    def check(self, text: str, ctx: CheckContext) -> list[Finding]:
        """Findings for ``text`` written to the customer in ``ctx``, sorted by start."""
        active = self._active_rules(ctx)
        if not active or not text:
            return []
        language = primary_language(ctx.draft_language)
        compiled = self._compiled(language)
        hits: set[tuple[int, int, int]] = set()
        if compiled.phrases is not None:
            hits.update(compiled.phrases.scan(text, active))
        for index, regex in compiled.regexes:
            if index not in active:
                continue
            hit = "hit" in regex.groupindex  # a group named "hit" narrows the highlight
            for match in regex.finditer(text):
                start, end = match.span("hit") if hit and match["hit"] is not None else match.span()
                if end > start:
                    hits.add((index, start, end))
        return [self._finding(text, ctx, hit) for hit in self._outermost(hits)]

    def _outermost(self, hits: set[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """Drops a hit that lies inside another hit of the same kind: one highlight per
        problem (e.g. "sale" inside "flash sale"). Sorted by start."""
        ids, kinds = self._ids, self._kinds
        ordered = sorted(hits, key=lambda hit: (hit[1], -hit[2], ids[hit[0]]))
        reach: dict[str, tuple[int, int]] = {}  # kind -> (start, end) of the furthest kept
        kept: list[tuple[int, int, int]] = []
        for hit in ordered:
            _, start, end = hit
            kind = kinds[hit[0]]
            far_start, far_end = reach.get(kind, (-1, -1))
            if far_end > end or (far_end == end and far_start < start):
                continue  # inside an earlier hit (the same span by another rule stays)
            if end > far_end:
                reach[kind] = (start, end)
            kept.append(hit)
        kept.sort(key=lambda hit: (hit[1], hit[2], ids[hit[0]]))
        return kept

    def _finding(self, text: str, ctx: CheckContext, hit: tuple[int, int, int]) -> Finding:
        index, start, end = hit
        rule = self.rules[index]
        texts = self._texts.get((index, ctx.ui_language))
        if texts is None:
            if len(self._texts) > 4096:  # UI languages are few; bounded all the same
                self._texts.clear()
            texts = rule.explanation.pick(ctx.ui_language), rule.suggestion.pick(ctx.ui_language)
            self._texts[index, ctx.ui_language] = texts
        return Finding(
            rule_id=rule.id,
            kind=rule.kind,
            start=start,
            end=end,
            excerpt=text[start:end],
            explanation=texts[0],
            suggestion=texts[1],
            replacement=_replacement(rule, text, start, end) if rule.replacement else None,
        )


_SENTENCE_END = ".!?。！？\n"


def _replacement(rule: Rule, text: str, start: int, end: int) -> str | None:
    """The rule's replacement for the phrase at ``text[start:end]``, capitalised where a
    sentence starts or the agent capitalised the phrase ("Cheap" -> "Affordable", but
    "ASAP" mid-sentence -> "as soon as possible")."""
    key = replacement_key(text[start:end])
    chosen = next((r for p, r in rule.replacement.items() if replacement_key(p) == key), None)
    if chosen is None:
        return None
    excerpt = text[start:end]
    before = text[:start].rstrip()
    sentence_start = not before or before[-1] in _SENTENCE_END
    capital = excerpt[:1].isupper() and not (len(excerpt) > 1 and excerpt.isupper())
    if (sentence_start or capital) and chosen[:1].islower():
        return chosen[:1].upper() + chosen[1:]
    return chosen


# --- examples and the command line ------------------------------------------------------


def example_cases(rule: Rule) -> Iterator[tuple[str, CheckContext, bool]]:
    """Each example of ``rule`` as (draft, context, whether the rule must flag it)."""
    group = rule.examples.context
    for expected, items in ((True, rule.examples.match), (False, rule.examples.no_match)):
        for example in items:
            context = rule.example_context(example, group)
            language = context.draft_language or ("en" if rule.language == "any" else rule.language)
            yield (
                example.text,
                CheckContext(
                    draft_language=language,
                    country=context.country,
                    formal=context.formal,
                    observances=frozenset(context.observances),
                    norms=tuple(sorted(context.norms.items())),
                    customer_locale=context.customer_locale,
                ),
                expected,
            )


def example_failures(checker: Checker, rule: Rule) -> list[str]:
    """The examples of ``rule`` that do not behave as they say (empty when all do)."""
    failures = []
    for text, ctx, expected in example_cases(rule):
        found = any(finding.rule_id == rule.id for finding in checker.check(text, ctx))
        if found != expected:
            verb = "does not flag" if expected else "flags"
            failures.append(f"{rule.id} {verb} {text!r}")
    return failures


def main(argv: list[str]) -> int:
    """``python -m app.culture.checker DIR...``: check rule folders (and their examples)
    by hand, in layer order, e.g. the built-in folder then a team folder."""
    loaded = load_rules(*(Path(arg) for arg in argv))
    checker = Checker(loaded)
    failures = [failure for rule in loaded.rules for failure in example_failures(checker, rule)]
    for error in loaded.errors:
        print(error, file=sys.stderr)
    for failure in failures:
        print(failure, file=sys.stderr)
    print(
        f"{len(loaded.rules)} rules loaded, {len(loaded.errors)} errors, "
        f"{len(failures)} failing examples"
    )
    return 1 if loaded.errors or failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
