"""The stemmed search column, query expansion (run in a real SQLite FTS5 table) and snippets."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from middleground.library.text import (
    QueryTerm,
    query_terms,
    search_terms,
    snippet,
    to_fts5_query,
    to_rank_tsquery,
    to_tsquery,
)

DOCS = {
    "ru-genitive": ("ru", "Визит президента Казахстана в Китай завершился подписанием соглашений."),
    "ru-locative": ("ru", "В Казахстане прошёл форум аналитических центров средних держав."),
    "ru-nominative": ("ru", "Казахстан предложил создать экспертный альянс."),
    "kk": ("kk", "Қазақстанның сыртқы саясаты көпвекторлы. Форум Қазақстанда өтті."),
    "en": ("en", "Kazakhstan's think tanks proposed an alliance on water security."),
    "en-other": ("en", "Mongolia's coal exports to China keep growing."),
}


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, terms, tokenize='unicode61')")
    for doc_id, (lang, text) in DOCS.items():
        db.execute("INSERT INTO docs VALUES (?, ?)", (doc_id, search_terms(text, lang)))
    return db


def search(db: sqlite3.Connection, query: str, language: str | None = None) -> set[str]:
    expr = to_fts5_query(query_terms(query, language))
    return {row[0] for row in db.execute("SELECT id FROM docs WHERE docs MATCH ?", (expr,))}


def test_search_column_is_lowercased_stems() -> None:
    assert search_terms("Think Tanks proposed Alliances", "en") == "think tank propos allianc"
    assert search_terms("Казахстана Казахстан", "ru") == "казахста казахста"
    # Kazakh has no Snowball stemmer: lowercase only.
    assert search_terms("Қазақстанның Форумы", "kk") == "қазақстанның форумы"
    # Latin words in a Russian text still get the English stemmer.
    assert search_terms("Форум KazISS Forums", "ru") == "форум kaziss forum"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Казахстана", {"ru-genitive", "ru-locative", "ru-nominative"}),
        ("Казахстан", {"ru-genitive", "ru-locative", "ru-nominative"}),
        ("Казахстане", {"ru-genitive", "ru-locative", "ru-nominative"}),
        # Kazakh spelling (қ, not х): found in the Kazakh text, in two case forms.
        ("Қазақстан", {"kk"}),
        ("Қазақстанда", {"kk"}),
        ("Kazakhstan", {"en"}),
        ("water securities", {"en"}),
        ("China", {"en-other"}),
        ("Китая", {"ru-genitive"}),
        ("форум альянс", set()),  # every word must match some document's word
    ],
)
def test_fts5_query_finds_inflected_forms(
    fts: sqlite3.Connection, query: str, expected: set[str]
) -> None:
    assert search(fts, query) == expected


def test_query_language_narrows_the_alternatives(fts: sqlite3.Connection) -> None:
    assert query_terms("Security", "en") == [(QueryTerm("secur"),)]
    assert search(fts, "Казахстана", "ru") == {"ru-genitive", "ru-locative", "ru-nominative"}


def test_query_syntax_cannot_be_injected(fts: sqlite3.Connection) -> None:
    # Quotes, stars and brackets in user input are not words, so they never reach MATCH;
    # words such as OR and NOT become quoted terms, not operators (and match nothing here).
    assert search(fts, 'water"*)(') == {"en"}
    assert search(fts, 'water" OR NOT * NEAR(') == set()
    assert to_fts5_query(query_terms('a" OR b', "en")) == '("a") AND ("or") AND ("b")'
    assert to_fts5_query(query_terms("")) == ""


def test_tsquery_expression_for_postgresql() -> None:
    groups = query_terms("Қазақстанның water")
    expr = to_tsquery(groups)
    assert expr.startswith("('қазақстанның' | 'қазақстан':*")
    assert " & ('water' | " in expr


def test_rank_query_ors_every_word_but_those_of_one_language_only() -> None:
    groups = query_terms("forum Қазақстанның")
    expr = to_rank_tsquery(groups)
    # "for" is the Turkish stem of "forum": in other texts it is the English word.
    assert expr.split(" | ") == ["'forum'", "'қазақстанның'", "'қазақстан':*"]
    assert to_rank_tsquery([(QueryTerm("o'neill"),)]) == "'o''neill'"


def test_snippet_cuts_the_original_text_and_marks_hits() -> None:
    text = (
        "The forum opened in Astana. " * 5
        + "Later, Kazakhstan’s president spoke about water security in Central Asia. "
        + "Unrelated closing words follow here. " * 20
    )
    s = snippet(text, "water securities kazakhstan", width=120)
    assert [p.text for p in s.pieces if p.match] == ["Kazakhstan", "water", "security"]
    assert "Kazakhstan’s president" in s.text  # original spelling, not stems
    assert s.starts_mid_text and s.ends_mid_text
    assert len(s.text) <= 120
    assert s.text in text


def test_snippet_in_russian_matches_other_case_forms() -> None:
    text = "Переговоры прошли в Астане. Делегация Казахстана предложила новую повестку."
    s = snippet(text, "Казахстан")
    assert [p.text for p in s.pieces if p.match] == ["Казахстана"]
    assert not s.starts_mid_text and not s.ends_mid_text


def test_snippet_without_hits_returns_the_opening_and_keeps_markup_as_text() -> None:
    text = "<script>alert(1)</script> " + "plain words " * 50
    s = snippet(text, "nothing", width=60)
    assert s.pieces[0].match is False
    assert s.text.startswith("<script>")  # returned as text; the template escapes it
    assert s.ends_mid_text


def test_a_stem_only_another_language_makes_is_limited_to_that_language():
    (group,) = query_terms("forum")
    assert QueryTerm("forum") in group
    assert QueryTerm("for", language="tr") in group
    assert to_fts5_query([group]).count('("for" AND "zzlangtr")') == 1
    assert "('for' & 'zzlangtr')" in to_tsquery([group])
    text = "A forum for experts."
    english = [p.text for p in snippet(text, "forum", language="en").pieces if p.match]
    turkish = [p.text for p in snippet(text, "forum", language="tr").pieces if p.match]
    assert english == ["forum"]
    assert turkish == ["forum", "for"]


FILLER = ["the", "a", "council", "met", "on", "Monday", "and", "agreed", "for", "report"]
#: Query words are rare among the filler, so that windows slide and compete.
VOCABULARY = FILLER * 8 + ["water", "Water", "wells", "security", "forum", "farmers", "plan"]


def _snippet_by_full_scan(text: str, query: str, width: int) -> tuple[int, int]:
    """The rule in plain steps: every hit of the text, then the first hit whose window
    holds the most distinct query words (what the early stop must not change)."""
    from middleground.library.text._morph import _TOKEN_RE
    from middleground.library.text.stem import _best_window, _snippet_bounds, _token_matches

    groups = query_terms(query)
    hits = [
        (m.start(), m.end(), g)
        for m in _TOKEN_RE.finditer(text)
        if (g := _token_matches(m.group().lower(), groups)) is not None
    ]
    return _snippet_bounds(text, hits[_best_window(hits, width)][0], width)


@given(
    words=st.lists(st.sampled_from(VOCABULARY), min_size=150, max_size=400),
    query=st.sampled_from(["water wells", "water security forum", "farmers", "plan council"]),
    width=st.integers(min_value=20, max_value=300),
)
@settings(max_examples=300, deadline=None)
def test_snippet_reads_only_up_to_its_end_but_cuts_what_a_full_scan_cuts(words, query, width):
    text = " ".join(words)
    cut = snippet(text, query, width=width)
    if not any(p.match for p in cut.pieces):
        return  # no hit: the opening, checked elsewhere
    start, end = _snippet_by_full_scan(text, query, width)
    assert cut.text == text[start:end]
    assert cut.starts_mid_text == (start > 0) and cut.ends_mid_text == (end < len(text))
