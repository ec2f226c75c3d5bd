"""Reference data in the active language.

* Country names come from the ISO 3166-1 catalogs that pycountry ships (iso-codes has
  Russian and Kazakh among many others); the registry keeps the English short name.
* The platform's own reference data (default focus areas, blocs, UN regional groups,
  M49 regions, SDG names, reform-lab bodies and rule texts) is English in the data files
  and translated through the project's gettext catalogs: every such string is listed in
  :func:`reference_strings` (marked with ``gettext_noop`` where it is defined) so that
  ``makemessages`` finds it and the suite can check that each has a Russian and a Kazakh
  entry (``middleground/network/tests/test_reference_names.py``).

User content (titles, statements, descriptions) is never looked up here: a custom focus
area or a name someone typed stays as typed.
"""

from __future__ import annotations

import gettext as gettext_module
from functools import lru_cache

from django.utils.translation import get_language, gettext, gettext_noop

#: languages whose reference names must be complete (the site's languages besides English)
REQUIRED_LANGUAGES = ("ru", "kk")

#: the 17 Sustainable Development Goals (short names, as the UN lists them)
SDG_NAMES = {
    1: gettext_noop("No poverty"),
    2: gettext_noop("Zero hunger"),
    3: gettext_noop("Good health and well-being"),
    4: gettext_noop("Quality education"),
    5: gettext_noop("Gender equality"),
    6: gettext_noop("Clean water and sanitation"),
    7: gettext_noop("Affordable and clean energy"),
    8: gettext_noop("Decent work and economic growth"),
    9: gettext_noop("Industry, innovation and infrastructure"),
    10: gettext_noop("Reduced inequalities"),
    11: gettext_noop("Sustainable cities and communities"),
    12: gettext_noop("Responsible consumption and production"),
    13: gettext_noop("Climate action"),
    14: gettext_noop("Life below water"),
    15: gettext_noop("Life on land"),
    16: gettext_noop("Peace, justice and strong institutions"),
    17: gettext_noop("Partnerships for the goals"),
}

#: UN M49 regions (the registry's "region" filter)
M49_REGIONS = {
    "Africa": gettext_noop("Africa"),
    "Americas": gettext_noop("Americas"),
    "Asia": gettext_noop("Asia"),
    "Europe": gettext_noop("Europe"),
    "Oceania": gettext_noop("Oceania"),
}


def _language() -> str:
    return (get_language() or "en").split("-")[0].lower()


@lru_cache(maxsize=16)
def _iso_catalog(language: str) -> gettext_module.NullTranslations:
    if language == "en":
        return gettext_module.NullTranslations()
    import pycountry

    return gettext_module.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


@lru_cache(maxsize=512)
def _iso_names(code: str) -> tuple[str, ...]:
    """The catalog keys of a country: its common name first (as the registry uses it)."""
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return ()
    names = [getattr(country, "common_name", None), country.name]
    return tuple(n for n in names if n)


def iso_country_name(code: str, language: str) -> str | None:
    """The ISO catalog's name of ``code`` in ``language``; ``None`` when it has none."""
    catalog = _iso_catalog(language)
    for name in _iso_names(code.upper()):
        translated = catalog.gettext(name)
        if translated != name:
            return translated
    return None


def country_name(code: str, default: str = "") -> str:
    """A country's name in the active language (``default`` if no catalog knows it)."""
    language = _language()
    if language != "en":
        translated = iso_country_name(code, language)
        if translated:
            return translated
    return default or (_iso_names(code.upper()) or (code,))[0]


def catalog_key(text: str) -> str:
    """The catalog's msgid of a reference text: percent signs doubled, so that a text such
    as "55% of the members" is not taken for a format string by the catalog tools."""
    return text.replace("%", "%%")


def reference_text(text: str) -> str:
    """A reference string (focus area, bloc, rule text...) in the active language.

    Only strings listed in :func:`reference_strings` are looked up, so a name typed by a
    person is returned as it is even if it happens to match a catalog entry.
    """
    if text and text in _known():
        key = catalog_key(text)
        translated = gettext(key)
        return text if translated == key else translated.replace("%%", "%")
    return text


def sdg_name(number: int) -> str:
    name = SDG_NAMES.get(int(number))
    return gettext(name) if name else ""


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(reference_strings())


def reference_strings() -> list[str]:
    """Every English reference string of the platform that must have translations."""
    from middleground.network import registry_data
    from middleground.reformlab import builtin_data

    strings: list[str] = []
    strings += [name for _slug, name, _sdgs in registry_data.DEFAULT_FOCUS_AREAS]
    data = registry_data.countries_file()
    strings += [b["name"] for b in data["blocs"]]
    strings += list(data["regional_groups"].values())
    strings += list(M49_REGIONS.values())
    strings += list(SDG_NAMES.values())
    strings += builtin_data.reference_strings()
    return list(dict.fromkeys(s for s in strings if s))  # in order, each once
