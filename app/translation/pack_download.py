"""Downloading a language pack, only when the agent asks for it.

This is the one place CrossDesk fetches a pack over the network: httpx with TLS
verification on, a resumable ``.part`` file (an interrupted download continues
where it stopped), a SHA-256 check before the file is used, progress and cancel.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # httpx is imported when a download starts, not with the window
    import httpx

PUBLIC_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
CHUNK = 1 << 16
TIMEOUT_S, CONNECT_TIMEOUT_S = 30.0, 15.0


class DownloadError(Exception):
    """The download failed; the message says why and what to do."""


class DownloadCancelled(DownloadError):  # noqa: N818 - reads as what happened
    """Stopped by the user; the partial file is kept so the next attempt resumes."""


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """A pack offered by an index (the public Argos one, or a team's)."""

    from_code: str
    to_code: str
    from_name: str
    to_name: str
    version: str
    url: str
    sha256: str | None


def _client(verify: bool | str) -> httpx.Client:
    import httpx

    timeout = httpx.Timeout(TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
    return httpx.Client(timeout=timeout, follow_redirects=True, verify=verify)


def fetch_catalogue(url: str = PUBLIC_INDEX, *, verify: bool | str = True) -> list[CatalogueEntry]:
    """The translation packs an index lists (argospm-index format)."""
    import httpx

    try:
        with _client(verify) as client:
            response = client.get(url)
            response.raise_for_status()
            data = response.json()
    except (httpx.HTTPError, json.JSONDecodeError) as exc:
        raise DownloadError(f"The pack list at {url} could not be read: {exc}") from exc
    if not isinstance(data, list):
        raise DownloadError(f"{url} is not a pack list")
    entries = []
    for item in data:
        if not isinstance(item, dict) or item.get("type", "translate") != "translate":
            continue
        links = item.get("links") or []
        if not links or not item.get("from_code") or not item.get("to_code"):
            continue
        entries.append(
            CatalogueEntry(
                str(item["from_code"]),
                str(item["to_code"]),
                str(item.get("from_name") or item["from_code"]),
                str(item.get("to_name") or item["to_code"]),
                str(item.get("package_version") or "0"),
                str(links[0]),
                item.get("sha256") if isinstance(item.get("sha256"), str) else None,
            )
        )
    return entries


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def download(
    url: str,
    target: Path,
    *,
    sha256: str | None,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    verify: bool | str = True,
) -> Path:
    """Fetch ``url`` to ``target``, resuming a previous partial download, checking the hash."""
    import httpx

    if not url.startswith(("https://", "http://")):
        raise DownloadError(f"{url} is not a web address (https://…)")
    partial = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    have = partial.stat().st_size if partial.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    try:
        with _client(verify) as client, client.stream("GET", url, headers=headers) as response:
            if response.status_code == 416 and have:  # the partial file is already complete
                pass
            elif response.status_code in (200, 206):
                if response.status_code == 200:
                    have = 0  # the server ignored the range: start again
                length = int(response.headers.get("Content-Length") or 0)
                total = have + length if length else 0
                with partial.open("ab" if have else "wb") as sink:
                    for chunk in response.iter_bytes(CHUNK):
                        if cancel is not None and cancel.is_set():
                            raise DownloadCancelled("Download stopped; it will resume next time.")
                        sink.write(chunk)
                        have += len(chunk)
                        if progress is not None and total:
                            progress(min(have / total, 1.0))
            else:
                raise DownloadError(
                    f"{url} answered {response.status_code} {response.reason_phrase}"
                )
    except httpx.HTTPError as exc:
        raise DownloadError(
            f"The download from {url} failed: {exc}. Try again: it resumes where it stopped."
        ) from exc
    if sha256:
        actual = sha256_of(partial)
        if actual.lower() != sha256.lower():
            partial.unlink(missing_ok=True)
            raise DownloadError(
                f"The file from {url} is not the expected one (SHA-256 {actual}, "
                f"expected {sha256}); it was deleted."
            )
    partial.replace(target)
    return target
