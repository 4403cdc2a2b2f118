"""Broken en->es language packs, built in the test session, for the installer's proof step.

Each is a real pack from ``argos_packs`` with one thing wrong, shaped like the reports in
issue 9: a compression bomb that stays under the size cap, a file a pack needs turned
into a folder, a tokenizer or model that is garbage bytes. They declare version 2.0, so
installing one is an upgrade of a good 1.0 pack (which must survive).
"""

from __future__ import annotations

import random
from pathlib import Path

from tests.helpers import argos_packs
from tests.helpers.argos_packs import (
    _crc32_of_zeros,
    _deflated_zeros,
    _pack_members,
    _RawZipWriter,
    _write_zip,
    pack_folder_name,
)

VERSION = "2.0"
FOLDER = pack_folder_name("en", "es", VERSION)


def _members() -> list[tuple[str, bytes | None]]:
    return _pack_members("en", "es", VERSION, "copy", True)


def _garbage(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def build_bomb_pack(out_dir: Path, size: int) -> Path:
    """A working pack plus ``model/extra.bin``: ``size`` zeros deflated ~1000:1.

    Unlike ``argos_packs.build_huge_pack`` it is an upgrade (2.0) and ``size`` is meant to
    stay under the total cap: only the expansion ratio gives it away.
    """
    path = Path(out_dir) / f"bomb-{size}.argosmodel"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        writer = _RawZipWriter(stream)
        for name, data in _members():
            writer.add_bytes(name, data)
        writer.add(
            f"{FOLDER}/model/extra.bin",
            _deflated_zeros(size),
            crc=_crc32_of_zeros(size),
            size=size,
            method=8,
            mode=0o100644,
        )
        writer.finish()
    return path


def build_file_as_folder_pack(out_dir: Path, relative: str) -> Path:
    """A pack whose ``relative`` (e.g. ``model/model.bin``) is a folder holding one file."""
    members = [(name, data) for name, data in _members() if name != f"{FOLDER}/{relative}"]
    members += [(f"{FOLDER}/{relative}/", None), (f"{FOLDER}/{relative}/part", b"\0" * 2048)]
    slug = relative.replace("/", "-").replace(".", "-")
    return _write_zip(Path(out_dir) / f"folder-{slug}.argosmodel", members)


def build_garbage_file_pack(out_dir: Path, relative: str, size: int = 8192) -> Path:
    """A pack whose ``relative`` (``sentencepiece.model``, ``model/model.bin``...) is noise."""
    members = [
        (name, _garbage(size, len(relative)) if name == f"{FOLDER}/{relative}" else data)
        for name, data in _members()
    ]
    slug = relative.replace("/", "-").replace(".", "-")
    return _write_zip(Path(out_dir) / f"garbage-{slug}.argosmodel", members)


def build_good_upgrade(out_dir: Path) -> Path:
    """The same pack, working, as version 2.0 (the control: it must install)."""
    return argos_packs.build_pack(out_dir, "en", "es", version=VERSION)
