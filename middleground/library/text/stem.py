"""Stemmed search column, query expansion and snippets.

Stemming happens here, in Python, so that SQLite FTS5 (tokenizer ``unicode61``) and
PostgreSQL (text search configuration ``simple``) index exactly the same lowercased stems:
neither engine needs a language-aware configuration, and results agree across backends.

* Latin-script words: Snowball stemmer of the document's language when PyStemmer has one
  (English otherwise, the lingua franca of the corpus).
* Cyrillic words: Snowball Russian, except in Kazakh, Ukrainian, Belarusian, Mongolian and
  Kyrgyz documents (no Snowball stemmer): those are only lowercased, and queries reach their
  inflected forms through a prefix query on the word's base (see ``kk_query_base``).
* Queries do not know their language, so every query word becomes a group of alternatives,
  one per candidate language; Snowball Russian is unstable on proper nouns, so a Russian
  word also yields the stems of its other case forms ("Казахстане" -> also "казахста").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache

import Stemmer

from ._morph import _TOKEN_RE, kk_query_base, ru_bases, script_of, tokenize

__all__ = [
    "QueryTerm",
    "SnippetPiece",
    "Snippet",
    "search_terms",
    "query_terms",
    "to_fts5_query",
    "to_rank_tsquery",
    "to_tsquery",
    "snippet",
    "SNOWBALL_LANGUAGES",
    "token",
]

#: ISO 639-1 code -> PyStemmer algorithm, for the languages the detector can return.
SNOWBALL_LANGUAGES: dict[str, str] = {
    "en": "english",
    "ru": "russian",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "tr": "turkish",
    "ar": "arabic",
}
_LATIN_SNOWBALL = ("en", "de", "fr", "es", "it", "pt", "tr")
# Nominative endings tried when expanding a Russian query word into its other case forms.
_RU_NOMINATIVE = ("", "а", "я", "й", "ь", "о", "ия")


@cache
def _stemmer(algorithm: str) -> Stemmer.Stemmer:
    # PyStemmer objects keep an internal cache; one per algorithm per process is enough.
    return Stemmer.Stemmer(algorithm)


@lru_cache(maxsize=131072)
def _stem(word: str, code: str) -> str:
    return str(_stemmer(SNOWBALL_LANGUAGES[code]).stemWord(word))


def _index_form(word: str, language: str | None) -> str:
    w = word.lower()
    script = script_of(w)
    if script == "latin":
        code = language if language in _LATIN_SNOWBALL else "en"
        return _stem(w, code)
    if script == "cyrillic":
        if language in (None, "und", "ru", "en") or language in _LATIN_SNOWBALL:
            return _stem(w, "ru")
        return w  # kk, uk, be, mn, ...: no Snowball stemmer
    if language in SNOWBALL_LANGUAGES and language not in _LATIN_SNOWBALL:
        return _stem(w, language)  # Arabic
    return w


def search_terms(text: str, language: str | None) -> str:
    """The space-separated stems of ``text`` for the search column.

    >>> search_terms("Kazakhstan's think tanks", "en")
    'kazakhstan s think tank'
    >>> search_terms("Казахстана и Казахстан", "ru")
    'казахста и казахста'
    """
    return " ".join(_index_form(t.text, language) for t in tokenize(text))


TOKEN_PREFIX = "zz"  # noqa: S105 - an index token, not a secret


def token(kind: str, value: object) -> str:
    """An index token of the search column: ``token("country", "KZ") == "zzcountrykz"``."""
    clean = "".join(ch for ch in str(value).lower() if ch.isascii() and ch.isalnum())
    return f"{TOKEN_PREFIX}{kind}{clean}"


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """One alternative for a query word: an exact stem, or a prefix when ``prefix``.

    ``language``, when set, limits the alternative to documents of that language: a stem
    that only that language's stemmer makes (Turkish turns "forum" into "for") must not
    match the same letters in documents of other languages.
    """

    text: str
    prefix: bool = False
    language: str = ""


def _query_alternatives(word: str, language: str | None) -> tuple[QueryTerm, ...]:
    w = word.lower()
    script = script_of(w)
    out: dict[QueryTerm, None] = {}
    if script == "latin":
        if language in _LATIN_SNOWBALL:
            out[QueryTerm(_stem(w, str(language)))] = None
        else:
            english = _stem(w, "en")  # also the index form of Latin words in other scripts' texts
            for code in _LATIN_SNOWBALL:
                stem = _stem(w, code)
                out[QueryTerm(stem, language="" if stem == english else code)] = None
    elif script == "cyrillic":
        if language in (None, "und", "ru"):
            out[QueryTerm(_stem(w, "ru"))] = None
            for base in ru_bases(w):
                if len(base) >= 4:
                    for ending in _RU_NOMINATIVE:
                        out[QueryTerm(_stem(base + ending, "ru"))] = None
        if language not in ("ru",):
            out[QueryTerm(w)] = None
            base = kk_query_base(w)
            if base != w:
                out[QueryTerm(base, prefix=True)] = None
    else:
        out[QueryTerm(_index_form(w, language))] = None
    return tuple(out)


def query_terms(query: str, language: str | None = None) -> list[tuple[QueryTerm, ...]]:
    """Groups of alternatives, one group per query word; a document must match every group.

    With ``language=None`` every candidate language contributes its stem, so "Казахстана"
    matches a Russian document stored as "казахста" and a Kazakh one holding "казахстан".
    """
    groups: list[tuple[QueryTerm, ...]] = []
    for token in tokenize(query):
        alts = _query_alternatives(token.text, language)
        if alts and alts not in groups:
            groups.append(alts)
    return groups


def to_fts5_query(groups: list[tuple[QueryTerm, ...]]) -> str:
    """An FTS5 MATCH expression: ``("a" OR "b"*) AND ("c")``. Empty string for no groups."""

    def term(t: QueryTerm) -> str:
        quoted = '"' + t.text.replace('"', '""') + '"' + ("*" if t.prefix else "")
        return f'({quoted} AND "{token("lang", t.language)}")' if t.language else quoted

    return " AND ".join("(" + " OR ".join(term(t) for t in g) + ")" for g in groups)


def to_tsquery(groups: list[tuple[QueryTerm, ...]]) -> str:
    """A PostgreSQL ``to_tsquery('simple', ...)`` expression: ``(a | b:*) & (c)``."""

    def term(t: QueryTerm) -> str:
        quoted = "'" + t.text.replace("'", "''") + "'" + (":*" if t.prefix else "")
        return f"({quoted} & '{token('lang', t.language)}')" if t.language else quoted

    return " & ".join("(" + " | ".join(term(t) for t in g) + ")" for g in groups)


def to_rank_tsquery(groups: list[tuple[QueryTerm, ...]]) -> str:
    """Every word of the groups OR-ed, for ``ts_rank``: ``a | b:* | c``.

    Over an OR query ``ts_rank`` sums each word's frequency, as bm25 sums its terms; over
    an AND query it weighs the distance of every pair of their positions instead, at
    40 us a document against 6. The documents ranked already match the AND query.
    Alternatives limited to one language are left out: in other languages' documents the
    same letters are another word (the Turkish stem of "solar" is "so").
    """
    words = {(t.text, t.prefix): None for g in groups for t in g if not t.language}
    return " | ".join("'" + w.replace("'", "''") + "'" + (":*" if p else "") for w, p in words)


@dataclass(frozen=True, slots=True)
class SnippetPiece:
    """A run of original text; ``match`` marks a query hit (the template wraps it in <mark>)."""

    text: str
    match: bool


@dataclass(frozen=True, slots=True)
class Snippet:
    """Pieces of the original text around the best hit; escaping is the template's job."""

    pieces: tuple[SnippetPiece, ...]
    starts_mid_text: bool
    ends_mid_text: bool

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


