"""The Simplified Chinese UI is complete: every string in the code has a finished translation."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.config.paths import translations_dir
from app.i18n import DOMAIN, I18n

ROOT = Path(__file__).resolve().parents[3]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PO = translations_dir() / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.po"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def source_messages() -> set[str]:
    """Every UI string in app/, as Babel extracts it (the same call as the README's)."""
    found: set[str] = set()
    method_map = [("app/**.py", "python")]
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog() -> dict[str, object]:
    with PO.open("rb") as handle:
        po = read_po(handle, locale="zh_CN")
    result: dict[str, object] = {}
    for message in po:
        if message.id:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            assert "fuzzy" not in message.flags, f"fuzzy (unfinished) translation: {key!r}"
            result[key] = message.string
    return result


def test_every_ui_string_has_a_finished_chinese_translation() -> None:
    translations = catalog()
    strings = source_messages()
    assert len(strings) > 100
    missing = sorted(s for s in strings if s not in translations)
    assert not missing, f"not in the zh_CN catalog (run the README's translation steps): {missing}"
    empty = sorted(
        s
        for s in strings
        if not translations[s] or (isinstance(translations[s], tuple) and not all(translations[s]))
    )  # type: ignore[arg-type]
    assert not empty, f"untranslated in zh_CN: {empty}"


def test_placeholders_survive_translation() -> None:
    """Each form keeps the placeholders of its source; a plural's forms those of the
    singular or of the plural (Chinese has one form, the plural's: "{count} new messages
    from {customer}" may say the count that "New message from {customer}" leaves out)."""
    with PO.open("rb") as handle:
        po = read_po(handle, locale="zh_CN")
    for message in po:
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        allowed = [set(PLACEHOLDER.findall(source)) for source in sources]
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for form in forms:
            assert set(PLACEHOLDER.findall(str(form))) in allowed, sources


def test_compiled_catalog_matches_the_po_file() -> None:
    with (PO.with_suffix(".mo")).open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, translated in catalog().items():
        expected = translated[0] if isinstance(translated, tuple) else translated
        if isinstance(translated, tuple):
            assert compiled.ngettext(msgid, msgid + "s", 1) == expected, msgid
        else:
            assert compiled.gettext(msgid) == expected, f"stale .mo for {msgid!r}: recompile"


@pytest.mark.parametrize(("locale", "resolve"), [("en", "Resolve"), ("zh_CN", "解决")])
def test_catalog_is_used_at_run_time(locale: str, resolve: str) -> None:
    assert I18n(locale, translations_dir())._("Resolve") == resolve
