"""Cleaning and splitting on pages the rules were not written for (the tests' own pages)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from middleground.library.text import Tagger, clean_text, process, split_listing

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(
        institutions=[
            {
                "id": "kaziss",
                "name": "Kazakhstan Institute for Strategic Studies",
                "aliases": ["KazISS", "КИСИ"],
            }
        ],
        experts=[
            {
                "id": "shaimardanov",
                "name": "Zhandos Shaimardanov",
                "aliases": ["Жандос Шаймарданов"],
            }
        ],
    )


def test_own_ticker_page_loses_tickers_menus_banner_and_tail(tagger: Tagger) -> None:
    (doc,) = process((DATA / "own_ticker_page.txt").read_bytes(), "own.txt", tagger=tagger)
    assert doc.title == "Glaciers, Canals and Trust: Water Security on the Syr Darya"
    assert doc.authors == ["Aigerim Nurlanovna"]
    assert doc.published == dt.date(2025, 3, 12)
    for furniture in (
        "473.52",
        "Brent",
        "Home |",
        "Menu",
        "cookies",
        "Accept",
        "Photo:",
        "Share:",
        "Tags:",
        "Related articles",
        "grid agreement",
        "Leave a comment",
        "Post Comment",
        "All rights reserved",
    ):
        assert furniture not in doc.body, furniture
    paragraphs = doc.body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Upstream and downstream countries")
    assert paragraphs[2].endswith("every quarter.")
    notes = " ".join(doc.data_notes)
    assert "Removed 10 repeated ticker lines" in notes
    assert "cookie notice" in notes and "related-links or comments section" in notes
    water = next(t for t in doc.tags if t.key == "water-security")
    assert {"Aral Sea", "irrigation", "water management"} <= set(water.matched_terms)


def test_own_listing_page_is_split_with_titles_and_dates(tagger: Tagger) -> None:
    docs = process((DATA / "own_listing_page.txt").read_bytes(), "list.txt", tagger=tagger)
    assert [(d.title, d.published) for d in docs] == [
        ("Why Middle Powers Need Their Own Think-Tank Network", dt.date(2025, 3, 4)),
        ("Mongolia's Coal Exports and the Politics of Rail", dt.date(2025, 2, 28)),
        ("Digital Public Infrastructure in Central Asia: Lessons from India", dt.date(2025, 2, 21)),
    ]
    assert all(d.truncated for d in docs)
    assert all("Read more" not in d.body and "Subscribe" not in d.body for d in docs)
    assert docs[1].body.startswith("Mongolia shipped record volumes")
    assert {"MN", "CN", "JP", "KR"} <= {t.key for t in docs[1].tags if t.kind == "country"}


def test_russian_page_is_cleaned_and_tagged(tagger: Tagger) -> None:
    (doc,) = process((DATA / "ru_article.txt").read_bytes(), "ru.txt", tagger=tagger)
    assert doc.language == "ru"
    assert doc.title == "Эксперты обсудили роль средних держав в реформе глобального управления"
    assert doc.authors == ["Айгуль Сапарова"]
    assert doc.published == dt.date(2025, 5, 15)
    assert "Главная" not in doc.body and "Поделиться" not in doc.body
    assert "Читайте также" not in doc.body
    countries = {t.key: t for t in doc.tags if t.kind == "country"}
    assert "Казахстана" in countries["KZ"].matched_terms
    assert {"KZ", "UZ", "KG", "RU", "CN"} <= set(countries)
    kaziss = next(t for t in doc.tags if t.key == "kaziss")
    assert dict(kaziss.terms)["КИСИ"] == 2
    assert any(t.key == "shaimardanov" for t in doc.tags)


def test_article_with_subheadings_is_not_taken_for_a_listing() -> None:
    text = "\n\n".join(
        [
            "Water Diplomacy in the Syr Darya Basin",
            "Upstream Views",
            "Kyrgyzstan and Tajikistan hold the glaciers and the reservoirs, and they want "
            "compensation for the winter electricity they forgo when they release water.",
            "Downstream Views",
            "Kazakhstan and Uzbekistan need the water in summer, for cotton, wheat and the "
            "cities, and they have long preferred to pay in energy rather than in money.",
            "What Comes Next",
            "A basin commission with shared data could turn yearly bargaining into rules, "
            "which is what the experts gathered in Almaty recommended on Tuesday.",
        ]
    )
    cleaned = clean_text(text)
    assert split_listing(cleaned.text, listing_marker=cleaned.listing_marker) == []
    assert "Upstream Views" in cleaned.text  # sub-headings are content, not furniture


def test_repeated_running_header_is_removed_but_repeated_sentences_are_kept() -> None:
    para = (
        "The alliance would meet twice a year and publish its consensus statements, "
        "with dissent recorded next to each of them for the public to read."
    )
    text = "\n".join(
        [
            "Steppe Review — Weekly",
            para,
            "Steppe Review — Weekly",
            para,
            "Steppe Review — Weekly",
            "Thanks to all readers who wrote to us.",
        ]
    )
    cleaned = clean_text(text)
    assert "Steppe Review" not in cleaned.text
    assert "Thanks to all readers who wrote to us." in cleaned.text
    assert cleaned.text.count("consensus statements") == 1  # the repeated paragraph
    assert any("repeated (menu, header or footer)" in n for n in cleaned.notes)


def test_every_removal_is_reported_with_examples() -> None:
    text = "\n".join(
        [
            "Share on Facebook Twitter",
            "Kazakhstan Hosts Water Talks",
            "By Dana Sultan",
            "Officials from five Central Asian states met in Astana on Monday to agree on a "
            "common approach to the summer irrigation season and to glacier monitoring.",
            "This website uses cookies. Click accept to consent.",
        ]
    )
    cleaned = clean_text(text)
    assert cleaned.title == "Kazakhstan Hosts Water Talks"
    assert cleaned.authors == ["Dana Sultan"]
    notes = cleaned.notes
    assert any(n.startswith("Removed 1 navigation, menu or share-button line") for n in notes)
    assert any(
        n.startswith("Removed 1 cookie notice line") and "This website uses" in n for n in notes
    )
    assert "No publication date found in the text." in notes


def test_kazakh_document_end_to_end() -> None:
    text = (
        "Қазақстан Республикасының Президенті Астана халықаралық форумында сөз сөйледі. "
        "Қазақстанның сыртқы саясаты көпвекторлы, ал су қауіпсіздігі мен цифрландыру "
        "басты бағыттар."
    )
    (doc,) = process(text.encode(), "kk.txt", tagger=Tagger(min_focus_hits=1))
    assert doc.language == "kk"
    kz = next(t for t in doc.tags if t.key == "KZ")
    assert kz.matched_terms == ["Қазақстан Республикасының", "Қазақстанның"]
    assert {"water-security", "digital-trust"} <= {t.key for t in doc.tags}
    # No Kazakh Snowball stemmer: the search column keeps the words, lowercased.
    assert doc.search_text.startswith("қазақстан республикасының президенті")


def test_counters_and_reading_times_are_furniture() -> None:
    text = "\n".join(
        [
            "Central Asia Bets on Green Hydrogen",
            "5 min read",
            "Просмотров: 1 204",
            "Kazakhstan signed agreements with European investors for three green hydrogen "
            "plants in the Mangystau region, where wind and sun are plentiful all year.",
            "12 comments",
        ]
    )
    cleaned = clean_text(text)
    assert cleaned.body.startswith("Kazakhstan signed agreements")
    assert "min read" not in cleaned.text and "Просмотров" not in cleaned.text
    assert "comments" not in cleaned.text
    assert any(
        n.startswith("Removed 3 reading-time, view or comment counter lines") for n in cleaned.notes
    )


def test_a_list_of_statistics_is_content_not_a_ticker() -> None:
    text = "\n".join(
        [
            "Kazakhstan's Economy in Figures",
            "The statistics office published its annual review on Monday, with growth above "
            "the forecast and inflation still high for the region.",
            "• GDP growth: 5.1%",
            "• Inflation: 8.6%",
            "• Unemployment: 4.7%",
            "The central bank expects inflation to fall to its target range by the end of next "
            "year as food prices stabilise.",
        ]
    )
    cleaned = clean_text(text)
    assert "• GDP growth: 5.1%" in cleaned.text and "• Unemployment: 4.7%" in cleaned.text
    assert not any("ticker" in n for n in cleaned.notes)


def test_sentences_that_merely_start_like_widgets_are_kept() -> None:
    text = "\n".join(
        [
            "Talks on the Caspian Resume",
            "Byzantine procedures slowed the first round",
            "Negotiators from the five littoral states met in Aktau to settle the remaining "
            "questions of the seabed delimitation and of the pipelines crossing it.",
            "Follow-up talks will be held in Baku in June.",
            "Photography of the meeting was not allowed, the organisers said afterwards.",
        ]
    )
    cleaned = clean_text(text)
    assert cleaned.authors == []
    for line in text.split("\n")[1:]:
        assert line in cleaned.text
