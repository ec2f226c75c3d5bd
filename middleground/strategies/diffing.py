"""Word-level comparison of two texts and of two versions of a strategy, paragraph by paragraph.

Pure Python (no Django). ``word_diff`` runs diff-match-patch over *words*: each token (a run of
letters and digits, a run of whitespace, or one punctuation mark) is encoded as one character,
as ``diff_linesToChars`` does for lines, so that a changed word is marked as a whole word and
an unchanged one is never split. ``compare`` matches paragraphs by their stable ``key``, so an
inserted or deleted paragraph leaves the others unmarked.

>>> word_diff("Publish data monthly.", "Publish data weekly.")
[(0, 'Publish data '), (-1, 'monthly'), (1, 'weekly'), (0, '.')]
"""

import re
from dataclasses import dataclass, field
from typing import Any

from diff_match_patch import diff_match_patch

DIFF_DELETE, DIFF_EQUAL, DIFF_INSERT = -1, 0, 1
TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
#: the first code point used to encode tokens (past the control characters)
_BASE = 0x100
_SURROGATES = range(0xD800, 0xE000)


def tokens(text: str) -> list[str]:
    """``text`` cut into words, whitespace runs and punctuation marks; they join back to it.

    >>> tokens("Data, shared.")
    ['Data', ',', ' ', 'shared', '.']
    """
    return TOKEN.findall(text)


def _code(n: int) -> str:
    point = _BASE + n
    if point >= _SURROGATES.start:
        point += len(_SURROGATES)
    return chr(point)


def _encode(a: str, b: str) -> tuple[str, str, list[str]]:
    vocabulary: list[str] = []
    index: dict[str, str] = {}

    def encode(text: str) -> str:
        out = []
        for tok in tokens(text):
            char = index.get(tok)
            if char is None:
                char = _code(len(vocabulary))
                index[tok] = char
                vocabulary.append(tok)
            out.append(char)
        return "".join(out)

    return encode(a), encode(b), vocabulary


def _decode(char: str) -> int:
    point = ord(char)
    if point >= _SURROGATES.stop:
        point -= len(_SURROGATES)
    return point - _BASE


def word_diff(a: str, b: str) -> list[tuple[int, str]]:
    """The edits that turn ``a`` into ``b``: ``(op, text)`` with op -1 delete, 0 equal, 1 insert.

    The semantic clean-up runs on the word codes, so that it merges the small equalities
    between changes (a lone space between two changed words) without ever cutting a word.
    """
    if a == b:
        return [(DIFF_EQUAL, a)] if a else []
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 2.0
    chars_a, chars_b, vocabulary = _encode(a, b)
    diffs = dmp.diff_main(chars_a, chars_b, False)
    dmp.diff_cleanupSemantic(diffs)
    out: list[tuple[int, str]] = []
    for op, chars in diffs:
        text = "".join(vocabulary[_decode(c)] for c in chars)
        if not text:
            continue
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))
    return out


def side(diff: list[tuple[int, str]], which: str) -> str:
    """The text on one side of a diff: ``"a"`` (equal + delete) or ``"b"`` (equal + insert).

    >>> side([(0, "x "), (-1, "y"), (1, "z")], "b")
    'x z'
    """
    skip = DIFF_INSERT if which == "a" else DIFF_DELETE
    return "".join(text for op, text in diff if op != skip)


UNCHANGED, CHANGED, ADDED, REMOVED = "unchanged", "changed", "added", "removed"


@dataclass
class ParagraphChange:
    key: str
    status: str
    number_a: int | None
    number_b: int | None
    #: the section the paragraph is in (in b; in a for a removed one)
    section: str
    section_a: str | None
    kind_a: str | None
    kind_b: str | None
    text_a: str
    text_b: str
    actors_a: list[str] = field(default_factory=list)
    actors_b: list[str] = field(default_factory=list)
    timeline_a: str = ""
    timeline_b: str = ""
    #: the word diff of the text (changed paragraphs whose text changed)
    diff: list[tuple[int, str]] = field(default_factory=list)
    #: which of text, kind, actors, timeline, section changed
    fields: list[str] = field(default_factory=list)

    @property
    def is_changed(self) -> bool:
        return self.status != UNCHANGED


def _paragraphs(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**p, "section": s.get("title", "")}
        for s in (content or {}).get("sections", [])
        for p in s.get("paragraphs", [])
    ]


def _change(pa: dict[str, Any] | None, pb: dict[str, Any] | None) -> ParagraphChange:
    one = pb if pb is not None else pa
    assert one is not None
    text_a = pa["text"] if pa else ""
    text_b = pb["text"] if pb else ""
    change = ParagraphChange(
        key=str(one["key"]),
        status=UNCHANGED,
        number_a=pa.get("number") if pa else None,
        number_b=pb.get("number") if pb else None,
        section=one.get("section", ""),
        section_a=pa.get("section") if pa else None,
        kind_a=pa.get("kind") if pa else None,
        kind_b=pb.get("kind") if pb else None,
        text_a=text_a,
        text_b=text_b,
        actors_a=list(pa.get("actors", [])) if pa else [],
        actors_b=list(pb.get("actors", [])) if pb else [],
        timeline_a=pa.get("timeline", "") if pa else "",
        timeline_b=pb.get("timeline", "") if pb else "",
    )
    if pa is None:
        change.status = ADDED
        change.diff = [(DIFF_INSERT, text_b)] if text_b else []
        return change
    if pb is None:
        change.status = REMOVED
        change.diff = [(DIFF_DELETE, text_a)] if text_a else []
        return change
    if text_a != text_b:
        change.fields.append("text")
    for name, default in (("kind", ""), ("actors", []), ("timeline", ""), ("section", "")):
        if pa.get(name, default) != pb.get(name, default):
            change.fields.append(name)
    change.diff = word_diff(text_a, text_b)
    if change.fields:
        change.status = CHANGED
    return change


def compare(content_a: dict[str, Any], content_b: dict[str, Any]) -> list[ParagraphChange]:
    """Two versions' paragraphs matched by key, in b's order; a paragraph removed since a
    appears after the paragraph that preceded it in a (or first)."""
    list_a, list_b = _paragraphs(content_a), _paragraphs(content_b)
    by_key_a = {str(p["key"]): p for p in list_a}
    keys_b = {str(p["key"]) for p in list_b}
    # removed paragraphs, grouped under the nearest preceding paragraph that b still has
    removed_after: dict[str | None, list[dict[str, Any]]] = {}
    anchor: str | None = None
    for p in list_a:
        key = str(p["key"])
        if key in keys_b:
            anchor = key
        else:
            removed_after.setdefault(anchor, []).append(p)
    changes = [_change(p, None) for p in removed_after.get(None, [])]
    for p in list_b:
        key = str(p["key"])
        changes.append(_change(by_key_a.get(key), p))
        changes.extend(_change(r, None) for r in removed_after.get(key, []))
    return changes


def summary(changes: list[ParagraphChange]) -> dict[str, int]:
    """How many paragraphs are unchanged, changed, added and removed."""
    counts = dict.fromkeys((UNCHANGED, CHANGED, ADDED, REMOVED), 0)
    for c in changes:
        counts[c.status] += 1
    counts["total_changed"] = counts[CHANGED] + counts[ADDED] + counts[REMOVED]
    return counts