def _token_matches(
    word: str, groups: list[tuple[QueryTerm, ...]], language: str | None = None
) -> int | None:
    w = word.lower()
    forms = {w, _index_form(w, None)}
    if script_of(w) == "latin":
        forms.update(_stem(w, code) for code in _LATIN_SNOWBALL)
    for i, group in enumerate(groups):
        for t in group:
            if t.language and t.language != language:
                continue
            if (t.prefix and w.startswith(t.text)) or (not t.prefix and t.text in forms):
                return i
    return None


_NO_MATCH = -1


@lru_cache(maxsize=256)
def _query_groups(query: str) -> tuple[tuple[QueryTerm, ...], ...]:
    return tuple(query_terms(query))


@lru_cache(maxsize=256)
def _word_groups(groups: tuple[tuple[QueryTerm, ...], ...], language: str | None) -> dict[str, int]:
    """Word (as written) -> index of the query group it matches, ``_NO_MATCH`` for none;
    filled as snippets meet words. One per query, so ``groups`` is hashed once a snippet."""
    return {}


def snippet(
    original_text: str, query: str, width: int = 240, language: str | None = None
) -> Snippet:
    """Cut about ``width`` characters of ``original_text`` around the densest query hits.

    Works on the original (unstemmed) text so readers see what the document says; hits are
    found with the same stems as the search column. Without hits, the opening is returned.
    """
    groups = _query_groups(query)
    # Texts repeat their words, and a results page cuts many snippets for one query:
    # each distinct word is matched once per query.
    seen = _word_groups(groups, language)
    hits: list[tuple[int, int, int]] = []  # (start, end, group) of each hit, in text order
    # The snippet starts at the first hit whose window (hits within ``width`` of it) holds
    # the most distinct query words. Once a window holds them all, no later one can win:
    # the text is read only up to that snippet's end (a page of common words reads a few
    # hundred characters of each text instead of thousands).
    first, covered, best_i, stop = 0, Counter[int](), -1, len(original_text)
    for m in _TOKEN_RE.finditer(original_text):
        if m.start() >= stop:
            break
        word = m.group()
        g = seen.get(word)
        if g is None:
            found = _token_matches(word.lower(), list(groups), language)
            g = seen[word] = _NO_MATCH if found is None else found
        if g == _NO_MATCH:
            continue
        hits.append((m.start(), m.end(), g))
        if best_i < 0:
            covered[g] += 1
            while hits[-1][1] - hits[first][0] > width:
                gone = hits[first][2]
                covered[gone] -= 1
                if not covered[gone]:
                    del covered[gone]
                first += 1
            if len(covered) == len(groups):
                best_i = first
                stop = _snippet_bounds(original_text, hits[best_i][0], width)[1]
    if not hits:
        end = _cut_end(original_text, min(len(original_text), width))
        return Snippet((SnippetPiece(original_text[:end], False),), False, end < len(original_text))
    if best_i < 0:
        best_i = _best_window(hits, width)
    start, end = _snippet_bounds(original_text, hits[best_i][0], width)
    pieces: list[SnippetPiece] = []
    pos = start
    for hit_start, hit_end, _g in hits:
        if hit_start < start or hit_end > end:
            continue
        if hit_start > pos:
            pieces.append(SnippetPiece(original_text[pos:hit_start], False))
        pieces.append(SnippetPiece(original_text[hit_start:hit_end], True))
        pos = hit_end
    if pos < end:
        pieces.append(SnippetPiece(original_text[pos:end], False))
    return Snippet(tuple(pieces), start > 0, end < len(original_text))


