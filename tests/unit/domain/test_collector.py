"""The garbage-collector policy lives in one place and restores what it found."""

from __future__ import annotations

import gc
import re
from pathlib import Path

from app.domain import collector

APP = Path(__file__).resolve().parents[3] / "app"


def test_paused_nests_and_restores_the_collector() -> None:
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():  # two sync cycles at once
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer cycle still runs
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_no_other_module_sets_collector_policy() -> None:
    policy = re.compile(r"\bgc\.(disable|enable|freeze|unfreeze|set_threshold)\(")
    offenders = [
        str(path.relative_to(APP))
        for path in APP.rglob("*.py")
        if path.name != "collector.py" and policy.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
