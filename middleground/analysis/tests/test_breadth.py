"""The breadth rule: hand-checked examples and properties."""

import doctest

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from middleground.analysis import breadth
from middleground.analysis.breadth import (
    POSITIONS,
    REGIONAL_GROUPS,
    BreadthRule,
    Endorser,
    evaluate,
)


def e(name, group, position="endorse", blocs=(), country="XX"):
    return Endorser(name, country, group, tuple(blocs), position)


def test_doctests_pass():
    result = doctest.testmod(breadth)
    assert result.failed == 0 and result.attempted > 0


def test_every_regional_group_is_counted_even_with_no_endorser():
    result = evaluate([], BreadthRule("regional_groups", 1, 3))
    assert result.counts == dict.fromkeys(REGIONAL_GROUPS, 0)
    assert result.groups_meeting == []
    assert not result.met
    assert result.missing == 3


def test_two_per_group_in_two_groups_hand_checked():
    # APG: 2 endorse, EEG: 1 endorse + 1 dissociate, WEOG: 2 (one with a reservation)
    endorsers = [
        e("A", "APG"),
        e("B", "APG"),
        e("C", "EEG"),
        e("D", "EEG", "dissociate"),
        e("F", "WEOG", "endorse_with_reservation"),
        e("G", "WEOG"),
    ]
    result = evaluate(endorsers, BreadthRule("regional_groups", 2, 2))
    assert result.counts == {"AFRICAN": 0, "APG": 2, "EEG": 1, "GRULAC": 0, "WEOG": 2}
    assert result.groups_meeting == ["APG", "WEOG"]
    assert result.met
    assert result.missing == 0
    assert result.endorsing == 5
    assert result.by_position == {
        "endorse": 4,
        "endorse_with_reservation": 1,
        "take_note": 0,
        "dissociate": 1,
    }
    # three groups needed: one more (EEG lacks one endorser)
    three = evaluate(endorsers, BreadthRule("regional_groups", 2, 3))
    assert not three.met and three.missing == 1


def test_an_institution_in_several_blocs_counts_in_each_but_once_per_bloc():
    kz = e("KazISS", "APG", blocs=("SCO", "CICA", "OTS", "SCO"))
    result = evaluate([kz], BreadthRule("blocs", 1, 3))
    assert result.counts == {"CICA": 1, "OTS": 1, "SCO": 1}
    assert result.met


def test_an_institution_named_twice_counts_once_with_its_last_position():
    rows = [e("A", "APG"), e("A", "APG", "dissociate")]
    result = evaluate(rows, BreadthRule("regional_groups", 1, 1))
    assert result.counts["APG"] == 0
    assert result.by_position["dissociate"] == 1 and result.by_position["endorse"] == 0


def test_take_note_and_dissociate_never_count():
    rows = [e("A", "APG", "take_note"), e("B", "EEG", "dissociate")]
    result = evaluate(rows, BreadthRule("regional_groups", 1, 1))
    assert sum(result.counts.values()) == 0
    assert not result.met


def test_zero_groups_needed_is_met_at_once():
    assert evaluate([], BreadthRule("blocs", 3, 0)).met


def test_a_rule_refuses_nonsense():
    with pytest.raises(ValueError):
        BreadthRule("continents", 1, 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        BreadthRule("blocs", -1, 1)
    with pytest.raises(ValueError, match="at least one endorser"):
        BreadthRule("blocs", 0, 2)  # a bloc would "meet" it with nobody endorsing


# -- properties ------------------------------------------------------------------------

PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BLOCS = ("SCO", "BRICS", "G20", "MIKTA", "EU", "AU")
endorsers = st.lists(
    st.builds(
        Endorser,
        institution=st.sampled_from([f"I{i}" for i in range(12)]),
        country=st.sampled_from(["KZ", "KR", "BR", "DE", "NG"]),
        regional_group=st.sampled_from(REGIONAL_GROUPS),
        blocs=st.lists(st.sampled_from(BLOCS), max_size=3).map(tuple),
        position=st.sampled_from(POSITIONS),
    ),
    max_size=15,
)
rules = st.builds(
    BreadthRule,
    kind=st.sampled_from(["regional_groups", "blocs"]),
    min_per_group=st.integers(1, 4),
    min_groups=st.integers(0, 5),
)


def _unique(rows):
    return list({r.institution: r for r in rows}.values())


@PROPS
@given(endorsers, rules, st.sampled_from(REGIONAL_GROUPS), st.lists(st.sampled_from(BLOCS)))
def test_adding_an_endorsement_never_makes_the_rule_fail(rows, rule, group, blocs):
    rows = _unique(rows)
    before = evaluate(rows, rule)
    added = evaluate([*rows, Endorser("NEW", "ZZ", group, tuple(blocs), "endorse")], rule)
    assert added.met or not before.met
    assert all(added.counts.get(g, 0) >= n for g, n in before.counts.items())


@PROPS
@given(endorsers, rules, st.sampled_from(["take_note", "dissociate"]))
def test_take_note_or_dissociate_changes_no_count(rows, rule, position):
    rows = _unique(rows)
    before = evaluate(rows, rule)
    added = evaluate([*rows, Endorser("NEW", "ZZ", "AFRICAN", ("AU",), position)], rule)
    assert added.met == before.met
    assert all(added.counts.get(g, 0) == n for g, n in before.counts.items())
    assert {g for g, n in added.counts.items() if n} == {g for g, n in before.counts.items() if n}


@PROPS
@given(endorsers, rules)
def test_missing_is_zero_exactly_when_met(rows, rule):
    result = evaluate(rows, rule)
    assert (result.missing == 0) == result.met
    assert sum(result.by_position.values()) == len(_unique(rows))
