"""Shared fixtures of the training engine tests: the real intents file and culture data,
loaded once per session (they are read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config.paths import resources_dir
from app.training.intents import IntentIndex, load_intents

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "fixture-parcel.yaml"
SCENARIOS = resources_dir() / "training" / "scenarios"


@pytest.fixture(scope="session")
def intents() -> IntentIndex:
    return load_intents(resources_dir() / "training" / "intents.yaml")


@pytest.fixture(scope="session")
def fixture_text() -> str:
    return FIXTURE.read_text(encoding="utf-8")
