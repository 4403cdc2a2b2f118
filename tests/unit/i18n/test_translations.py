"""Every shipped UI language is complete: each string in the code has a finished translation."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.config.paths import translations_dir
from app.i18n import DOMAIN, I18n
from app.i18n.catalog import UI_LOCALES

ROOT = Path(__file__).resolve().parents[3]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
# The catalogues shipped besides English (the source language), as app.i18n lists them.
SHIPPED = [code for code in UI_LOCALES if code != "en"]
# Names, codes and acronyms stay as they are in every language; any other Latin word of three
# letters or more left in a non-Latin catalogue is English the agent would see.
KEPT_WORDS = frozenset({"CrossDesk", "WhatsApp", "Messenger", "SHA", "IBAN", "PDF", "CSV", "JSON"})
PROSE_WORD = re.compile(r"[A-Za-z]{3,}")


def is_prose(msgid: str) -> bool:
    """Whether ``msgid`` has English words outside its placeholders and the kept names."""
    words = PROSE_WORD.findall(PLACEHOLDER.sub("", msgid))
    return any(word not in KEPT_WORDS and not word.isupper() for word in words)  # NPS, SMS


def po_path(locale: str) -> Path:
    return translations_dir() / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def source_messages() -> set[str]:
    """Every UI string in app/, as Babel extracts it (the same call as the README's)."""
    found: set[str] = set()
    method_map = [("app/**.py", "python")]
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(locale: str) -> dict[str, object]:
    with po_path(locale).open("rb") as handle:
        po = read_po(handle, locale=locale)
    result: dict[str, object] = {}
    for message in po:
        if message.id:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            assert "fuzzy" not in message.flags, f"fuzzy (unfinished) translation: {key!r}"
            result[key] = message.string
    return result


@pytest.mark.parametrize("locale", SHIPPED)
def test_every_ui_string_has_a_finished_translation(locale: str) -> None:
    translations = catalog(locale)
    strings = source_messages()
    assert len(strings) > 100
    missing = sorted(s for s in strings if s not in translations)
    assert not missing, (
        f"not in the {locale} catalog (run the README's translation steps): {missing}"
    )
    empty = sorted(
        s
        for s in strings
        if not translations[s] or (isinstance(translations[s], tuple) and not all(translations[s]))
    )  # type: ignore[arg-type]
    assert not empty, f"untranslated in {locale}: {empty}"


@pytest.mark.parametrize("locale", SHIPPED)
def test_placeholders_survive_translation(locale: str) -> None:
    """Each form keeps the placeholders of its source; a plural's forms those of the
    singular or of the plural (Chinese has one form, the plural's: "{count} new messages
    from {customer}" may say the count that "New message from {customer}" leaves out)."""
    with po_path(locale).open("rb") as handle:
        po = read_po(handle, locale=locale)
    for message in po:
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        allowed = [set(PLACEHOLDER.findall(source)) for source in sources]
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if len(forms) == 1:
            assert set(PLACEHOLDER.findall(str(forms[0]))) in allowed, sources
            continue
        # a language's one/two forms may leave the count to the word (Arabic's dual
        # محادثتان), but no form may bring a placeholder its source does not have
        for form in forms:
            assert set(PLACEHOLDER.findall(str(form))) <= set().union(*allowed), sources


@pytest.mark.parametrize("locale", SHIPPED)
def test_compiled_catalog_matches_the_po_file(locale: str) -> None:
    with (po_path(locale).with_suffix(".mo")).open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    with po_path(locale).open("rb") as handle:
        plural_index = gettext.c2py(read_po(handle, locale=locale).plural_expr)
    for msgid, translated in catalog(locale).items():
        if isinstance(translated, tuple):  # each count gets the form the .po gives it
            for n in (0, 1, 2, 3, 11, 100):
                expected = translated[plural_index(n)]
                assert compiled.ngettext(msgid, msgid + "s", n) == expected, (msgid, n)
        else:
            assert compiled.gettext(msgid) == translated, f"stale .mo for {msgid!r}: recompile"


@pytest.mark.parametrize("locale", [code for code in SHIPPED if code not in ("es",)])
def test_nothing_is_left_in_english(locale: str) -> None:
    """A language written in another script has no English sentence left in it (a copied
    msgid passes the completeness test but shows English to the agent)."""
    copied = sorted(
        msgid
        for msgid, text in catalog(locale).items()
        if isinstance(text, str) and text == msgid and is_prose(msgid)
    )
    assert not copied, f"left in English in {locale}: {copied}"


@pytest.mark.parametrize(
    ("locale", "resolve"),
    [("en", "Resolve"), ("zh_CN", "解决")],
)
def test_catalog_is_used_at_run_time(locale: str, resolve: str) -> None:
    assert I18n(locale, translations_dir())._("Resolve") == resolve


@pytest.mark.parametrize("locale", SHIPPED)
def test_each_shipped_catalog_is_found_at_run_time(locale: str) -> None:
    i18n = I18n(locale, translations_dir())
    assert i18n.ui_locale == locale
    assert i18n._("Resolve") not in ("", "Resolve")


def test_settings_offer_exactly_the_shipped_languages() -> None:
    from app.config.settings import UI_LANGUAGES

    assert ("system", *UI_LOCALES) == UI_LANGUAGES
