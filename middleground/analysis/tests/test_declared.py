"""Declared-group consensus: Beta intervals, the all-groups rule, small groups never shown."""

from __future__ import annotations

import doctest

import pytest

from middleground.analysis import declared
from middleground.analysis.declared import declared_consensus
from middleground.analysis.opinion import VoteTable, analyze


def test_docstring_examples_run():
    failures, tried = doctest.testmod(declared)
    assert tried > 0 and failures == 0


def test_lower_bound_is_the_beta_quantile():
    # 10 agrees of 10 votes: Beta(11, 1), whose CDF is x^11, so the 5% quantile is 0.05^(1/11)
    result = declared_consensus(
        participant=list(range(10)),
        statement=[1] * 10,
        vote=[1] * 10,
        groups=dict.fromkeys(range(10), "G"),
        min_group_size=1,
    )
    assert result.agree_lower[0, 0] == pytest.approx(0.05 ** (1 / 11))
    assert result.agree_upper[0, 0] == pytest.approx(0.95 ** (1 / 11))
    assert result.agree_rate[0, 0] == 1.0


def _regional_votes():
    groups = {}
    rows = []
    for person in range(30):
        region = ["Africa", "Asia-Pacific", "Latin America"][person % 3]
        groups[person] = region
        rows.append((person, "water", 1))  # everyone agrees
        # only Africa agrees on tariffs
        rows.append((person, "tariffs", 1 if region == "Africa" else -1))
    groups[99] = "Western Europe"  # a single member: too small to count
    rows.append((99, "water", -1))
    return groups, rows


def test_consensus_needs_every_shown_group():
    groups, rows = _regional_votes()
    # without the lone member, the three regions are shown and agree on water only
    regions = [row for row in rows if row[0] != 99]
    result = declared_consensus(*zip(*regions, strict=True), groups, min_group_size=5)
    assert result.groups == ["Africa", "Asia-Pacific", "Latin America"]
    assert result.sizes == [10, 10, 10]
    assert result.agree == ["water"]
    assert "tariffs" not in result.agree
    # with the lone disagreeing member counted as a group, the consensus breaks
    participant, statement, vote = zip(*rows, strict=True)
    everyone = declared_consensus(participant, statement, vote, groups, min_group_size=1)
    assert everyone.agree == []
    assert everyone.small_groups == {}


def test_a_lone_member_is_never_shown_nor_recoverable_by_subtraction():
    groups, rows = _regional_votes()
    participant, statement, vote = zip(*rows, strict=True)
    result = declared_consensus(participant, statement, vote, groups, min_group_size=5)
    # Western Europe (1) is not shown; Africa, the smallest shown group (ties by label),
    # is suppressed with it, so the votes not in a shown group are eleven people's
    assert result.groups == ["Asia-Pacific", "Latin America"]
    assert result.unattributed == 11
    document = result.to_dict()
    assert "Western Europe" not in str(document) and "small_groups" not in document
    water = result.statement_ids.index("water")
    total = sum(1 for _p, s, _v in rows if s == "water")
    assert total - int(result.votes[:, water].sum()) == 11


def test_small_groups_are_shown_merged_when_the_merge_is_big_enough():
    groups = {p: ("A" if p < 10 else f"tiny-{p}") for p in range(16)}
    result = declared_consensus(list(range(16)), ["x"] * 16, [1] * 16, groups, min_group_size=5)
    assert result.groups == ["A", declared.OTHER_LABEL]
    assert result.sizes == [10, 6] and result.unattributed == 0
    assert "tiny-10" not in str(result.to_dict())


def test_disagreement_across_groups_is_reported_too():
    groups = {p: ("A" if p < 10 else "B") for p in range(20)}
    result = declared_consensus(list(range(20)), ["x"] * 20, [-1] * 20, groups)
    assert result.disagree == ["x"]
    assert result.agree == []


def test_passes_count_as_votes_and_undeclared_participants_are_counted():
    groups = dict.fromkeys(range(6), "A")
    result = declared_consensus(
        list(range(8)), ["s"] * 8, [1, 1, 1, 0, 0, 0, 1, 1], groups, min_group_size=1
    )
    assert result.votes[0, 0] == 6
    assert result.agree_rate[0, 0] == 0.5
    assert result.undeclared == 2


def test_analyze_reports_declared_groups_in_its_json():
    groups, rows = _regional_votes()
    result = analyze(
        VoteTable(*zip(*rows, strict=True)),
        statements=["tariffs", "water"],
        declared=groups,
    )
    document = result.to_dict()["declared_groups"]
    assert document["consensus"]["agree"] == ["water"]
    assert document["unattributed_participants"] == 11
    water = next(s for s in document["statements"] if s["id"] == "water")
    assert water["per_group"]["Asia-Pacific"]["agrees"] == 10