def _best_window(hits: list[tuple[int, int, int]], width: int) -> int:
    """The first hit whose window (the hits within ``width`` of it) holds the most distinct
    query words: the hits covered from hit i are hits[i:j] (ends grow with i)."""
    best_i, best_score = 0, -1
    covered: dict[int, int] = {}
    j = 0
    for i, (start_i, _end, _g) in enumerate(hits):
        if i > 0 and i - 1 < j:
            prev = hits[i - 1][2]
            covered[prev] -= 1
            if not covered[prev]:
                del covered[prev]
        j = max(j, i)
        while j < len(hits) and hits[j][1] - start_i <= width:
            covered[hits[j][2]] = covered.get(hits[j][2], 0) + 1
            j += 1
        score = len(covered) * 1000 - i
        if score > best_score:
            best_i, best_score = i, score
    return best_i


def _snippet_bounds(text: str, hit_start: int, width: int) -> tuple[int, int]:
    """The snippet around a window's first hit: a quarter of the width before it."""
    start = _cut_start(text, max(0, hit_start - width // 4))
    return start, _cut_end(text, min(len(text), start + width))


def _cut_start(text: str, pos: int) -> int:
    # Move forward to the start of a word so the snippet does not begin mid-word.
    if pos <= 0:
        return 0
    space = text.find(" ", pos)
    return space + 1 if 0 <= space < pos + 30 else pos


def _cut_end(text: str, pos: int) -> int:
    if pos >= len(text):
        return len(text)
    space = text.rfind(" ", 0, pos)
    return space if space > pos - 30 else pos
