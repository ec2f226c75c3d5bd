"""Declared-group consensus: Beta intervals, the all-groups rule, small groups reported."""

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


def test_consensus_needs_every_counted_group_and_reports_small_groups():
    groups, rows = _regional_votes()
    participant, statement, vote = zip(*rows, strict=True)
    result = declared_consensus(participant, statement, vote, groups, min_group_size=5)
    assert result.groups == ["Africa", "Asia-Pacific", "Latin America"]
    assert result.sizes == [10, 10, 10]
    assert result.small_groups == {"Western Europe": 1}
    assert result.agree == ["water"]
    assert "tariffs" not in result.agree
    # with the small group counted, its single disagreement breaks the consensus
    everyone = declared_consensus(participant, statement, vote, groups, min_group_size=1)
    assert everyone.agree == []
    assert everyone.small_groups == {}


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
    assert document["small_groups"] == [{"label": "Western Europe", "size": 1}]
    water = next(s for s in document["statements"] if s["id"] == "water")
    assert water["per_group"]["Africa"]["agrees"] == 10
