"""Schema of the etiquette profiles in ``resources/etiquette/profiles/*.yaml``.

One file per country or region (ISO 3166-1 alpha-2 code as the file name). What an
agent may say to a customer must be accurate: every law, period and right cites a
source from the file's ``sources``; where a fact is uncertain it is left out.
Profiles merge in layers (built-in < team < region overlay): mappings merge key by
key, lists and scalars of a later layer replace the earlier ones.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationInfo, model_validator

from app.contract.codes import Country, Language, TimeZone
from app.contract.datafile import Strict
from app.contract.localized import LocalText, is_deep_link

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _clock(value: str) -> str:
    if not _HHMM.match(value):
        raise ValueError(f"'{value}' is not a time of day like '09:00'")
    return value


LanguageTag = Language
ClockTime = Annotated[str, AfterValidator(_clock)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
SourceId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$")]
Observance = Literal["ramadan", "eid_al_fitr", "eid_al_adha", "islamic_new_year"]
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class Source(Strict):
    id: SourceId
    title: LocalText
    url: Annotated[str, Field(pattern=r"^https://\S+$")]

    @property
    def is_deep_link(self) -> bool:
        return is_deep_link(self.url)


class LanguageUse(Strict):
    tag: LanguageTag
    formality: LocalText  # how formal to write (the register), in this language, to this market


class Phrase(Strict):
    """A greeting or sign-off in the customer's language, glossed in the agent's."""

    text: Text  # sent to the customer as written
    language: LanguageTag
    meaning: LocalText
    use: LocalText | None = None  # when it fits (formal e-mail, chat, a complaint...)


class Address(Strict):
    """Forms of address: T/V, honorifics, name order."""

    advice: LocalText
    formal_by_default: bool  # surname + title expected; first-name address reads as rude
    tv_distinction: LocalText | None = None  # e.g. "Sie (formal) vs du (informal): use Sie"
    honorifics: list[LocalText] = Field(default_factory=list)
    family_name_first: bool = False


AddressBy = Literal["title_surname", "title_given_name", "title_full_name", "given_name"]
ChatUse = Literal["normal", "sparing", "avoid"]
InformalYou = Literal["normal", "chat_only", "avoid"]
PromotionNorm = Literal["normal", "calm", "pause"]


class Norms(Strict):
    """The profile's prose as values the draft checker reads, so the two never disagree.

    ``promotions`` maps a period (an observance such as ``ramadan``) to how promotions
    are received then: ``calm`` = offers are normal, hard-sell urgency is not."""

    address_by: AddressBy
    emoji_in_chat: ChatUse
    emoticons_in_chat: ChatUse
    informal_you: InformalYou
    promotions: dict[Observance, PromotionNorm] = Field(default_factory=dict)


class Communication(Strict):
    style: Literal["direct", "indirect", "mixed"]
    context: Literal["high", "medium", "low"]
    saying_no: LocalText
    apologising: LocalText
    notes: list[LocalText] = Field(default_factory=list)


class Fact(Strict):
    """A checkable statement an agent may repeat to a customer, with its source."""

    fact: LocalText
    source: SourceId
    verified: dt.date | None = None  # when someone last checked it against the source
    effective: dt.date | None = None  # when the rule takes (took) effect, if recent or future


class RequestDeadline(Strict):
    """How long the law gives to answer a data-subject request (access, erasure...), so the
    data-requests queue can count down to it. With no ``days`` or ``months`` the law sets no
    fixed period ("without undue delay"): the team's default applies and ``note`` says why."""

    days: int | None = Field(default=None, ge=1, le=365)
    months: int | None = Field(default=None, ge=1, le=12)  # calendar months (GDPR: 1)
    business_days: bool = False  # ``days`` are working days
    extension_days: int | None = Field(default=None, ge=1, le=365)
    extension_months: int | None = Field(default=None, ge=1, le=12)
    source: SourceId
    verified: dt.date | None = None
    note: LocalText | None = None

    @model_validator(mode="after")
    def _one_period(self) -> RequestDeadline:
        if self.days is not None and self.months is not None:
            raise ValueError("give the period in 'days' or in 'months', not both")
        if self.extension_days is not None and self.extension_months is not None:
            raise ValueError(
                "give the extension in 'extension_days' or 'extension_months', not both"
            )
        if self.days is None and self.months is None and self.note is None:
            raise ValueError(
                "with no 'days' or 'months' (no fixed period in the law), a 'note' must say why"
            )
        return self

    @property
    def has_period(self) -> bool:
        return self.days is not None or self.months is not None

    def summary(self) -> str:
        """The period in English, for logs and the audit ("1 month (+2 months)")."""

        def span(days: int | None, months: int | None) -> str:
            if months is not None:
                return f"{months} month{'s' if months > 1 else ''}"
            unit = "working day" if self.business_days else "day"
            return f"{days} {unit}{'s' if days != 1 else ''}"

        if not self.has_period:
            return "no fixed period"
        text = span(self.days, self.months)
        if self.extension_days is not None or self.extension_months is not None:
            text += f" (+{span(self.extension_days, self.extension_months)})"
        return text


