"""Tagging: countries, registry entities (institutions, experts, events), focus areas, SDGs.

Every tag carries the terms that produced it, as they appear in the text, with counts, so a
reader (and the secretariat editing the lexicon) can see why a document was tagged.

Matching rules, by kind:

* Countries: English names from pycountry plus ``data/country_names.json`` (short names,
  adjectives, Russian and Kazakh names). English matches are exact and case-sensitive on
  word tokens ("Uzbekistan's" -> "Uzbekistan", "Kazakh-Chinese" -> "Kazakh", "Chinese").
  Russian and Kazakh names are matched through inflection endings: "Казахстана",
  "Қазақстанның" and "казахстанской" match the nominative entries; capitalised entries
  (names) need a capitalised word so that "кита" (a whale) is not "Китай".
* Institutions, experts, events: exact names and aliases, whole words. Acronyms (two or more
  capitals, e.g. "KazISS", "AIF") are case-sensitive, longer names are not; hyphens and
  spaces are interchangeable ("Kassym-Jomart" / "Kassym Jomart"). Once an expert's full
  name is found, later mentions of the surname alone count too (news style).
* Focus areas: terms stemmed like the search column; the longest term wins where terms
  overlap ("water security" is not also "security"). A focus area needs ``min_focus_hits``
  matches. SDG tags follow from the focus areas' SDG numbers and from explicit mentions
  ("SDG 6", "ЦУР 6").
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import pycountry

from ._morph import kk_bases, normalize_quotes, ru_bases, script_of, tokenize
from .stem import _stem

__all__ = [
    "Entity",
    "Tag",
    "TagKind",
    "FocusLexicon",
    "Tagger",
    "load_focus_lexicon",
    "load_country_names",
]

TagKind = Literal["country", "institution", "expert", "event", "focus_area", "sdg"]


@dataclass(frozen=True, slots=True)
class Entity:
    """A registry entry passed in as plain data (the tagger never touches the database)."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Entity:
        """From ``{"id": ..., "name": ..., "aliases": [...]}`` (aliases optional)."""
        return cls(str(data["id"]), str(data["name"]), tuple(data.get("aliases") or ()))


@dataclass(frozen=True, slots=True)
class Tag:
    """One tag: what (kind, key, label), how often, and which terms in the text matched."""

    kind: TagKind
    key: str
    label: str
    count: int
    terms: tuple[tuple[str, int], ...]

    @property
    def matched_terms(self) -> list[str]:
        return [t for t, _ in self.terms]


