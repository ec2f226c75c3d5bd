"""Word-level diffs and the paragraph-by-paragraph comparison of versions."""

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from middleground.strategies.diffing import (
    ADDED,
    CHANGED,
    REMOVED,
    UNCHANGED,
    compare,
    side,
    summary,
    tokens,
    word_diff,
)


def marked(diff):
    return [(op, text) for op, text in diff if op != 0]


def test_one_word_changed_marks_only_that_word():
    diff = word_diff(
        "Publish river-flow data of every shared basin monthly.",
        "Publish river-flow data of every shared basin weekly.",
    )
    assert marked(diff) == [(-1, "monthly"), (1, "weekly")]
    assert diff[0] == (0, "Publish river-flow data of every shared basin ")
    assert diff[-1] == (0, ".")


def test_a_word_is_never_split():
    # character-level diffs would mark only the "s"; here the whole word changes
    assert word_diff("the basin", "the basins") == [(0, "the "), (-1, "basin"), (1, "basins")]


def test_an_added_word_is_an_insertion_only():
    assert word_diff("Share data.", "Share open data.") == [
        (0, "Share "),
        (1, "open "),
        (0, "data."),
    ]


def test_identical_and_empty_texts():
    assert word_diff("Same text.", "Same text.") == [(0, "Same text.")]
    assert word_diff("", "") == []
    assert word_diff("", "New.") == [(1, "New.")]
    assert word_diff("Old.", "") == [(-1, "Old.")]


def test_tokens_keep_whitespace_and_punctuation():
    assert tokens("Water, data  and\ntrust.") == [
        "Water",
        ",",
        " ",
        "data",
        "  ",
        "and",
        "\n",
        "trust",
        ".",
    ]
    assert "".join(tokens("Ключевые данные — открыты.")) == "Ключевые данные — открыты."


text = st.one_of(
    st.text(max_size=60),  # any characters at all
    st.lists(
        st.sampled_from(["water", "data", " ", "  ", ",", ".", "\n", "дж", "a"]), max_size=25
    ).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(text, text)
def test_the_diff_rebuilds_both_texts(a, b):
    diff = word_diff(a, b)
    assert side(diff, "a") == a  # equal + delete
    assert side(diff, "b") == b  # equal + insert
    # no two neighbours share an operation, and nothing is empty
    assert all(t for _op, t in diff)
    assert all(x[0] != y[0] for x, y in zip(diff, diff[1:], strict=False))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", " ", ", "]), max_size=30))
def test_diff_boundaries_fall_between_tokens(words):
    a = "".join(words)
    b = "".join(reversed(words))
    for _op, part in word_diff(a, b):
        assert "".join(tokens(part)) == part


# --------------------------------------------------------------------------- compare


def para(key, number, text, kind="narrative", actors=(), timeline=""):
    return {
        "key": key,
        "number": number,
        "kind": kind,
        "text": text,
        "actors": list(actors),
        "timeline": timeline,
        "evidence": [],
    }


K1, K2, K3, K4 = (str(uuid.uuid4()) for _ in range(4))


def content(*sections):
    return {"title": "T", "sections": [{"title": t, "paragraphs": ps} for t, ps in sections]}


A = content(
    (
        "Context",
        [para(K1, 1, "Water data are scattered."), para(K2, 2, "Shared data build trust.")],
    ),
    ("Recommendations", [para(K3, 3, "Publish data monthly.", "recommendation", ["UN-Water"])]),
)


def test_inserted_paragraph_does_not_mark_the_others():
    b = content(
        (
            "Context",
            [
                para(K1, 1, "Water data are scattered."),
                para(K4, 2, "A new paragraph."),
                para(K2, 3, "Shared data build trust."),
            ],
        ),
        ("Recommendations", [para(K3, 4, "Publish data monthly.", "recommendation", ["UN-Water"])]),
    )
    changes = compare(A, b)
    assert [(c.key, c.status) for c in changes] == [
        (K1, UNCHANGED),
        (K4, ADDED),
        (K2, UNCHANGED),
        (K3, UNCHANGED),
    ]
    assert [(c.number_a, c.number_b) for c in changes] == [(1, 1), (None, 2), (2, 3), (3, 4)]
    assert changes[1].diff == [(1, "A new paragraph.")]
    assert summary(changes) == {
        "unchanged": 3,
        "changed": 0,
        "added": 1,
        "removed": 0,
        "total_changed": 1,
    }


def test_changed_removed_and_field_changes():
    b = content(
        ("Context", [para(K1, 1, "Water data are fragmented.")]),
        (
            "Recommendations",
            [
                para(
                    K3, 2, "Publish data monthly.", "recommendation", ["UN-Water", "basins"], "2028"
                )
            ],
        ),
    )
    changes = compare(A, b)
    assert [(c.key, c.status) for c in changes] == [(K1, CHANGED), (K2, REMOVED), (K3, CHANGED)]
    assert marked(changes[0].diff) == [(-1, "scattered"), (1, "fragmented")]
    assert changes[0].fields == ["text"]
    assert changes[1].number_a == 2 and changes[1].number_b is None
    assert changes[1].diff == [(-1, "Shared data build trust.")]
    assert changes[2].fields == ["actors", "timeline"]
    assert changes[2].actors_b == ["UN-Water", "basins"]
    assert summary(changes)["total_changed"] == 3


def test_a_removed_first_paragraph_comes_first():
    b = content(("Context", [para(K2, 1, "Shared data build trust.")]))
    changes = compare(A, b)
    assert [(c.key, c.status) for c in changes] == [(K1, REMOVED), (K2, UNCHANGED), (K3, REMOVED)]
    assert changes[1].number_a == 2 and changes[1].number_b == 1  # renumbered, not changed


def test_kind_change_is_reported():
    b = content(
        ("Context", [para(K1, 1, "Water data are scattered.", "recommendation")]),
    )
    change = compare(A, b)[0]
    assert change.status == CHANGED and change.fields == ["kind"]
    assert (change.kind_a, change.kind_b) == ("narrative", "recommendation")
