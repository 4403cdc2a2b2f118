"""Fixtures for translation tests: tiny real packs (built once per session) and services."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config.paths import resources_dir
from app.ops.translation import TranslationService
from app.translation.engine import EngineSettings
from app.translation.offline import ArgosHome
from tests.helpers import argos_packs

PATTERNS = resources_dir() / "translation" / "protected.yaml"


class Packs:
    """Pack files for the tests: ``packs["es-en"]`` and friends."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._built: dict[tuple[str, str, str, str, bool], Path] = {}

    def get(
        self, pair: str, *, transform: str = "copy", version: str = "1.0", with_sbd: bool = True
    ) -> Path:
        key = (pair, transform, version, "", with_sbd)
        if key not in self._built:
            source, target = pair.split("-")
            out = self.folder / f"{pair}-{transform}-{version}-{with_sbd}"
            out.mkdir(parents=True, exist_ok=True)
            self._built[key] = argos_packs.build_pack(
                out, source, target, version=version, transform=transform, with_sbd=with_sbd
            )
        return self._built[key]

    def __getitem__(self, pair: str) -> Path:
        return self.get(pair)


@pytest.fixture(scope="session")
def packs(tmp_path_factory: pytest.TempPathFactory) -> Packs:
    return Packs(tmp_path_factory.mktemp("packs"))


@pytest.fixture
def argos_home(tmp_path: Path) -> ArgosHome:
    return ArgosHome(tmp_path / "translation")


@pytest.fixture
def translation_service(argos_home: ArgosHome) -> TranslationService:
    """A real service on a private, empty pack folder (install what the test needs)."""
    return TranslationService(argos_home, PATTERNS, EngineSettings(intra_threads=1))