@dataclass(frozen=True, slots=True)
class FocusLexicon:
    """Focus-area terms, SDG numbers and labels, keyed by focus-area slug."""

    terms: dict[str, list[str]]
    sdgs: dict[str, list[int]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FocusLexicon:
        """From the ``data/focus_lexicon.json`` format."""
        areas = data["focus_areas"]
        return cls(
            terms={k: list(v["terms"]) for k, v in areas.items()},
            sdgs={k: [int(n) for n in v.get("sdgs", [])] for k, v in areas.items()},
            labels={k: str(v.get("label", k)) for k, v in areas.items()},
        )


def _data(name: str) -> Any:
    return json.loads(
        resources.files(__package__ or "middleground.library.text")
        .joinpath("data")
        .joinpath(name)
        .read_text("utf-8")
    )


def load_focus_lexicon() -> FocusLexicon:
    """The default focus-area lexicon shipped in ``data/focus_lexicon.json``."""
    return FocusLexicon.from_json(_data("focus_lexicon.json"))


@lru_cache(maxsize=1)
def load_country_names() -> dict[str, dict[str, list[str]]]:
    """Country name table: pycountry's English names merged with ``country_names.json``."""
    extra: dict[str, dict[str, list[str]]] = _data("country_names.json")["countries"]
    table: dict[str, dict[str, list[str]]] = {}
    for c in pycountry.countries:
        names = [c.name]
        for attr in ("common_name", "official_name"):
            value = getattr(c, attr, None)
            if value and "," not in value:
                names.append(value)
        if "," in c.name:  # "Korea, Republic of" reads badly; keep it only if nothing else
            names = names[1:] or names
        table[c.alpha_2] = {"en": names}
    for code, entry in extra.items():
        row = table.setdefault(code, {"en": []})
        for key, values in entry.items():
            row.setdefault(key, [])
            row[key] += [v for v in values if v not in row[key]]
    return table


# --- token views ------------------------------------------------------------------------


@dataclass(slots=True)
class _Tok:
    text: str
    lower: str
    script: str
    bases: frozenset[str]  # Cyrillic: ru and kk bases; Latin: {english stem}
    start: int
    end: int


def _view(text: str) -> list[_Tok]:
    out = []
    for t in tokenize(text):
        low = t.text.lower()
        script = script_of(low)
        if script == "cyrillic":
            bases = ru_bases(low) | kk_bases(low) | {_stem(low, "ru")}
        elif script == "latin":
            bases = frozenset({_stem(low, "en")})
        else:
            bases = frozenset({low})
        out.append(_Tok(t.text, low, script, bases, t.start, t.end))
    return out


@dataclass(frozen=True, slots=True)
class _Pattern:
    words: tuple[tuple[str, frozenset[str], bool], ...]  # (exact text, bases, capitalised)
    target: str
    exact: bool  # English names: exact case-sensitive token match


def _country_pattern(term: str, target: str, lang: str) -> _Pattern | None:
    words = []
    for t in tokenize(normalize_quotes(term)):
        low = t.text.lower()
        if lang == "en" or script_of(low) != "cyrillic":
            bases = frozenset({low})
        elif lang == "ru":
            bases = ru_bases(low)
        else:
            bases = kk_bases(low)
        words.append((t.text, bases, t.text[:1].isupper()))
    if not words:
        return None
    return _Pattern(tuple(words), target, exact=(lang == "en"))


def _focus_pattern(term: str, target: str) -> _Pattern | None:
    words = []
    for tok in _view(normalize_quotes(term)):
        words.append((tok.text, tok.bases, False))
    return _Pattern(tuple(words), target, exact=False) if words else None


def _word_matches(w: tuple[str, frozenset[str], bool], tok: _Tok, exact: bool) -> bool:
    text, bases, capitalised = w
    if exact:
        return tok.text == text
    if capitalised and not tok.text[:1].isupper():
        return False
    return not bases.isdisjoint(tok.bases)


class _PhraseMatcher:
    """Longest-match scanning of token sequences against many patterns."""

    def __init__(self, patterns: Iterable[_Pattern]) -> None:
        self._by_key: dict[str, list[_Pattern]] = defaultdict(list)
        for p in patterns:
            first = p.words[0]
            keys = {first[0]} if p.exact else first[1]
            for k in keys:
                self._by_key[k].append(p)
        for plist in self._by_key.values():
            plist.sort(key=lambda p: -len(p.words))

    def scan(self, text: str, toks: list[_Tok]) -> list[tuple[str, str]]:
        """(target, surface text) for every non-overlapping longest match."""
        found: list[tuple[str, str]] = []
        i = 0
        while i < len(toks):
            tok = toks[i]
            candidates: list[_Pattern] = list(self._by_key.get(tok.text, ()))
            for b in tok.bases:
                candidates += self._by_key.get(b, ())
            best: _Pattern | None = None
            for p in candidates:
                n = len(p.words)
                longer = best is None or n > len(best.words)
                if (
                    longer
                    and i + n <= len(toks)
                    and all(_word_matches(w, toks[i + k], p.exact) for k, w in enumerate(p.words))
                ):
                    best = p
            if best is None:
                i += 1
                continue
            n = len(best.words)
            found.append((best.target, text[tok.start : toks[i + n - 1].end]))
            i += n
        return found


def _is_acronym(name: str) -> bool:
    return " " not in name.strip() and sum(ch.isupper() for ch in name) >= 2


def _name_key(name: str, acronym: bool) -> str:
    key = re.sub(r"[\s\-]+", " ", normalize_quotes(name).strip())
    return key if acronym else key.casefold()


class _NameMatcher:
    """All registry names in two alternation regexes (acronyms case-sensitive, names not).

    One pass over the text whatever the size of the registry; alternatives are sorted
    longest first so "Kazakhstan Institute for Strategic Studies" wins over a shorter name
    starting at the same place.
    """

    def __init__(self, entries: Iterable[tuple[str, int]]) -> None:
        self._targets: dict[tuple[bool, str], list[int]] = defaultdict(list)
        names: dict[bool, set[str]] = {True: set(), False: set()}
        for name, target in entries:
            if not name.strip():
                continue
            acronym = _is_acronym(name)
            key = _name_key(name, acronym)
            if target not in self._targets[(acronym, key)]:
                self._targets[(acronym, key)].append(target)
            names[acronym].add(normalize_quotes(name).strip())
        self._regexes: list[tuple[bool, re.Pattern[str]]] = []
        for acronym, group in names.items():
            if not group:
                continue
            alts = sorted(
                (r"[\s\-]+".join(map(re.escape, re.split(r"[\s\-]+", n))) for n in group),
                key=len,
                reverse=True,
            )
            flags = 0 if acronym else re.IGNORECASE
            self._regexes.append(
                (acronym, re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", flags))
            )

    def scan(self, text: str) -> Iterator[tuple[int, str, int, int]]:
        """(target, surface, start, end) for every mention."""
        for acronym, rx in self._regexes:
            for m in rx.finditer(text):
                for target in self._targets.get((acronym, _name_key(m.group(0), acronym)), ()):
                    yield target, m.group(0), m.start(), m.end()


_SDG_MENTION = re.compile(
    r"\b(?:SDG|ЦУР|ТДМ)\s?(\d{1,2})\b|\b(?:Sustainable Development Goal|Goal)\s(\d{1,2})\b"
)


class Tagger:
    """Tags texts with countries, registry entities, focus areas and SDGs.

    Build once (the country table and patterns are compiled here) and reuse for every
    document; the app rebuilds it when the registry or the lexicon changes.
    """

    def __init__(
        self,
        *,
        institutions: Iterable[Entity | Mapping[str, Any]] = (),
        experts: Iterable[Entity | Mapping[str, Any]] = (),
        events: Iterable[Entity | Mapping[str, Any]] = (),
        focus_lexicon: Mapping[str, Sequence[str]] | FocusLexicon | None = None,
        focus_sdgs: Mapping[str, Sequence[int]] | None = None,
        min_focus_hits: int = 2,
    ) -> None:
        self.min_focus_hits = min_focus_hits
        names = load_country_names()
        self._country_labels = {
            c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries
        }
        patterns = []
        for code, row in names.items():
            for key, values in row.items():
                lang = key.split("_")[0]
                for v in values:
                    if (p := _country_pattern(v, code, lang)) is not None:
                        patterns.append(p)
        # Phrases such as "Latin American" or "New Mexico" are matched as non-countries so
        # that the longest match consumes them and "American" or "Mexico" is not tagged.
        for lang, phrases in _data("country_names.json").get("not_countries", {}).items():
            if lang.startswith("_"):
                continue
            for v in phrases:
                if (p := _country_pattern(v, "", lang)) is not None:
                    patterns.append(p)
        self._countries = _PhraseMatcher(patterns)

        self._entities: list[tuple[TagKind, Entity]] = []
        entries: list[tuple[str, int]] = []
        kinds: tuple[tuple[TagKind, Iterable[Entity | Mapping[str, Any]]], ...] = (
            ("institution", institutions),
            ("expert", experts),
            ("event", events),
        )
        for kind, items in kinds:
            for item in items:
                e = item if isinstance(item, Entity) else Entity.from_mapping(item)
                n = len(self._entities)
                self._entities.append((kind, e))
                entries += [(name, n) for name in (e.name, *e.aliases)]
        self._names = _NameMatcher(entries)

        if focus_lexicon is None:
            focus_lexicon = load_focus_lexicon()
        if isinstance(focus_lexicon, FocusLexicon):
            self._focus_sdgs = {k: list(v) for k, v in focus_lexicon.sdgs.items()}
            self._focus_labels = dict(focus_lexicon.labels)
            focus_terms: Mapping[str, Sequence[str]] = focus_lexicon.terms
        else:
            self._focus_sdgs = {}
            self._focus_labels = {}
            focus_terms = focus_lexicon
        if focus_sdgs is not None:
            self._focus_sdgs = {k: list(v) for k, v in focus_sdgs.items()}
        fpatterns = []
        for slug, terms in focus_terms.items():
            for term in terms:
                if (p := _focus_pattern(term, slug)) is not None:
                    fpatterns.append(p)
        self._focus = _PhraseMatcher(fpatterns)

    def tag(self, text: str, *, title: str = "", authors: Sequence[str] = ()) -> list[Tag]:
        """All tags of a document (title, authors, body), most frequent first per kind.

        Authors are included so that an expert who wrote the piece is tagged even when the
        byline was moved out of the body.
        """
        head = "\n".join(x for x in (title, "; ".join(authors)) if x)
        full = normalize_quotes(f"{head}\n{text}" if head else text)
        toks = _view(full)
        tags: list[Tag] = []

        found: dict[str, Counter[str]] = defaultdict(Counter)
        for code, surface in self._countries.scan(full, toks):
            if code:
                found[code][surface] += 1
        tags += self._make("country", found, self._country_labels)

        mentions: dict[int, Counter[str]] = defaultdict(Counter)
        spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for n, surface, start, end in self._names.scan(full):
            if not any(s <= start < t for s, t in spans[n]):
                spans[n].append((start, end))
                mentions[n][surface] += 1
        for n in sorted(mentions):
            kind, e = self._entities[n]
            counts = mentions[n]
            if kind == "expert":
                # News style: full name once, surname afterwards.
                surname = e.name.split()[-1]
                if len(surname) >= 4:
                    for m in re.finditer(rf"(?<![\w-]){re.escape(surname)}(?!\w)", full):
                        if not any(s <= m.start() < t for s, t in spans[n]):
                            counts[m.group(0)] += 1
            tags.append(self._one(kind, e.id, e.name, counts))

        focus: dict[str, Counter[str]] = defaultdict(Counter)
        for slug, surface in self._focus.scan(full, toks):
            focus[slug][surface] += 1
        focus = {k: v for k, v in focus.items() if sum(v.values()) >= self.min_focus_hits}
        tags += self._make("focus_area", focus, self._focus_labels)

        sdgs: dict[str, Counter[str]] = defaultdict(Counter)
        for slug in focus:
            for n in self._focus_sdgs.get(slug, []):
                sdgs[str(n)][f"focus area: {self._focus_labels.get(slug, slug)}"] += 1
        for m in _SDG_MENTION.finditer(full):
            n = int(m.group(1) or m.group(2))
            if 1 <= n <= 17:
                sdgs[str(n)][m.group(0)] += 1
        tags += self._make("sdg", sdgs, {str(n): f"SDG {n}" for n in range(1, 18)})
        return tags

    @staticmethod
    def _one(kind: TagKind, key: str, label: str, counts: Counter[str]) -> Tag:
        terms = tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return Tag(kind, key, label, sum(counts.values()), terms)

    def _make(
        self, kind: TagKind, found: Mapping[str, Counter[str]], labels: Mapping[str, str]
    ) -> list[Tag]:
        tags = [self._one(kind, k, labels.get(k, k), c) for k, c in found.items()]
        return sorted(tags, key=lambda t: (-t.count, t.key))
