"""Canned replies without Qt: filling variables, what a reply also does, which ones fit.

A canned reply's body holds variables such as ``{{customer.first_name}}`` or
``{{order.number}}``. They are filled on insert from the conversation in hand; one that
is unknown or empty becomes a visible gap (``⟦order.number⟧``) that the agent must fill
before the reply can be sent (:func:`gaps_in`). Templates and values come from the team
and from a server, so everything here is bounded and never raises on hostile input.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from app.domain.lang import primary_language
from app.domain.models import Status
from app.domain.text import has_unspaced_script

GAP_OPEN, GAP_CLOSE = "⟦", "⟧"
MAX_TEMPLATE_CHARS = 20_000
MAX_VARIABLES = 100  # per template: more are left as written
MAX_VALUE_CHARS = 200  # a filled value (an order number, a name), one line
MAX_NAME_CHARS = 64
MAX_JSON_CHARS = 8_000
MAX_LIST_ITEMS = 30
MAX_ITEM_CHARS = 60
MAX_SUGGESTIONS = 5
KEYWORD_TEXT_CHARS = 4_000  # of the last customer message, for the keyword match

_NAME = r"[A-Za-z][A-Za-z0-9_]{0,40}"
_VARIABLE = re.compile(r"\{\{\s*(" + _NAME + r"(?:\." + _NAME + r"){0,3})\s*\}\}")
_GAP = re.compile(GAP_OPEN + r"([^" + GAP_OPEN + GAP_CLOSE + r"\n]{1,80})" + GAP_CLOSE)
_STATUSES = (Status.OPEN, Status.PENDING, Status.RESOLVED)


@dataclass(frozen=True, slots=True)
class Rendered:
    """A filled canned reply: the text to insert and the variables left as gaps."""

    text: str
    gaps: tuple[str, ...]


def gap(name: str) -> str:
    """How an unfilled variable shows in the composer."""
    return f"{GAP_OPEN}{name[:MAX_NAME_CHARS]}{GAP_CLOSE}"


def gaps_in(text: str) -> list[str]:
    """The gaps still in a reply (what blocks sending), in order, each once."""
    return list(dict.fromkeys(m.group(1) for m in _GAP.finditer(text)))


def _one_line(value: object) -> str:
    """A value as one line of plain text: control characters out, bounded."""
    text = str(value)[: MAX_VALUE_CHARS * 4]
    cleaned = "".join(
        " " if unicodedata.category(ch)[0] in "CZ" and ch != " " else ch
        for ch in text
        if unicodedata.category(ch) not in ("Cf", "Cs", "Co")
    )
    return " ".join(cleaned.split())[:MAX_VALUE_CHARS]


def render(template: str, values: Mapping[str, object]) -> Rendered:
    """Fill ``template``'s variables from ``values`` (names as in the template, case
    insensitive). Unknown or empty ones become gaps; a value never brings in a variable
    or a gap of its own (it is inserted as written, once)."""
    template = template[:MAX_TEMPLATE_CHARS]
    lookup = {str(k).lower(): v for k, v in values.items()}
    gaps: list[str] = []
    count = 0

    def fill(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        if count > MAX_VARIABLES:
            return match.group(0)
        name = match.group(1).lower()
        value = _one_line(lookup.get(name, "")).replace(GAP_OPEN, "").replace(GAP_CLOSE, "")
        if value:
            return value
        gaps.append(name)
        return gap(name)

    text = _VARIABLE.sub(fill, template)
    return Rendered(text, tuple(dict.fromkeys(gaps)))


def variables_in(template: str) -> list[str]:
    """The variable names a template uses (the editor lists them)."""
    names = (m.group(1).lower() for m in _VARIABLE.finditer(template[:MAX_TEMPLATE_CHARS]))
    return list(dict.fromkeys(names))[:MAX_VARIABLES]


def first_name(name: str) -> str:
    """The first word of a name; a name written without spaces (most CJK names) whole."""
    words = name.split()
    return words[0] if words else ""


def variable_values(
    *,
    customer_name: str,
    agent_name: str | None,
    subject: str | None,
    customer_fields: Mapping[str, object],
    conversation_fields: Mapping[str, object],
    extra: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """Every value a template may use for this conversation. Backend fields are offered
    as ``order.number`` for a field ``order_number`` (conversation first, then customer),
    and as ``customer.<key>`` / ``conversation.<key>``."""
    values: dict[str, object] = {}
    for key, value in list(customer_fields.items())[:MAX_LIST_ITEMS]:
        values[str(key).replace("_", ".").lower()] = value
        values[f"customer.{key}".lower()] = value
    for key, value in list(conversation_fields.items())[:MAX_LIST_ITEMS]:
        values[str(key).replace("_", ".").lower()] = value
        values[f"conversation.{key}".lower()] = value
    values.update(
        {
            "customer.name": customer_name,
            "customer.first_name": first_name(customer_name),
            "agent.name": agent_name or "",
            "agent.first_name": first_name(agent_name or ""),
            "conversation.subject": subject or "",
        }
    )
    values.update(extra or {})
    return values


# ---------------------------------------------------------------------- actions
@dataclass(frozen=True, slots=True)
class CannedActions:
    """What sending a canned reply also does (Zendesk applies a macro's actions on submit)."""

    status: Status | None = None
    add_tags: tuple[str, ...] = ()
    assign_to: str | None = None  # an agent's uid; "me" for whoever sends it

    @property
    def empty(self) -> bool:
        return self.status is None and not self.add_tags and self.assign_to is None

    def to_json(self) -> str:
        data: dict[str, object] = {}
        if self.status is not None:
            data["status"] = self.status.value
        if self.add_tags:
            data["add_tags"] = list(self.add_tags)
        if self.assign_to is not None:
            data["assign_to"] = self.assign_to
        return json.dumps(data, ensure_ascii=False, sort_keys=True)


class CannedDataError(ValueError):
    """A canned reply's actions or suggestions the editor must refuse (message says why)."""


def _items(raw: object, what: str, strict: bool) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        if strict:
            raise CannedDataError(f"{what} must be a list")
        return ()
    items: list[str] = []
    for item in raw:
        text = " ".join(str(item).split())[:MAX_ITEM_CHARS] if isinstance(item, str) else ""
        if not text:
            if strict:
                raise CannedDataError(f"{what}: an empty or non-text entry")
            continue
        items.append(text)
    if len(items) > MAX_LIST_ITEMS and strict:
        raise CannedDataError(f"{what}: at most {MAX_LIST_ITEMS} entries")
    return tuple(dict.fromkeys(items[:MAX_LIST_ITEMS]))


def _mapping(text: str | Mapping[str, object] | None, strict: bool) -> Mapping[str, object]:
    if text is None:
        return {}
    if isinstance(text, Mapping):
        return text
    if len(text) > MAX_JSON_CHARS:
        if strict:
            raise CannedDataError("too long")
        return {}
    try:
        data = json.loads(text or "{}")
    except (ValueError, RecursionError) as exc:
        if strict:
            raise CannedDataError("not valid JSON") from exc
        return {}
    if not isinstance(data, dict):
        if strict:
            raise CannedDataError("must be an object")
        return {}
    return data


def parse_actions(raw: str | Mapping[str, object] | None, *, strict: bool = False) -> CannedActions:
    """Actions from the stored JSON. Lenient (stored data: what is unusable is dropped)
    unless ``strict`` (the editor: CannedDataError says what is wrong)."""
    data = _mapping(raw, strict)
    status: Status | None = None
    value = data.get("status")
    if value is not None:
        try:
            status = Status(str(value))
        except ValueError:
            status = None
        if status not in _STATUSES:
            if strict:
                raise CannedDataError("status must be open, pending or resolved")
            status = None
    assign = data.get("assign_to")
    assign_to = (
        (" ".join(assign.split())[:MAX_NAME_CHARS] or None) if isinstance(assign, str) else None
    )
    if strict and assign is not None and assign_to is None:
        raise CannedDataError("assign_to must be an agent id or 'me'")
    return CannedActions(status, _items(data.get("add_tags"), "add_tags", strict), assign_to)


# ---------------------------------------------------------------------- suggestions
@dataclass(frozen=True, slots=True)
class SuggestWhen:
    """When a canned reply fits: any of the countries, languages, tags or keywords."""

    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.countries or self.languages or self.tags or self.keywords)

    def to_json(self) -> str:
        data = {
            k: list(v)
            for k, v in (
                ("countries", self.countries),
                ("languages", self.languages),
                ("tags", self.tags),
                ("keywords", self.keywords),
            )
            if v
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True)


