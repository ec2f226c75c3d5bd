"""The Russian and Kazakh catalogs cover every UI string, and the compiled files match them.

`.ci/run` refreshes the catalogs from the code with `makemessages` before the suite runs, so
a new string without translations fails here.
"""

from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"
LANGUAGES = ("ru", "kk")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_ui_string_is_translated(language):
    catalog = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    missing = [
        e.msgid for e in catalog if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)
    ]
    assert len(catalog) > 100
    assert missing == [], f"{len(missing)} strings lack a {language} translation: {missing[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_matches_its_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    source = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
        for e in polib.pofile(str(folder / "django.po"))
        if e.translated()
    }
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
        for e in polib.mofile(str(folder / "django.mo"))
    }
    stale = [key[1] for key, value in source.items() if compiled.get(key) != value]
    assert stale == [], f"django.mo is out of date for {len(stale)} strings; run compilemessages"


def test_the_interface_speaks_russian_and_kazakh():
    with translation.override("ru"):
        assert translation.gettext("Sign in") != "Sign in"
    with translation.override("kk"):
        assert translation.gettext("Institutions") != "Institutions"
