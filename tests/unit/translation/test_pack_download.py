"""Downloading a pack the agent asked for: checked, resumable, cancellable (loopback HTTP)."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from app.translation.pack_download import (
    DownloadCancelled,
    DownloadError,
    download,
    fetch_catalogue,
)
from tests.helpers.loopback_http import serving

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves PAYLOAD at /pack.argosmodel with Range support, and an index at /index.json."""

    requests: ClassVar[list[str]] = []

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        type(self).requests.append(self.headers.get("Range") or "full")
        if self.path == "/index.json":
            body = json.dumps(
                [
                    {
                        "type": "translate",
                        "from_code": "es",
                        "to_code": "en",
                        "from_name": "Spanish",
                        "to_name": "English",
                        "package_version": "1.9",
                        "links": ["https://example.invalid/translate-es_en-1_9.argosmodel"],
                    },
                    {"type": "sbd", "from_code": "es"},
                ]
            ).encode()
            self._send(200, body)
            return
        if self.path != "/pack.argosmodel":
            self._send(404, b"not found")
            return
        start = 0
        if self.headers.get("Range"):
            start = int(self.headers["Range"].split("=")[1].split("-")[0])
            if start >= len(PAYLOAD):
                self.send_response(416)
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(PAYLOAD) - 1}/{len(PAYLOAD)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(PAYLOAD) - start))
        self.end_headers()
        self.wfile.write(PAYLOAD[start:])

    def _send(self, code: int, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.requests = []
    with serving(_Handler) as url:
        yield url


SHA = hashlib.sha256(PAYLOAD).hexdigest()


def test_download_checks_the_hash(server: str, tmp_path: Path) -> None:
    progress: list[float] = []
    target = download(
        f"{server}/pack.argosmodel", tmp_path / "p.argosmodel", sha256=SHA, progress=progress.append
    )
    assert target.read_bytes() == PAYLOAD
    assert progress[-1] == 1.0 and progress == sorted(progress)


def test_a_wrong_hash_is_refused_and_the_file_removed(server: str, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="not the expected one"):
        download(f"{server}/pack.argosmodel", tmp_path / "p.argosmodel", sha256="0" * 64)
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_download_resumes_where_it_stopped(server: str, tmp_path: Path) -> None:
    target = tmp_path / "p.argosmodel"
    target.with_name(target.name + ".part").write_bytes(PAYLOAD[:300_000])
    download(f"{server}/pack.argosmodel", target, sha256=SHA)
    assert target.read_bytes() == PAYLOAD
    assert _Handler.requests == ["bytes=300000-"]


def test_cancel_keeps_the_partial_file_for_next_time(server: str, tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    target = tmp_path / "p.argosmodel"
    with pytest.raises(DownloadCancelled):
        download(f"{server}/pack.argosmodel", target, sha256=SHA, cancel=cancel)
    assert not target.exists() and target.with_name(target.name + ".part").exists()


def test_server_errors_and_bad_addresses_are_explained(server: str, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="404"):
        download(f"{server}/missing", tmp_path / "x", sha256=None)
    with pytest.raises(DownloadError, match="not a web address"):
        download("file:///etc/passwd", tmp_path / "x", sha256=None)


def test_the_catalogue_lists_translation_packs(server: str) -> None:
    entries = fetch_catalogue(f"{server}/index.json")
    assert [(e.from_code, e.to_code, e.version) for e in entries] == [("es", "en", "1.9")]