def parse_suggest_when(
    raw: str | Mapping[str, object] | None, *, strict: bool = False
) -> SuggestWhen:
    """Suggestion rules from the stored JSON (lenient unless ``strict``, as actions)."""
    data = _mapping(raw, strict)
    return SuggestWhen(
        tuple(c.upper() for c in _items(data.get("countries"), "countries", strict)),
        tuple(c.lower() for c in _items(data.get("languages"), "languages", strict)),
        _items(data.get("tags"), "tags", strict),
        tuple(k.casefold() for k in _items(data.get("keywords"), "keywords", strict)),
    )


@dataclass(frozen=True, slots=True)
class SuggestContext:
    """What a suggestion is matched against: the open conversation."""

    country: str = ""
    language: str = ""
    tags: tuple[str, ...] = ()
    last_customer_text: str = ""


@dataclass(frozen=True, slots=True)
class Scored:
    score: int
    reasons: tuple[str, ...] = field(default=())


def keyword_in(keyword: str, text: str) -> bool:
    """Whether a (casefolded) keyword is in the text: as whole words in spaced scripts
    ("cod" is not in "code"), anywhere in Chinese, Japanese, Thai... (no spaces)."""
    if has_unspaced_script(keyword):
        return keyword in text
    start = text.find(keyword)
    while start != -1:
        end = start + len(keyword)
        if (start == 0 or not text[start - 1].isalnum()) and (
            end >= len(text) or not text[end].isalnum()
        ):
            return True
        start = text.find(keyword, start + 1)
    return False


