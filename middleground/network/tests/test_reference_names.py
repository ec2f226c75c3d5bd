"""Reference data in Russian and Kazakh: country names from the ISO catalogs, the
platform's own reference data from the project's catalogs, numbers in the locale's format;
and the check that every reference name has a Russian and a Kazakh entry."""

import json
import re

import pytest
from django.utils import translation

from middleground.delphi.scales import DEFAULT_LABELS
from middleground.network import registry_data
from middleground.network.models import FocusArea, RegionalGroup
from middleground.network.reference_names import (
    REQUIRED_LANGUAGES,
    SDG_NAMES,
    catalog_key,
    iso_country_name,
    reference_strings,
)
from middleground.reformlab import builtin_data

pytestmark = pytest.mark.django_db


def _get(as_persona, url, language, persona="anonymous"):
    response = as_persona(persona).get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


# -- the check: every reference name has a Russian and a Kazakh entry ----------------------


@pytest.mark.parametrize("language", REQUIRED_LANGUAGES)
def test_every_country_has_a_name_in_the_iso_catalog(language):
    missing = [
        row["code"]
        for row in registry_data.countries_file()["countries"]
        if not iso_country_name(row["code"], language)
    ]
    assert missing == []


@pytest.mark.parametrize("language", REQUIRED_LANGUAGES)
def test_every_reference_name_has_an_entry_in_the_catalogs(language):
    strings = reference_strings()
    strings += [str(label) for label in RegionalGroup.labels]
    with translation.override("en"):
        strings += [str(label) for labels in DEFAULT_LABELS.values() for label in labels]
    with translation.override(language):
        missing = [s for s in strings if translation.gettext(catalog_key(s)) == catalog_key(s)]
    assert missing == []


def test_the_marked_reference_names_are_those_of_the_data_files():
    """The catalogs get the names marked in the code: they must be the data files' names."""
    data = registry_data.countries_file()
    assert sorted(registry_data.BLOC_NAMES) == sorted(b["name"] for b in data["blocs"])
    assert sorted(data["regional_groups"].values()) == sorted(
        str(label) for label in RegionalGroup.labels
    )
    scenarios = json.loads(builtin_data.SCENARIOS_FILE.read_text(encoding="utf-8"))
    texts = set()
    for item in scenarios["scenarios"]:
        texts.add(item["name"])
        if (item.get("threshold") or {}).get("rule"):
            texts.add(item["threshold"]["rule"])
    assert set(builtin_data.reference_strings()) >= texts
    assert len(SDG_NAMES) == 17


# -- pages -----------------------------------------------------------------------------


def test_registry_lists_name_countries_and_focus_areas_in_the_visitors_language(world, as_persona):
    english = _get(as_persona, "/network/experts/", "en")
    assert "Kazakhstan" in english and "Water security" in english
    russian = _get(as_persona, "/network/experts/", "ru")
    assert "Казахстан" in russian and "Водная безопасность" in russian
    assert "Kazakhstan" not in russian
    kazakh = _get(as_persona, "/network/institutions/", "kk")
    assert "Қазақстан" in kazakh and "Оңтүстік Корея" in kazakh
    assert "South Korea" not in kazakh


def test_country_and_focus_area_dropdowns_are_translated_and_in_order(world, as_persona):
    page = _get(as_persona, "/network/institutions/", "kk")
    assert '<option value="KZ">Қазақстан</option>' in page
    page = _get(as_persona, "/network/institutions/new/", "ru", persona="alice")
    assert re.search(r'value="water-security"[^>]*>\s*Водная безопасность', page)
    options = re.findall(r'<option value="([A-Z]{2})">([^<]+)</option>', page)
    assert ("DE", "Германия") in options
    labels = [label for _code, label in options]
    assert labels == sorted(labels, key=str.casefold)  # Австралия ... Япония, not by code


def test_country_page_and_focus_area_page_in_russian(world, as_persona):
    page = _get(as_persona, "/network/countries/KZ/", "ru")
    assert "<h1>Казахстан</h1>" in page
    page = _get(as_persona, "/network/focus-areas/water-security/", "ru")
    assert "<h1>Водная безопасность</h1>" in page
    assert "Чистая вода и санитария" in page  # SDG 6 by name


def test_a_focus_area_someone_named_stays_as_it_was_typed(world, as_persona):
    FocusArea.objects.create(slug="arctic", name="Arctic governance", sdgs=[13])
    page = _get(as_persona, "/network/focus-areas/", "kk")
    assert "Arctic governance" in page
    assert "Су қауіпсіздігі" in page


def test_reform_lab_names_and_rules_in_russian_and_kazakh(as_persona):
    page = _get(as_persona, "/reformlab/scenarios/unsc-today/", "ru")
    assert "Совет Безопасности ООН" in page
    assert "9 голосов «за» из 15" in page
    page = _get(as_persona, "/reformlab/scenarios/eu-council-lisbon/", "kk")
    assert "мүшелердің кемінде 55% (27-нің 15-і)" in page
    assert "%%" not in page


@pytest.mark.parametrize("language", REQUIRED_LANGUAGES)
def test_reform_lab_numbers_use_the_decimal_comma_in_russian_and_kazakh(as_persona, language):
    english = _get(as_persona, "/reformlab/scenarios/unsc-today/", "en")
    assert re.search(r">\d+\.\d\d%<", english)
    page = _get(as_persona, "/reformlab/scenarios/unsc-today/", language)
    assert re.search(r">\d+,\d\d%<", page)
    assert not re.search(r">\d+\.\d\d%<", page)


@pytest.mark.parametrize("language", REQUIRED_LANGUAGES)
def test_floatformat_gives_the_same_decimal_comma_in_both_languages(language):
    from django.template import Context, Template

    with translation.override(language):
        assert Template("{{ x|floatformat:1 }}").render(Context({"x": 4})) == "4,0"
