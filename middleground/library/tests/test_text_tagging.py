"""Tagging rules, the shipped data files, language identification and duplicate signatures."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from middleground.library.text import (
    DuplicateIndex,
    Entity,
    Tagger,
    content_hash,
    detect_language,
    load_country_names,
    load_focus_lexicon,
    minhash_signature,
    signature_from_bytes,
    signature_to_bytes,
)

CENTRAL_ASIA = {"KZ", "KG", "TJ", "TM", "UZ"}
P5 = {"CN", "FR", "RU", "GB", "US"}
G20 = {
    "AR",
    "AU",
    "BR",
    "CA",
    "CN",
    "FR",
    "DE",
    "IN",
    "ID",
    "IT",
    "JP",
    "KR",
    "MX",
    "RU",
    "SA",
    "ZA",
    "TR",
    "GB",
    "US",
}
SEEDS_COUNTRIES = {
    "AM",
    "AZ",
    "BY",
    "IR",
    "PK",
    "MY",
    "MN",
    "UA",
    "AF",
    "SY",
    "MK",
    "RW",
    "RS",
    "QA",
}


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(
        institutions=[
            Entity("kaziss", "Kazakhstan Institute for Strategic Studies", ("KazISS",)),
            {"id": "un", "name": "United Nations", "aliases": ["UN", "ООН"]},
        ],
        experts=[
            {"id": "tokayev", "name": "Kassym-Jomart Tokayev", "aliases": ["Касым-Жомарт Токаев"]}
        ],
    )


def tags(tagger: Tagger, text: str, kind: str) -> dict[str, dict[str, int]]:
    return {t.key: dict(t.terms) for t in tagger.tag(text) if t.kind == kind}


# --- countries ----------------------------------------------------------------------------


def test_country_data_file_covers_the_required_countries_in_three_languages() -> None:
    table = load_country_names()
    assert len(table) >= 249  # every ISO 3166 country has at least its English name
    for code in CENTRAL_ASIA | P5 | G20 | SEEDS_COUNTRIES:
        row = table[code]
        assert row["en"] and row["ru"] and row["kk"], code
        assert row["en_adjectives"], code


def test_english_names_adjectives_and_possessives(tagger: Tagger) -> None:
    found = tags(
        tagger,
        "Uzbekistan's water plan, a Kazakh-Chinese corridor and Tajik electricity were "
        "discussed in the Kyrgyz Republic; the U.S. and the Russian Federation sent observers.",
        "country",
    )
    assert found == {
        "UZ": {"Uzbekistan": 1},
        "KZ": {"Kazakh": 1},
        "CN": {"Chinese": 1},
        "TJ": {"Tajik": 1},
        "KG": {"Kyrgyz Republic": 1},
        "US": {"U.S": 1},
        "RU": {"Russian Federation": 1},
    }


def test_lowercase_common_words_are_not_countries(tagger: Tagger) -> None:
    assert tags(tagger, "We ate turkey and bought china plates; a chad of paper.", "country") == {}


def test_phrases_that_only_contain_a_country_word_are_not_that_country(tagger: Tagger) -> None:
    text = (
        "Latin American and North American investors met in New Mexico and New Jersey; "
        "the Democratic Republic of the Congo sent a minister. Нью-Мексико далеко."
    )
    assert tags(tagger, text, "country") == {"CD": {"Democratic Republic of the Congo": 1}}


def test_russian_and_kazakh_inflected_forms(tagger: Tagger) -> None:
    ru = tags(
        tagger,
        "Делегация Казахстана прибыла в Узбекистан. В Казахстане и России обсуждали "
        "казахстанскую инициативу; в Китае её поддержали. Кита видели у берегов.",
        "country",
    )
    assert ru["KZ"] == {"Казахстана": 1, "Казахстане": 1, "казахстанскую": 1}
    assert ru["UZ"] == {"Узбекистан": 1}
    assert ru["RU"] == {"России": 1}
    assert ru["CN"] == {"Китае": 1, "Кита": 1}  # "Кита" (a whale) only because capitalised
    kk = tags(
        tagger, "Қазақстанның сыртқы саясаты. Форум Қазақстанда және Өзбекстанда өтті.", "country"
    )
    assert kk == {"KZ": {"Қазақстанның": 1, "Қазақстанда": 1}, "UZ": {"Өзбекстанда": 1}}
    assert tags(tagger, "Индекс цен вырос, индустрия растёт.", "country") == {}


# --- registry entities --------------------------------------------------------------------


def test_institution_alias_matching_respects_word_boundaries_and_case(tagger: Tagger) -> None:
    text = (
        "KazISS and the kazakhstan institute for strategic studies are one body; "
        "KazISSX is not, nor is 'kaziss' in lower case. The UN and ООН, not UNESCO or "
        "the word un."
    )
    found = tags(tagger, text, "institution")
    assert found["kaziss"] == {"KazISS": 1, "kazakhstan institute for strategic studies": 1}
    assert found["un"] == {"UN": 1, "ООН": 1}


def test_expert_full_name_then_surname_and_hyphen_variants(tagger: Tagger) -> None:
    found = tags(
        tagger,
        "Kassym Jomart Tokayev spoke first. Later Tokayev's aides briefed the press.",
        "expert",
    )
    assert found == {"tokayev": {"Kassym Jomart Tokayev": 1, "Tokayev": 1}}
    # A surname alone, without the full name anywhere, is not enough.
    assert tags(tagger, "A man named Tokayev was mentioned.", "expert") == {}
    ru = tags(tagger, "Касым-Жомарт Токаев открыл форум.", "expert")
    assert ru == {"tokayev": {"Касым-Жомарт Токаев": 1}}


# --- focus areas and SDGs -----------------------------------------------------------------


def test_default_focus_lexicon_has_the_seven_areas_with_sdgs() -> None:
    lex = load_focus_lexicon()
    assert set(lex.terms) == {
        "security",
        "sustainable-development",
        "institutional-accountability",
        "digital-trust",
        "water-security",
        "human-capital",
        "innovation",
    }
    assert lex.sdgs["water-security"] == [6]
    assert all(1 <= n <= 17 for ns in lex.sdgs.values() for n in ns)
    raw = json.loads(
        resources.files("middleground.library.text")
        .joinpath("data")
        .joinpath("focus_lexicon.json")
        .read_text("utf-8")
    )
    assert raw["focus_areas"]["digital-trust"]["label"] == "Digital trust"


def test_focus_tags_show_terms_longest_match_and_threshold(tagger: Tagger) -> None:
    text = (
        "Water security depends on irrigation and on glaciers. Security of supply was "
        "mentioned once."
    )
    found = tags(tagger, text, "focus_area")
    assert found["water-security"] == {"Water security": 1, "irrigation": 1, "glaciers": 1}
    # "Security" inside "Water security" is not counted again; one hit is below threshold.
    assert "security" not in found
    sdgs = tags(tagger, text + " The plan serves SDG 6 and ЦУР 4.", "sdg")
    assert sdgs["6"] == {"focus area: Water security": 1, "SDG 6": 1}
    assert sdgs["4"] == {"ЦУР 4": 1}


def test_secretariat_lexicon_passed_as_plain_data() -> None:
    tagger = Tagger(
        focus_lexicon={"energy": ["uranium", "nuclear energy", "уран"]},
        focus_sdgs={"energy": [7]},
        min_focus_hits=1,
    )
    result = {t.key: t for t in tagger.tag("Kazakhstan mines uranium; добыча урана растёт.")}
    assert dict(result["energy"].terms) == {"uranium": 1, "урана": 1}
    assert result["7"].kind == "sdg"
    assert "security" not in result  # the default lexicon is replaced, not merged


# --- language -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The expert alliance of middle powers met in Astana to discuss water security.", "en"),
        ("Экспертный альянс средних держав обсудил в Астане водную безопасность.", "ru"),
        ("Орта державалардың сарапшылық альянсы Астанада су қауіпсіздігін талқылады.", "kk"),
        ("Die Allianz der Mittelmächte traf sich in Astana, um über Wasser zu sprechen.", "de"),
    ],
)
def test_language_is_identified(text: str, code: str) -> None:
    assert detect_language(text).code == code


@pytest.mark.parametrize(
    "text",
    [
        "Astana 2025",  # too short
        "Oʻzbekiston Respublikasi Prezidenti xalqaro forumda soʻzladi va gʻoyalarni aytdi.",
        "Кыргыз Республикасынын Президенти эл аралык форумда сөз сүйлөдү. Бүгүн өлкө үчүн "
        "маанилүү күн.",
        "Türkmenistanyň Prezidenti halkara forumda çykyş etdi we ýurduň syýasatyny beýan etdi.",
        "Ўзбекистон Республикаси Президенти халқаро форумда нутқ сўзлади.",
    ],
    ids=["short", "uzbek-latin", "kyrgyz", "turkmen", "uzbek-cyrillic"],
)
def test_unsupported_or_too_short_text_is_undetermined(text: str) -> None:
    guess = detect_language(text)
    assert guess.code == "und"
    assert guess.reason


# --- duplicate signatures -----------------------------------------------------------------


def test_signatures_survive_storage_and_layout_does_not_matter() -> None:
    text = "Kazakhstan proposes an expert alliance of middle powers to reform global governance."
    sig = minhash_signature(text)
    blob = signature_to_bytes(sig)
    assert len(blob) == 128 * 8 and signature_from_bytes(blob) == sig
    relaid = (
        "  KAZAKHSTAN proposes an expert\nalliance of middle powers — to reform global governance!"
    )
    assert content_hash(relaid) == content_hash(text)
    index = DuplicateIndex.build([(7, blob, content_hash(text)), (8, sig, None)])
    matches = index.find(minhash_signature(relaid), content_hash(relaid))
    assert [(m.id, m.kind) for m in matches] == [("7", "exact"), ("8", "near")]
    index.remove(7)
    assert [m.id for m in index.find(sig, content_hash(text))] == ["8"]
    assert len(index) == 1