def score(rule: SuggestWhen, context: SuggestContext) -> Scored:
    """How well a canned reply fits (0: not at all). A keyword in the customer's last
    message counts most, then a tag, then the language, then the country; a rule with
    conditions of several kinds fits only if each kind it names matches."""
    if rule.empty:
        return Scored(0)
    points, reasons = 0, []
    text = context.last_customer_text[:KEYWORD_TEXT_CHARS].casefold()
    checks = (
        (rule.keywords, [k for k in rule.keywords if keyword_in(k, text)], 8, "keyword"),
        (rule.tags, [t for t in rule.tags if t in context.tags], 4, "tag"),
        (
            rule.languages,
            [
                lang
                for lang in rule.languages
                if context.language.lower() == lang or primary_language(context.language) == lang
            ],
            2,
            "language",
        ),
        (rule.countries, [c for c in rule.countries if c == context.country.upper()], 1, "country"),
    )
    for wanted, hits, weight, reason in checks:
        if not wanted:
            continue
        if not hits:
            return Scored(0)
        points += weight * len(hits)
        reasons.append(reason)
    return Scored(points, tuple(reasons))


def suggestions(
    rules: Iterable[tuple[str, SuggestWhen]], context: SuggestContext, limit: int = MAX_SUGGESTIONS
) -> list[str]:
    """The uids of the canned replies that fit best, best first (ties keep their order)."""
    scored = [(score(rule, context).score, index, uid) for index, (uid, rule) in enumerate(rules)]
    best = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))
    return [uid for _score, _index, uid in best[:limit]]


def matches(query: str, fields: Sequence[str]) -> bool:
    """The picker's filter: every word of the query appears in the title or body."""
    words = query.casefold().split()[:10]
    haystack = "\n".join(f[:MAX_TEMPLATE_CHARS] for f in fields).casefold()
    return all(w in haystack for w in words)
