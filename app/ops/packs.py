"""Language packs: compute-lane use cases for the pack manager.

The dialog submits these and reads plain values (:class:`~app.translation.api.PackInfo`,
:class:`~app.translation.api.CatalogueEntry`); after an install or removal it submits
``translation_data.packs_changed`` to the store lane, so cached translations follow.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.domain.lang import primary_language
from app.ops.translation import TranslationService
from app.storage.store import Store
from app.translation import pack_download
from app.translation.engine import NoRouteError
from app.translation.pack_download import CatalogueEntry
from app.translation.packs import PackInfo, inspect_pack

Progress = Callable[[float], None]


def installed(service: TranslationService) -> list[PackInfo]:
    """The packs on disk (read once, then after every change)."""
    return service.engine.packs()


def install_file(
    service: TranslationService, path: Path, *, progress: Progress, cancel: threading.Event
) -> PackInfo:
    """Refuse a malformed file before anything is unpacked, then install or upgrade it
    while no translation runs."""
    inspect_pack(path)
    return service.engine.install(path, progress=progress, cancel=cancel)


def uninstall(service: TranslationService, pack: PackInfo) -> None:
    service.engine.uninstall(pack)


def download_target(service: TranslationService, url: str) -> Path:
    """Where a download of ``url`` goes (and a partial one resumes from)."""
    name = url.rstrip("/").rsplit("/", 1)[-1] or "pack.argosmodel"
    return service.home.root / "downloads" / name


def download(
    target: Path,
    url: str,
    *,
    sha256: str | None,
    progress: Progress,
    cancel: threading.Event,
) -> Path:
    """Fetch a pack the agent asked for (resumable, checked against ``sha256``)."""
    return pack_download.download(url, target, sha256=sha256, progress=progress, cancel=cancel)


def catalogue(url: str) -> list[CatalogueEntry]:
    """An index of packs (the public Argos one, or a team's), read when the agent asks."""
    return pack_download.fetch_catalogue(url)


NOT_LANGUAGES = frozenset({"und", "zxx", "mul", "mis"})  # unknown, no text, several, other


@dataclass(frozen=True, slots=True)
class NeededPair:
    """A translation direction the inbox needs and no installed pack (or pivot) provides."""

    source: str
    target: str
    conversations: int  # conversations in the customer's language


def needed_pairs(
    store: Store, service: TranslationService, agent_language: str
) -> list[NeededPair]:
    """The pairs this inbox needs and lacks: for each customer language, reading it
    (customer -> agent) and replying in it (agent -> customer); most conversations first.
    Store lane: one grouped count, then the installed packs (read once, cached)."""
    agent = primary_language(agent_language)
    needed: list[NeededPair] = []
    for row in store.languages.conversations_per_language():
        language = primary_language(row.language)
        if language == agent or language in NOT_LANGUAGES:
            continue
        for source, target in ((language, agent), (agent, language)):
            try:
                service.route(source, target)
            except NoRouteError:
                needed.append(NeededPair(source, target, row.conversations))
    return needed