class DataProtection(Strict):
    law: LocalText  # the real name (and common abbreviation)
    rights: list[LocalText] = Field(min_length=1)
    source: SourceId
    verified: dt.date | None = None
    effective: dt.date | None = None
    notes: list[Fact] = Field(default_factory=list)
    requests: RequestDeadline | None = None  # the deadline for answering a request


class Region(Strict):
    """A part of the country where serving a customer differs (ISO 3166-2 code)."""

    code: Annotated[str, Field(pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$")]
    name: LocalText
    notes: list[LocalText] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)


class Mourning(Strict):
    """A declared period of national mourning (a team adds it in an overlay when it is
    announced: no library knows these in advance)."""

    start: dt.date
    end: dt.date
    reason: LocalText

    @model_validator(mode="after")
    def _ordered(self) -> Mourning:
        if self.end < self.start:
            raise ValueError("a mourning period ends before it starts")
        return self


class BusinessHours(Strict):
    start: ClockTime = "09:00"
    end: ClockTime = "18:00"


class Profile(Strict):
    """Everything the side panel says about writing to customers in one country."""

    country: Country
    name: Text
    timezone: TimeZone
    verified: dt.date | None = None  # when the profile was last reviewed as a whole
    business_hours: BusinessHours = BusinessHours()
    languages: list[LanguageUse] = Field(min_length=1)
    greetings: list[Phrase] = Field(min_length=1)
    sign_offs: list[Phrase] = Field(min_length=1)
    address: Address
    norms: Norms | None = None
    communication: Communication
    service_expectations: list[LocalText] = Field(min_length=1)
    channels: list[LocalText] = Field(min_length=1)
    payments: list[LocalText] = Field(min_length=1)
    consumer_rights: list[Fact] = Field(default_factory=list)
    data_protection: DataProtection | None = None
    sensitivities: list[LocalText] = Field(default_factory=list)
    observances: list[Observance] = Field(default_factory=list)  # Islamic calendar, widely kept
    mourning: list[Mourning] = Field(default_factory=list)
    regions: list[Region] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)

    def legal_facts(self) -> list[tuple[str, Fact | DataProtection | RequestDeadline]]:
        """Every legal statement with where it sits (for the audit and its tests)."""
        found: list[tuple[str, Fact | DataProtection | RequestDeadline]] = [
            (f"consumer_rights[{n}]", fact) for n, fact in enumerate(self.consumer_rights)
        ]
        if self.data_protection is not None:
            found.append(("data_protection", self.data_protection))
            found += [
                (f"data_protection.notes[{n}]", note)
                for n, note in enumerate(self.data_protection.notes)
            ]
            if self.data_protection.requests is not None:
                found.append(("data_protection.requests", self.data_protection.requests))
        for region in self.regions:
            found += [(f"regions.{region.code}.facts[{n}]", f) for n, f in enumerate(region.facts)]
        return found

    @model_validator(mode="after")
    def _sources_resolve(self, info: ValidationInfo) -> Profile:
        sources = {source.id: source for source in self.sources}
        cited = {item.source for _, item in self.legal_facts()}
        missing = sorted(cited - set(sources))
        if missing:
            raise ValueError(f"cites sources not listed under 'sources': {', '.join(missing)}")
        if info.context and info.context.get("bilingual"):
            self._check_builtin(sources)
        return self

    def _check_builtin(self, sources: dict[str, Source]) -> None:
        """What the built-in profiles promise beyond a team's: norms, dated, deep-linked facts."""
        if self.norms is None:
            raise ValueError("a built-in profile needs 'norms'")
        if "ramadan" in self.observances and self.norms.promotions.get("ramadan") != "calm":
            raise ValueError(
                "a profile that observes Ramadan says 'norms: promotions: ramadan: calm'"
            )
        for where, item in self.legal_facts():
            # a deadline nobody could confirm states no period (the team default applies)
            unconfirmed = isinstance(item, RequestDeadline) and not item.has_period
            if item.verified is None and not unconfirmed:
                raise ValueError(f"{where} has no 'verified' date")
            if not sources[item.source].is_deep_link:
                url = sources[item.source].url
                raise ValueError(f"{where} cites {url}, a home page: link the page that says it")


def merge_layers(*layers: dict[str, Any]) -> dict[str, Any]:
    """Built-in < team < region overlay: mappings merge by key, anything else replaces."""
    merged: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = merge_layers(merged[key], value)
            else:
                merged[key] = value
    return merged
