"""Tokenisation and light morphology shared by stemming, tagging and snippets (private).

Snowball has no Kazakh stemmer and its Russian stemmer is not stable across the cases of
proper nouns ("Казахстан" -> "казахста" but "Казахстане" -> "казахстан"), so matching of
names uses inflection-ending sets: two word forms match when they share a base and both
remaining endings are ordinary case/number endings of the language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

__all__ = [
    "Token",
    "tokenize",
    "script_of",
    "ru_bases",
    "kk_bases",
    "kk_query_base",
    "normalize_quotes",
]

# Letters and digits, with inner hyphens kept out: "Kassym-Jomart" gives two tokens, which
# is what both FTS5 unicode61 and PostgreSQL's `simple` parser do too.
_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)

_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")

# Russian noun and adjective endings (nominative and oblique cases, both numbers).
RU_ENDINGS: frozenset[str] = frozenset(
    """
    а я о е ё у ю и ы ь й ой ей ий ый ая яя ое ее ом ем ём ам ям ах ях ами ями ию ия ии
    ией ью ья ье ьи ьей ого его ому ему ую юю ых их ыми ими ов ев
    """.split()  # noqa: SIM905 - a readable table
) | {""}

# Kazakh case, possessive and plural suffixes (front and back vowel variants). Light and
# deliberately incomplete: it only has to bring inflected names back to their base.
KK_ENDINGS: frozenset[str] = frozenset(
    """
    ның нің дың дің тың тің ға ге қа ке на не а е ны ні ды ді ты ті н да де та те нда
    нде дан ден тан тен нан нен мен бен пен дағы дегі тағы тегі ндағы ндегі ы і сы сі ын
    ін лар лер дар дер тар тер лары лері дары дері тары тері ларға лерге ларда лерде
    ларының лерінің ымыз іміз ың ің ға ына іне ында інде ынан інен
    """.split()  # noqa: SIM905 - a readable table
) | {""}

_KK_BY_LENGTH = sorted((e for e in KK_ENDINGS if e), key=len, reverse=True)

_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "‐": "-", "‑": "-"})


def normalize_quotes(text: str) -> str:
    """Map typographic apostrophes and hyphens to ASCII so patterns stay simple."""
    return text.translate(_QUOTES)


class Token:
    """A word token with its character offsets in the source text."""

    __slots__ = ("text", "start", "end")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start}, {self.end})"


def tokenize(text: str) -> Iterator[Token]:
    """Yield word tokens (letters/digits runs) with their offsets."""
    for m in _TOKEN_RE.finditer(text):
        yield Token(m.group(0), m.start(), m.end())


def script_of(word: str) -> str:
    """'cyrillic', 'latin' or 'other' (digits, CJK, ...), judged by the first letter found."""
    if _CYRILLIC_RE.search(word):
        return "cyrillic"
    if _LATIN_RE.search(word):
        return "latin"
    return "other"


def _bases(word: str, endings: frozenset[str], min_len: int) -> frozenset[str]:
    out = {word}
    for i in range(min_len, len(word) + 1):
        if word[i:] in endings:
            out.add(word[:i])
    return frozenset(out)


@lru_cache(maxsize=65536)
def ru_bases(word: str) -> frozenset[str]:
    """Every base a lowercased Russian word form could have (base + known ending)."""
    return _bases(word, RU_ENDINGS, 4)


@lru_cache(maxsize=65536)
def kk_bases(word: str) -> frozenset[str]:
    """Every base a lowercased Kazakh word form could have (base + known suffix)."""
    return _bases(word, KK_ENDINGS, 4)


@lru_cache(maxsize=65536)
def kk_query_base(word: str) -> str:
    """Base of a Kazakh query word for a prefix search: strip one known suffix (2+ letters).

    Documented limitation: Kazakh has no Snowball stemmer, so the search column keeps Kazakh
    words lowercased and unstemmed, and a query word becomes a prefix query on its base:
    "Қазақстанның" -> "қазақстан*" finds "Қазақстан", "Қазақстанда", "Қазақстанның".
    At least 5 letters are kept so short words do not turn into very broad prefixes.
    """
    w = word.lower()
    for suffix in _KK_BY_LENGTH:
        if len(suffix) >= 2 and w.endswith(suffix) and len(w) - len(suffix) >= 5:
            return w[: -len(suffix)]
    return w
