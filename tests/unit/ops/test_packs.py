"""The pack manager's compute-lane use cases (app.ops.packs): real packs on disk, a real
download over loopback HTTP, the dialog's refusal of a malformed file before install."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.ops import packs as pack_ops
from app.ops.translation import TranslationService
from app.translation.api import PackError
from tests.helpers.loopback_http import serving_files
from tests.helpers.translation import Packs


def _no_progress(_fraction: float) -> None:
    pass


def test_a_pack_file_is_installed_listed_and_removed(
    translation_service: TranslationService, packs: Packs
) -> None:
    service = translation_service
    assert pack_ops.installed(service) == []
    info = pack_ops.install_file(
        service, packs["es-en"], progress=_no_progress, cancel=threading.Event()
    )
    assert (info.from_code, info.to_code) == ("es", "en")
    assert [p.key for p in pack_ops.installed(service)] == [info.key]
    pack_ops.uninstall(service, info)
    assert pack_ops.installed(service) == []
    assert not info.folder.exists()


def test_a_file_that_is_not_a_pack_is_refused_before_anything_is_unpacked(
    translation_service: TranslationService, tmp_path: Path
) -> None:
    bogus = tmp_path / "translate-es_en.argosmodel"
    bogus.write_bytes(b"not a zip at all")
    with pytest.raises(PackError):
        pack_ops.install_file(
            translation_service, bogus, progress=_no_progress, cancel=threading.Event()
        )
    assert pack_ops.installed(translation_service) == []
    assert not translation_service.home.packages.exists() or not any(
        translation_service.home.packages.iterdir()
    )


def test_a_download_goes_to_the_workspace_downloads_folder_named_after_the_address(
    translation_service: TranslationService,
) -> None:
    downloads = translation_service.home.root / "downloads"
    target = pack_ops.download_target(translation_service, "https://x.test/p/es_en.argosmodel")
    assert target == downloads / "es_en.argosmodel"
    assert pack_ops.download_target(translation_service, "") == downloads / "pack.argosmodel"


@pytest.fixture
def served_pack(packs: Packs) -> Iterator[tuple[str, bytes]]:
    """One real pack served on loopback at /es_en.argosmodel."""
    body = packs["es-en"].read_bytes()
    with serving_files({"/es_en.argosmodel": body}) as server:
        yield f"{server}/es_en.argosmodel", body


def test_a_downloaded_pack_is_checked_then_installs(
    translation_service: TranslationService, served_pack: tuple[str, bytes]
) -> None:
    url, body = served_pack
    target = pack_ops.download_target(translation_service, url)
    cancel = threading.Event()
    path = pack_ops.download(
        target,
        url,
        sha256=hashlib.sha256(body).hexdigest(),
        progress=_no_progress,
        cancel=cancel,
    )
    assert path.read_bytes() == body
    info = pack_ops.install_file(translation_service, path, progress=_no_progress, cancel=cancel)
    assert [p.pair for p in pack_ops.installed(translation_service)] == [info.pair] == ["es-en"]
