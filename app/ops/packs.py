"""Language packs: compute-lane use cases for the pack manager.

The dialog submits these and reads plain values (:class:`~app.translation.api.PackInfo`,
:class:`~app.translation.api.CatalogueEntry`); after an install or removal it submits
``translation_data.packs_changed`` to the store lane, so cached translations follow.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from app.ops.translation import TranslationService
from app.translation import pack_download
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
