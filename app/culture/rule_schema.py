"""Schema of the draft-checker rules in ``resources/etiquette/rules/*.yaml``.

A rule file is a mapping with a ``rules`` list (and optionally ``disable``: ids of
rules from an earlier layer that a team switches off). Each rule says which drafts
it applies to (draft language, customer country, ``when`` conditions), what it
matches (``phrases`` and/or ``regex``), why that hurts and what to write instead
(in English and Simplified Chinese), and carries examples that must and must not
match: the tests run every example, so a rule cannot be added untested.

Phrases match case-insensitively and in normalised form (full-width ``ＡＳＡＰ`` and
``a\\u200bsap`` are ``asap``; see :mod:`app.domain.text`); a space or hyphen in a phrase
matches any run of spaces or hyphens. Phrases of scripts written with spaces match whole
words only; phrases of scripts written without them (Chinese, Japanese, Thai, Lao, Khmer,
Myanmar...: the list search uses) match anywhere. A ``regex`` is used as written, on the
draft as written (add ``(?i)`` for case); a group named ``hit`` narrows the highlighted
span to that part of the match.

Rules are validated one at a time: a bad rule is reported with its file and line
and skipped, the rest of its file still loads.
"""

from __future__ import annotations

import re
import warnings
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    field_validator,
    model_validator,
)

from app.contract.codes import check_country
from app.contract.datafile import Strict, reject_yaml_no
from app.contract.localized import Localized
from app.domain.text import normalize_for_match


class FindingKind(StrEnum):
    """What a rule, and so each of its findings, is about (written in the rule files)."""

    IDIOM = "idiom"
    REGISTER = "register"
    SENSITIVE = "sensitive"
    PROMOTION = "promotion"
    FORMAT = "format"


KINDS: tuple[FindingKind, ...] = tuple(FindingKind)


def _country(code: str) -> str:
    return check_country(code)


def _phrase(text: str) -> str:
    # Judged in the form it is matched in: a full-width space or a zero-width one is
    # nothing, and a phrase of nothing would match every draft.
    if not re.sub(r"[\s\-]+", "", normalize_for_match(text)):
        raise ValueError("a phrase needs more than spaces, hyphens and invisible characters")
    return text.strip()


def _as_example(value: Any) -> Any:
    # A bare string is shorthand for an example that needs no context.
    return {"text": value} if isinstance(value, str) else value


