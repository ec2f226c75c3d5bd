"""Property tests of the opinion engine: order invariance, latest vote wins, no NaN."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from middleground.analysis._votes import build_vote_matrix
from middleground.analysis.opinion import VoteTable, analyze

votes_strategy = st.lists(
    st.tuples(
        st.integers(0, 25),  # participant
        st.integers(0, 9),  # statement
        st.sampled_from([-1, 0, 1]),
    ),
    min_size=0,
    max_size=160,
)

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _table(rows, times=None):
    if not rows:
        return VoteTable([], [], [], [] if times is not None else None)
    participant, statement, vote = (list(column) for column in zip(*rows, strict=True))
    return VoteTable(participant, statement, vote, times)


def _distinct_times(rows):
    return [1000 + 7 * index for index in range(len(rows))]


def _finite_or_none(value):
    return value is None or (isinstance(value, float) and math.isfinite(value))


@SETTINGS
@given(rows=votes_strategy, seed=st.integers(0, 2**16))
def test_shuffling_votes_and_statements_changes_nothing(rows, seed):
    times = _distinct_times(rows)
    statements = list(range(10))
    reference = analyze(_table(rows, times), statements=statements, moderated_out=[3])
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(rows))
    shuffled_rows = [rows[i] for i in order]
    shuffled_times = [times[i] for i in order]
    shuffled_statements = [statements[i] for i in rng.permutation(10)]
    other = analyze(
        _table(shuffled_rows, shuffled_times),
        statements=shuffled_statements,
        moderated_out=[3],
    )
    assert other.to_dict() == reference.to_dict()


@SETTINGS
@given(rows=votes_strategy, earlier=votes_strategy)
def test_latest_vote_wins(rows, earlier):
    # votes cast before the final ones, on any pairs, must not change the outcome
    # where the final votes cover the pair; compare against the deduplicated final votes
    final_times = [10_000 + index for index in range(len(rows))]
    early_times = list(range(len(earlier)))
    combined = analyze(
        _table(earlier + rows, early_times + final_times), statements=range(10), bridging=False
    )
    latest: dict[tuple[int, int], tuple[int, int]] = {}
    for (p, s, v), t in zip(earlier + rows, early_times + final_times, strict=True):
        latest[(p, s)] = (v, t)
    dedup = [(p, s, v) for (p, s), (v, _) in latest.items()]
    dedup_times = [t for (_, _), (_, t) in latest.items()]
    expected = analyze(_table(dedup, dedup_times), statements=range(10), bridging=False)
    assert [(s.id, s.agrees, s.disagrees, s.passes) for s in combined.statements] == [
        (s.id, s.agrees, s.disagrees, s.passes) for s in expected.statements
    ]
    # and cell by cell in the vote matrix itself
    table = _table(earlier + rows, early_times + final_times)
    matrix = build_vote_matrix(
        table.participant, table.statement, table.vote, table.time, range(10)
    )
    stored = {}
    for row, participant in enumerate(matrix.participant_ids.tolist()):
        for k in range(matrix.indptr[row], matrix.indptr[row + 1]):
            stored[(participant, int(matrix.statement_ids[matrix.indices[k]]))] = int(
                matrix.values[k]
            )
    assert stored == {pair: vote for pair, (vote, _) in latest.items()}


def test_latest_vote_wins_by_time_not_by_input_order():
    table = VoteTable([1, 1], [5, 5], [1, -1], [20, 10])
    result = analyze(table, statements=[5])
    assert (result.statement(5).agrees, result.statement(5).disagrees) == (1, 0)
    same_time = VoteTable([1, 1], [5, 5], [1, -1], [10, 10])
    result = analyze(same_time, statements=[5])
    assert (result.statement(5).agrees, result.statement(5).disagrees) == (0, 1)


@SETTINGS
@given(rows=votes_strategy, moderated=st.sets(st.integers(0, 9)))
def test_no_nan_anywhere(rows, moderated):
    result = analyze(_table(rows), statements=range(10), moderated_out=sorted(moderated))
    document = result.to_dict()
    for participant in document["participants"]:
        assert _finite_or_none(participant["x"]) and _finite_or_none(participant["y"])
    for statement in document["statements"]:
        for key in (
            "group_informed_consensus",
            "extremity",
            "priority",
            "bridging_intercept",
            "bridging_intercept_se",
            "bridging_factor",
        ):
            assert _finite_or_none(statement[key]), key
        for rep in statement["repness"].values():
            assert _finite_or_none(rep["value"]) and _finite_or_none(rep["test"])
    counted = sum(s["agrees"] + s["disagrees"] + s["passes"] for s in document["statements"])
    assert counted == len({(p, s) for p, s, _ in rows})
