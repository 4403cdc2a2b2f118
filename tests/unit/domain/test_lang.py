"""One way to get a tag's primary language (there were six, one of them Argos-aware)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.domain.lang import primary_language
from app.translation.pipeline import primary

APP = Path(__file__).resolve().parents[3] / "app"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("pt-BR", "pt"),
        ("pt_BR", "pt"),
        ("PT", "pt"),
        ("zh-Hant-TW", "zh"),
        ("zt", "zh"),
        ("pb", "pt"),
        ("fil-PH", "fil"),
        ("und", "und"),
        ("", ""),
    ],
)
def test_the_primary_language_of_a_tag(tag: str, expected: str) -> None:
    assert primary_language(tag) == expected


def test_the_translation_layer_adds_only_argos_own_aliases() -> None:
    assert primary("fil-PH") == "tl" and primary("nb-NO") == "no" and primary("zt") == "zh"
    assert primary("es-MX") == primary_language("es-MX") == "es"


def test_no_module_splits_language_tags_by_hand() -> None:
    by_hand = re.compile(r"""split\(["']-["']\)\[0\]""")
    offenders = [
        str(path.relative_to(APP))
        for path in APP.rglob("*.py")
        if path.name != "lang.py" and by_hand.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
