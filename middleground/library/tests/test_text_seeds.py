"""The pipeline on the project's five seed texts (real scraped pages, boilerplate included)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from middleground.library.text import (
    DuplicateIndex,
    ProcessedDocument,
    Tagger,
    clean_text,
    content_hash,
    minhash_signature,
    process,
    split_listing,
)
from middleground.library.text.dedup import jaccard

SEEDS = Path(__file__).parent / "data" / "seeds"
ARTICLE = "000_908bbb8a0c486c43.txt"
LISTING = "001_859130f10ba2337b.txt"
SPEECH = "002_842dd8ff9e7b15e5.txt"
ANALYSIS = "003_9746926dd9750b22.txt"
OPED = "004_3b5bf3400bb8b1cf.txt"

REGISTRY: dict[str, list[dict[str, Any]]] = {
    "institutions": [
        {
            "id": "kaziss",
            "name": "Kazakhstan Institute for Strategic Studies",
            "aliases": ["KazISS", "КИСИ"],
        },
        {"id": "coe", "name": "Council of Europe", "aliases": []},
    ],
    "experts": [
        {"id": "shaimardanov", "name": "Zhandos Shaimardanov"},
        {"id": "tokayev", "name": "Kassym-Jomart Tokayev"},
        {"id": "kagame", "name": "Paul Kagame"},
        {"id": "berset", "name": "Alain Berset"},
        {"id": "mikovic", "name": "Nikola Mikovic"},
        {"id": "bussieres", "name": "Pierre-Olivier Bussières"},
        {"id": "soysal", "name": "Derya Soysal"},
    ],
    "events": [{"id": "aif", "name": "Astana International Forum", "aliases": ["AIF"]}],
}


def read(name: str) -> str:
    return (SEEDS / name).read_text("utf-8")


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(
        institutions=REGISTRY["institutions"],
        experts=REGISTRY["experts"],
        events=REGISTRY["events"],
    )


@pytest.fixture(scope="module")
def processed(tagger: Tagger) -> dict[str, list[ProcessedDocument]]:
    return {
        p.name: process(p.read_bytes(), p.name, tagger=tagger) for p in sorted(SEEDS.glob("*.txt"))
    }


def tag_keys(doc: ProcessedDocument, kind: str) -> set[str]:
    return {t.key for t in doc.tags if t.kind == kind}


# --- furniture ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [LISTING, ANALYSIS])
def test_currency_tickers_are_removed_and_reported(name: str) -> None:
    raw = read(name)
    assert raw.count("KZT/USD") == 8
    cleaned = clean_text(raw)
    assert "/USD" not in cleaned.text
    assert any(n.startswith("Removed 40 repeated ticker lines") for n in cleaned.notes)


def test_page_furniture_of_the_analysis_page_is_gone(
    processed: dict[str, list[ProcessedDocument]],
) -> None:
    (doc,) = processed[ANALYSIS]
    for furniture in (
        "Image: TCA",
        "View more articles from",
        "Suggested Articles",
        "Sidebar",
        "Follow our special coverage",
        "freelance journalist",
    ):
        assert furniture not in doc.body
    assert doc.body.startswith("ASTANA – The United Nations")
    assert doc.body.rstrip().endswith("a more inclusive and effective global system.")
    assert doc.title == "Can Kazakhstan Lead Small and Middle Powers in Reforming the UN?"
    assert doc.authors == ["Nikola Mikovic"]
    assert doc.published == dt.date(2025, 5, 29)


def test_comment_form_byline_and_repeated_bio_of_the_oped_are_gone(
    processed: dict[str, list[ProcessedDocument]],
) -> None:
    (doc,) = processed[OPED]
    assert "Leave a Reply" not in doc.body
    assert "Your email address" not in doc.body
    assert "Dupérieure" not in doc.body  # the second, misspelt copy of the author bio
    assert doc.body.count("is a lecturer at") == 1
    assert doc.authors == ["Pierre-Olivier Bussières"]
    assert "The byline names no author." in doc.data_notes
    assert any("comment-form" in n for n in doc.data_notes)


def test_breadcrumbs_labels_and_trailing_widgets_of_the_speech_page_are_gone(
    processed: dict[str, list[ProcessedDocument]],
) -> None:
    (doc,) = processed[SPEECH]
    assert doc.title == "Kazakhstan Calls for a New World Order Based on Dialogue"
    for furniture in ("ORTA ASYA", "BRUXELLES KORNER", "Photo by", "İlginizi Çekebilir"):
        assert furniture not in doc.body
    assert doc.title not in doc.body  # neither the title nor its two echoes
    assert doc.authors == ["Derya Soysal"]
    # The speech itself, including its short addresses to the audience, is kept.
    assert "Dear friends," in doc.body
    assert doc.body.rstrip().endswith("wish you a productive, inspiring Forum.”")
    assert "No publication date found in the text." in doc.data_notes


def test_a_clean_article_keeps_all_its_text(processed: dict[str, list[ProcessedDocument]]) -> None:
    (doc,) = processed[ARTICLE]
    raw_body = read(ARTICLE).split("\n", 1)[1].strip()
    assert doc.body == raw_body
    assert not any(n.startswith("Removed") for n in doc.data_notes)


# --- listing ------------------------------------------------------------------------------


def test_listing_seed_yields_its_six_articles_with_titles(
    processed: dict[str, list[ProcessedDocument]],
) -> None:
    docs = processed[LISTING]
    assert [d.title for d in docs] == [
        "Kazakhstan Proposes ‘Expert Alliance’ to Reform Global Governance",
        "Digital Geopolitics and AI Strategy in Central Asia",
        "Tianjin SCO Summit Signals a Shift: China’s Long Game and the Rise of a New Power Bloc",
        "Kazakhstan Looks East: What’s at Stake at the SCO Summit in China?",
        "Opinion: Washington Meeting and the Shifting Geopolitics of the Caspian",
        "Opinion: Why Russia May Stop Oil Supplies via the CPC",
    ]
    assert [d.listing_position for d in docs] == list(range(6))
    assert all(d.truncated for d in docs)
    # Each body is its own teaser: no other headline and no ticker inside it.
    for d in docs:
        assert "KZT/USD" not in d.body and "Viewing results" not in d.body
        assert sum(other.title in d.body for other in docs if other is not d) == 0  # type: ignore[operator]
    assert docs[3].body.startswith("On Saturday, Kazakhstan’s President")
    assert "Listing page split into 6 articles." in docs[0].data_notes
    assert "Publication date unknown; the listing page is dated 2026-02-23." in docs[0].data_notes


@pytest.mark.parametrize("name", [ARTICLE, SPEECH, ANALYSIS, OPED])
def test_single_articles_are_not_split(name: str) -> None:
    cleaned = clean_text(read(name))
    assert split_listing(cleaned.text, listing_marker=cleaned.listing_marker) == []


# --- duplicates ---------------------------------------------------------------------------


def test_article_repeated_on_the_listing_page_is_linked_as_duplicate(tagger: Tagger) -> None:
    index = DuplicateIndex()
    (article,) = process((SEEDS / ARTICLE).read_bytes(), ARTICLE, tagger=tagger, duplicates=index)
    index.add("doc-1", article.minhash_bytes, article.content_hash)
    listing = process((SEEDS / LISTING).read_bytes(), LISTING, tagger=tagger, duplicates=index)
    assert [m.id for m in listing[0].duplicates] == ["doc-1"]
    assert listing[0].duplicates[0].similarity == pytest.approx(1.0)
    assert all(not d.duplicates for d in listing[1:])


def test_lightly_edited_copy_is_a_near_duplicate_and_other_seeds_are_not() -> None:
    body = read(ARTICLE).split("\n", 1)[1]
    edited = body.replace("Shaimardanov said", "the director said", 2).replace(
        "geopolitical flux", "geopolitical turbulence"
    )
    index = DuplicateIndex.build([("original", minhash_signature(body), content_hash(body))])
    (match,) = index.find(minhash_signature(edited), content_hash(edited))
    assert match.id == "original" and match.kind == "near"
    assert 0.8 <= match.similarity < 1.0
    for other in (SPEECH, ANALYSIS, OPED):
        text = read(other)
        assert index.find(minhash_signature(text), content_hash(text)) == []
        assert jaccard(minhash_signature(body), minhash_signature(text)) < 0.2


# --- tagging and language -----------------------------------------------------------------


def test_kazakhstan_kaziss_forum_and_people_are_tagged(
    processed: dict[str, list[ProcessedDocument]],
) -> None:
    (article,) = processed[ARTICLE]
    assert "KZ" in tag_keys(article, "country")
    assert tag_keys(article, "institution") == {"kaziss"}
    kaziss = next(t for t in article.tags if t.key == "kaziss")
    assert dict(kaziss.terms) == {"KazISS": 1, "Kazakhstan Institute for Strategic Studies": 1}
    assert tag_keys(article, "expert") == {"shaimardanov"}
    # Tokayev's name in the speech page, the forum in three pages, people in the analysis.
    (speech,) = processed[SPEECH]
    assert {"tokayev", "kagame", "berset"} <= tag_keys(speech, "expert")
    assert "coe" in tag_keys(speech, "institution")
    assert "aif" in tag_keys(speech, "event")
    (analysis,) = processed[ANALYSIS]
    assert {"tokayev", "mikovic", "kagame", "berset"} <= tag_keys(analysis, "expert")
    aif = next(t for t in analysis.tags if t.key == "aif")
    # 4 mentions on the page; one was in the removed "Follow our special coverage" promo.
    assert dict(aif.terms) == {"Astana International Forum": 3, "AIF": 2}
    (oped,) = processed[OPED]
    assert "aif" in tag_keys(oped, "event")
    assert {"tokayev", "bussieres"} <= tag_keys(oped, "expert")


def test_countries_are_tagged_from_names_adjectives_and_possessives(
    processed: dict[str, list[ProcessedDocument]],
) -> None:
    (article,) = processed[ARTICLE]
    kz = next(t for t in article.tags if t.key == "KZ")
    assert {"Kazakhstan", "Kazakh"} <= set(kz.matched_terms)  # "Kazakh startup Higgsfield AI"
    listing = processed[LISTING]
    east = listing[3]  # "Kazakhstan Looks East"
    assert {"KZ", "CN", "KG", "UZ", "TJ", "TM", "IN", "RU", "IR", "PK", "BY"} <= tag_keys(
        east, "country"
    )
    tianjin = listing[2]
    ru = next(t for t in tianjin.tags if t.key == "RU")
    assert "Russian" in ru.matched_terms  # "Russian President Vladimir Putin"


def test_focus_areas_show_their_matched_terms(
    processed: dict[str, list[ProcessedDocument]],
) -> None:
    (article,) = processed[ARTICLE]
    focus = {t.key: t for t in article.tags if t.kind == "focus_area"}
    assert {"security", "water-security", "digital-trust"} <= set(focus)
    assert "water management" in focus["water-security"].matched_terms
    assert "6" in tag_keys(article, "sdg")
    sdg6 = next(t for t in article.tags if t.kind == "sdg" and t.key == "6")
    assert sdg6.matched_terms == ["focus area: Water security"]


def test_all_seeds_are_english(processed: dict[str, list[ProcessedDocument]]) -> None:
    assert {d.language for docs in processed.values() for d in docs} == {"en"}
