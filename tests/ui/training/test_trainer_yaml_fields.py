"""The editor's form writes a field into the scenario's YAML text in place: comments, order
and layout stay; a missing field is added in its mapping's own style; values that YAML
would misread (Norway's "NO", a date) are quoted; broken text is refused, not rewritten."""

from __future__ import annotations

import pytest
import yaml

from app.ui.training.yaml_fields import FieldEditError, read_fields, scalar, set_field

TEXT = """\
# Culture notes: keep me.
id: old-id   # the id
title: {en: "Old", zh_CN: "旧"}
persona:
  name: "Ana"
  mood: calm  # how she feels
  nudge:
    text: hi
turns:
  opening: {text: x}
"""


def test_a_field_changes_in_place_and_everything_else_stays() -> None:
    text = set_field(TEXT, ("id",), "new-id")
    text = set_field(text, ("title", "en"), 'Say "hello"')
    text = set_field(text, ("persona", "mood"), "angry")
    assert text == TEXT.replace("old-id", "new-id").replace(
        'en: "Old"', 'en: "Say \\"hello\\""'
    ).replace("mood: calm ", "mood: angry ")
    assert yaml.safe_load(text)["title"]["en"] == 'Say "hello"'


def test_a_missing_field_is_added_in_its_mappings_style() -> None:
    text = set_field(TEXT, ("persona", "patience"), 120)
    text = set_field(text, ("title", "fr"), "Vieux")
    text = set_field(text, ("country",), "NO")
    text = set_field(text, ("summary", "en"), "A brief")
    data = yaml.safe_load(text)
    assert data["persona"] == {
        "name": "Ana",
        "mood": "calm",
        "nudge": {"text": "hi"},
        "patience": 120,
    }
    assert data["title"] == {"en": "Old", "zh_CN": "旧", "fr": "Vieux"}
    assert data["country"] == "NO" and data["summary"] == {"en": "A brief"}
    assert "    text: hi\n  patience: 120\nturns:" in text
    assert read_fields(text) is not None
    assert read_fields(text)[("persona", "patience")] == 120  # type: ignore[index]


def test_values_yaml_would_misread_are_quoted() -> None:
    assert scalar("whatsapp") == "whatsapp"
    assert scalar("NO") == '"NO"' and scalar("no") == '"no"'
    assert scalar("2027-02-20T20:30:00+03:00") == '"2027-02-20T20:30:00+03:00"'
    assert scalar(3) == "3"


def test_broken_text_is_refused_not_rewritten() -> None:
    with pytest.raises(FieldEditError):
        set_field("id: [unclosed\n", ("id",), "x")
    with pytest.raises(FieldEditError):
        set_field("- a list\n", ("id",), "x")
    assert read_fields("id: [unclosed\n") is None
    assert set_field("", ("persona", "name"), "Ana") == 'persona: {name: "Ana"}\n'
