"""Culture for the open conversation: the etiquette profile, live facts, the draft check.

Profiles and rules are data files (built-in, then the team's folder, then region
overlays); a file that fails its schema is reported by name and the rest load.
Everything here is Qt-free and quick enough for the compute lane on each
conversation switch (facts) and each pause in typing (the draft check).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.config.paths import Paths, resources_dir
from app.culture.facts import LocalFacts, compute_facts
from app.domain.datafiles import DataFileError
from app.domain.lang import primary_language
from app.domain.models import Customer

if TYPE_CHECKING:
    # pydantic models: imported on the compute lane, not with the window
    from app.contract.localized import Localized
    from app.culture.checker import Checker, Finding
    from app.culture.profile_schema import Profile
    from app.culture.profiles import ProfileSet
    from app.culture.weekends import VerifiedWeekend


@dataclass
class CultureData:
    """Loaded once at start-up (compute lane), then read-only."""

    profiles: ProfileSet
    checker: Checker
    errors: list[DataFileError] = field(default_factory=list)
    weekends: dict[str, VerifiedWeekend] = field(default_factory=dict)


def load_culture(paths: Paths) -> CultureData:
    """Built-in < team < region overlay, for profiles; built-in then team, for rules."""
    from app.culture.checker import Checker, load_rules
    from app.culture.profiles import load_profiles
    from app.culture.weekends import load_weekends

    builtin = resources_dir() / "etiquette"
    team = paths.team_etiquette
    profiles = load_profiles(builtin / "profiles", team / "profiles", team / "overlays")
    rules = load_rules(builtin / "rules", team / "rules")
    weekends, weekend_errors = load_weekends(builtin / "weekends.yaml")
    errors = [*profiles.errors, *rules.errors, *weekend_errors]
    return CultureData(profiles, Checker(rules), errors, weekends)


@dataclass(frozen=True, slots=True)
class CustomerCulture:
    """What the side panel shows for one customer, now."""

    country: str
    profile: Profile | None
    facts: LocalFacts
    mourning: Localized | None = None  # the reason, while a declared national mourning lasts

    @property
    def observances(self) -> frozenset[str]:
        """What the draft check must respect today (Ramadan, national mourning...)."""
        extra = {"mourning"} if self.mourning else set()
        return self.facts.observances_now | extra


def customer_culture(data: CultureData, customer: Customer, now: int) -> CustomerCulture:
    profile = data.profiles.get(customer.country)
    verified = data.weekends.get((customer.country or "").upper())
    moment = dt.datetime.fromtimestamp(now, dt.UTC)
    hours = (profile.business_hours.start, profile.business_hours.end) if profile else None
    facts = compute_facts(
        country=customer.country or None,
        timezone=customer.timezone or (profile.timezone if profile else None),
        locale=customer.language or None,
        now=moment,
        business_hours=hours,
        observances=frozenset(profile.observances) if profile else frozenset(),
        weekend=verified.days if verified else None,
        weekend_regions=verified.region_days if verified else (),
    )
    today = facts.local_time.date() if facts.local_time else moment.date()
    mourning = next(
        (m.reason for m in (profile.mourning if profile else []) if m.start <= today <= m.end),
        None,
    )
    return CustomerCulture(customer.country, profile, facts, mourning)


def profile_norms(profile: Profile | None) -> tuple[tuple[str, str], ...]:
    """The profile's norms as the checker reads them (promotions are read by period)."""
    if profile is None or profile.norms is None:
        return ()
    stated = profile.norms.model_dump(exclude={"promotions"})
    return tuple(sorted((name, str(value)) for name, value in stated.items()))


def check_draft(
    data: CultureData,
    text: str,
    *,
    draft_language: str,
    culture: CustomerCulture | None,
    customer_locale: str | None,
    ui_language: str,
) -> list[Finding]:
    """The draft against the rules for this customer, today."""
    from app.culture.checker import CheckContext

    profile = culture.profile if culture else None
    context = CheckContext(
        draft_language=primary_language(draft_language),
        country=culture.country if culture else None,
        formal=bool(profile and profile.address.formal_by_default),
        norms=profile_norms(profile),
        observances=culture.observances if culture else frozenset(),
        customer_locale=customer_locale.replace("-", "_") if customer_locale else None,
        ui_language=ui_language,
    )
    return data.checker.check(text, context)
