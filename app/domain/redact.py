"""Redaction for sharing a transcript outside the team (GDPR): personal data becomes a label.

Everything is found on the original text as spans first and replaced in one pass, so one
finding never hides or shifts another. Over-redacting is preferred to leaking: a number that
may be a phone number goes. Bounded: each text is cut at :data:`MAX_CHARS` and the phone
matcher runs only where enough digits are present; no regular expression backtracks
without bound.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum import luhn

MAX_CHARS = 200_000  # longer texts are cut (what is cut is not shown, so nothing leaks)
MAX_LITERALS = 500  # names and handles per transcript
PHONE_REGIONS = (
    "US", "GB", "DE", "FR", "ES", "IT", "BR", "MX", "JP", "CN", "IN", "AU", "SA", "AE",
)  # fmt: skip
"""Regions tried besides the customer's: the markets the team serves most."""

# The team's order numbers (resources/translation/protected.yaml, id order_number).
DEFAULT_ORDER_PATTERN = r"\bLM-\d{4}-(?:\d{4,}|X{4,})\b"

_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_CARD = re.compile(r"(?<![\w+])\d(?:[ -]?\d){12,18}(?!\w)")
_INTERNATIONAL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .()/-]{0,2}\d){6,14}(?!\w)")
_DIGITS = re.compile(r"\d")
_PHONE_MIN_DIGITS = 6


@dataclass(frozen=True)
class Labels:
    """What each kind of finding becomes (translated by the caller: the domain has no i18n)."""

    email: str = "[e-mail]"
    phone: str = "[phone]"
    card: str = "[card number]"
    iban: str = "[IBAN]"
    order: str = "[order number]"
    name: str = "[name]"


@dataclass(frozen=True)
class RedactOptions:
    """What to redact besides the built-in kinds.

    ``literals``: exact texts (names, handles) and the label each becomes, e.g.
    ``{"Ana Souza": "Customer", "Ana": "Customer"}``. ``region``: the customer's country
    (ISO 3166-1), tried first for national phone numbers. ``orders``: redact order numbers.
    """

    literals: Mapping[str, str] = field(default_factory=dict)
    region: str | None = None
    orders: bool = False
    order_pattern: str = DEFAULT_ORDER_PATTERN
    labels: Labels = field(default_factory=Labels)


def luhn_valid(digits: str) -> bool:
    """Whether a digit string passes the Luhn check (payment cards)."""
    return digits.isdigit() and luhn.is_valid(digits)


def iban_valid(text: str) -> bool:
    """Whether ``text`` is an IBAN with a valid country format and checksum."""
    return bool(stdnum_iban.is_valid(text))


def _literal_pattern(literal: str) -> str:
    escaped = re.escape(literal)
    if literal.isascii():  # Latin names: whole words only ("Ana" not in "Banana")
        return rf"(?<!\w){escaped}(?!\w)"
    return escaped  # CJK and other scripts are written without spaces between words


class Redactor:
    """Replaces personal data in texts by labels; build once per transcript, call per text."""

    def __init__(self, options: RedactOptions) -> None:
        self._options = options
        literals = sorted((k for k in options.literals if k.strip()), key=lambda k: (-len(k), k))[
            :MAX_LITERALS
        ]
        self._labels_by_literal = {k.casefold(): options.literals[k] for k in literals}
        self._literal = (
            re.compile("|".join(_literal_pattern(k) for k in literals), re.IGNORECASE)
            if literals
            else None
        )
        self._order = re.compile(options.order_pattern)
        regions = [options.region.upper()] if options.region else []
        self._regions = tuple(dict.fromkeys(regions + list(PHONE_REGIONS)))

    def __call__(self, text: str) -> str:
        """``text`` with every finding replaced by its label."""
        text = text[:MAX_CHARS]
        labels = self._options.labels
        spans: list[tuple[int, int, str]] = []
        scan = text
        for match in self._order.finditer(text):
            if self._options.orders:
                spans.append((match.start(), match.end(), labels.order))
            # Hidden from the number finders either way: an order number is not a phone.
            scan = scan[: match.start()] + "_" * len(match.group()) + scan[match.end() :]
        if self._literal is not None:
            for match in self._literal.finditer(scan):
                label = self._labels_by_literal.get(match.group().casefold(), labels.name)
                spans.append((match.start(), match.end(), label))
        if "@" in scan:
            spans.extend((m.start(), m.end(), labels.email) for m in _EMAIL.finditer(scan))
        spans.extend(self._ibans(scan))
        spans.extend(self._cards(scan))
        spans.extend(self._phones(scan))
        return _apply(text, spans)

    def _ibans(self, text: str) -> Iterable[tuple[int, int, str]]:
        for match in _IBAN.finditer(text):
            candidate = match.group()
            # The last group may be the start of the next word: try shorter before giving up.
            while len(candidate.replace(" ", "")) >= 15:
                if iban_valid(candidate):
                    yield match.start(), match.start() + len(candidate), self._options.labels.iban
                    break
                candidate = candidate[:-1].rstrip()

    def _cards(self, text: str) -> Iterable[tuple[int, int, str]]:
        for match in _CARD.finditer(text):
            # Arabic-Indic, Devanagari or full-width digits are the same number.
            digits = "".join(str(unicodedata.decimal(c)) for c in match.group() if c.isdecimal())
            if 13 <= len(digits) <= 19 and luhn_valid(digits):
                yield match.start(), match.end(), self._options.labels.card

    def _phones(self, text: str) -> Iterable[tuple[int, int, str]]:
        label = self._options.labels.phone
        if len(_DIGITS.findall(text)) < _PHONE_MIN_DIGITS:
            return
        for match in _INTERNATIONAL.finditer(text):
            yield match.start(), match.end(), label
        leniency = phonenumbers.Leniency.VALID
        for region in self._regions:
            try:
                for found in phonenumbers.PhoneNumberMatcher(text, region, leniency, 2000):
                    yield found.start, found.end, label
            except Exception:  # a library hiccup must not stop an export
                continue


def _apply(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Replace spans (overlaps merged: the union goes, under the first span's label)."""
    if not spans:
        return text
    spans.sort(key=lambda s: (s[0], -s[1]))
    out: list[str] = []
    position = 0
    current_start, current_end, current_label = spans[0]
    for start, end, label in spans[1:]:
        if start < current_end:
            current_end = max(current_end, end)
            continue
        out.append(text[position:current_start])
        out.append(current_label)
        position = current_end
        current_start, current_end, current_label = start, end, label
    out.append(text[position:current_start])
    out.append(current_label)
    out.append(text[current_end:])
    return "".join(out)