def compile_regex(pattern: str) -> re.Pattern[str]:
    """Compile a rule's regex; a warning from ``re`` (e.g. a nested set) counts as an
    error, so a rule behaves the same whether or not warnings are errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            compiled = re.compile(pattern)
        except (re.error, Warning) as exc:
            raise ValueError(f"the regex does not compile: {exc}") from exc
    if compiled.fullmatch(""):
        raise ValueError("the regex matches empty text, so it would flag every draft")
    return compiled


def replacement_key(text: str) -> str:
    """A phrase, or the draft text it matched, in one comparable form (as phrases match:
    case and width folded, any run of spaces or hyphens one space)."""
    return re.sub(r"[\s\-]+", " ", normalize_for_match(text).replace("’", "'")).strip()


Country = Annotated[str, BeforeValidator(reject_yaml_no), AfterValidator(_country)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Phrase = Annotated[str, Field(max_length=200), AfterValidator(_phrase)]
Replacement = Annotated[str, Field(min_length=1, max_length=200)]
Observance = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")]
RuleId = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:[._-][a-z0-9]+)+$", max_length=100)]
LocaleTag = Annotated[str, Field(pattern=r"^[a-z]{2,3}([_-][A-Za-z0-9]+)*$")]
DraftLanguage = Annotated[str, Field(pattern=r"^(any|[a-z]{2,3})$")]
# The norms an etiquette profile states (app.culture.profile_schema.Norms) that rules read.
NormName = Literal["address_by", "emoji_in_chat", "emoticons_in_chat", "informal_you"]


class When(Strict):
    """Extra conditions, all of which must hold for the rule to apply.

    ``locale_reads_day_first: true`` also holds when neither the customer's locale
    nor country is known: most of the world reads 03/04 as 3 April.
    """

    formal: bool | None = None  # the customer's culture expects formal address
    # The customer's profile norms (its ``norms``) this rule depends on: norm -> the values
    # it applies under, e.g. {emoji_in_chat: [avoid]}. Unknown norms (no profile): it does not.
    norms: dict[NormName, list[Annotated[str, Field(max_length=40)]]] = Field(default_factory=dict)
    observances: list[Observance] = Field(default_factory=list)  # any one is active
    locale_reads_day_first: bool | None = None  # 03/04 is read as 3 April
    locale_decimal_comma: bool | None = None  # 1,500 is read as one and a half


class ExampleContext(Strict):
    """The situation an example is checked in (the parts of a CheckContext it needs)."""

    draft_language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")] | None = None  # else the rule's
    country: Country | None = None
    formal: bool = False
    norms: dict[NormName, Annotated[str, Field(max_length=40)]] = Field(default_factory=dict)
    observances: list[Observance] = Field(default_factory=list)
    customer_locale: LocaleTag | None = None

    def over(self, default: ExampleContext | None) -> ExampleContext:
        """This context on top of a group default: fields set here win."""
        if default is None:
            return self
        return default.model_copy(update={k: getattr(self, k) for k in self.model_fields_set})


class Example(Strict):
    text: Annotated[str, Field(min_length=1, max_length=5000)]
    context: ExampleContext | None = None


ExampleItem = Annotated[Example, BeforeValidator(_as_example)]


class Examples(Strict):
    """Drafts the rule must flag and drafts it must leave alone (at least one each)."""

    context: ExampleContext | None = None  # default for every example below
    match: list[ExampleItem] = Field(min_length=1)
    no_match: list[ExampleItem] = Field(min_length=1)


class Rule(Strict):
    """One check: where it applies, what it matches, why, and what to write instead."""

    id: RuleId
    kind: FindingKind
    language: DraftLanguage  # primary language of the draft, or "any"
    countries: list[Country] = Field(default_factory=list)  # only these customers
    not_countries: list[Country] = Field(default_factory=list)  # never these customers
    when: When = When()
    phrases: list[Phrase] = Field(default_factory=list)
    regex: str | None = None
    explanation: Localized
    suggestion: Localized
    # What the agent can put in place of a matched phrase with one click ("Replace with"),
    # in the draft's language: phrase -> replacement. Phrases without one get no button.
    replacement: dict[Phrase, Replacement] = Field(default_factory=dict, max_length=50)
    examples: Examples

    @field_validator("regex")
    @classmethod
    def _regex_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            compile_regex(value)
        return value

    @model_validator(mode="after")
    def _has_matcher(self) -> Rule:
        if not self.phrases and self.regex is None:
            raise ValueError("a rule needs 'phrases' or a 'regex' to match")
        phrases = {replacement_key(phrase) for phrase in self.phrases}
        unknown = sorted(k for k in self.replacement if replacement_key(k) not in phrases)
        if unknown:
            names = ", ".join(unknown)
            raise ValueError(f"replacement for phrases the rule does not have: {names}")
        overlap = sorted(set(self.countries) & set(self.not_countries))
        if overlap:
            raise ValueError(f"countries and not_countries both list {', '.join(overlap)}")
        return self

    def example_context(self, example: Example, group: ExampleContext | None) -> ExampleContext:
        """The full context of one example: its own over the group default."""
        return (example.context or ExampleContext()).over(group)


class RuleFile(Strict):
    """The top level of a rule file; rules are validated one by one afterwards."""

    rules: list[Any] = Field(default_factory=list)
    disable: list[RuleId] = Field(default_factory=list)
