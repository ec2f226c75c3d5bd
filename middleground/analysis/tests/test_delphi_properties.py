"""Property tests (hypothesis) of the Delphi statistics core."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import stats

from middleground.analysis.delphi import (
    ConsensusRules,
    LikertScale,
    evaluate_consensus,
    kendall_w,
    ranks_from_orderings,
    summarize_item,
)

FAST = settings(max_examples=80, deadline=None)


@st.composite
def rank_matrices(draw: st.DrawFn, ties: bool = True) -> np.ndarray:
    """m x n average-rank matrices built from random integer scores (ties likely)."""
    m = draw(st.integers(2, 7))
    n = draw(st.integers(3, 7))
    top = n if not ties else draw(st.integers(2, n))
    rows = []
    for _ in range(m):
        if ties:
            scores = draw(st.lists(st.integers(1, top), min_size=n, max_size=n))
        else:
            scores = draw(st.permutations(range(n)))
        rows.append(stats.rankdata(scores, method="average"))
    arr = np.array(rows, dtype=float)
    # skip the undefined case where every judge ties everything
    if all(len(set(r)) == 1 for r in arr):
        arr[0] = np.arange(1, n + 1)
    return arr


@FAST
@given(rank_matrices())
def test_w_is_between_zero_and_one(ranks: np.ndarray) -> None:
    r = kendall_w(ranks)
    assert 0.0 <= r.w <= 1.0
    assert 0.0 <= r.p_value <= 1.0
    assert r.chi2 == pytest.approx(r.m * (r.n - 1) * r.w)


@FAST
@given(rank_matrices())
def test_w_matches_friedman(ranks: np.ndarray) -> None:
    fr = stats.friedmanchisquare(*ranks.T)
    assert kendall_w(ranks).chi2 == pytest.approx(float(fr.statistic), rel=1e-9, abs=1e-12)


@FAST
@given(st.integers(2, 8), st.permutations(range(1, 7)), st.booleans())
def test_w_is_one_when_all_judges_agree(m: int, row: list[int], tie_top: bool) -> None:
    r = np.array(row, dtype=float)
    if tie_top:  # identical rankings with the same tie still give W = 1
        r[np.argsort(r)[:2]] = 1.5
    assert kendall_w(np.tile(r, (m, 1))).w == pytest.approx(1.0)


@FAST
@given(rank_matrices(), st.randoms(use_true_random=False))
def test_w_ignores_item_and_judge_order(ranks: np.ndarray, rnd) -> None:
    base = kendall_w(ranks)
    cols = list(range(ranks.shape[1]))
    rows = list(range(ranks.shape[0]))
    rnd.shuffle(cols)
    rnd.shuffle(rows)
    shuffled = kendall_w(ranks[rows][:, cols])
    assert shuffled.w == pytest.approx(base.w)
    assert shuffled.p_value == pytest.approx(base.p_value)
    assert shuffled.rank_sums == pytest.approx([base.rank_sums[c] for c in cols])


@FAST
@given(
    st.lists(
        st.lists(st.sampled_from("abcde"), min_size=1, max_size=5, unique=True),
        min_size=2,
        max_size=6,
    )
)
def test_partial_orderings_always_give_valid_rank_rows(orderings: list[list[str]]) -> None:
    ranks = ranks_from_orderings(orderings, list("abcde"), unranked="tie_last")
    assert ranks.shape == (len(orderings), 5)
    np.testing.assert_allclose(ranks.sum(axis=1), 15.0)
    if not all(len(set(r)) == 1 for r in ranks):
        kendall_w(ranks)  # accepted as proper rankings


finite = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)


@FAST
@given(
    st.lists(st.floats(0.5, 1e3, allow_nan=False), min_size=2, max_size=30),
    st.floats(0.01, 100),
)
def test_cv_is_scale_invariant(values: list[float], c: float) -> None:
    a = summarize_item(values)
    b = summarize_item([c * v for v in values])
    assert a.cv is not None and b.cv is not None
    assert b.cv == pytest.approx(a.cv, rel=1e-6, abs=1e-12)


@FAST
@given(st.lists(finite, min_size=1, max_size=40))
@example([-10000.0, -9999.999999999998])  # too narrow for ten distinct histogram edges
def test_quartiles_are_ordered_and_json_safe(values: list[float]) -> None:
    s = summarize_item(values)
    assert s.minimum is not None and s.q1 is not None and s.median is not None
    assert s.q3 is not None and s.maximum is not None and s.iqr is not None
    assert s.minimum <= s.q1 <= s.median <= s.q3 <= s.maximum
    assert s.iqr >= 0
    json.dumps(s.to_dict(), allow_nan=False)


@FAST
@given(
    st.lists(st.integers(1, 9), min_size=1, max_size=40),
    st.integers(1, 9),
    st.integers(0, 8),
    st.integers(0, 8),
)
def test_percent_agreement_grows_with_band_width(
    values: list[int], low: int, widen_low: int, widen_high: int
) -> None:
    high = low
    wide = (max(1, low - widen_low), min(9, high + widen_high))
    narrow_pct = summarize_item(values, scale=LikertScale(9), agreement_band=(low, high))
    wide_pct = summarize_item(values, scale=LikertScale(9), agreement_band=wide)
    assert narrow_pct.percent_in_band is not None and wide_pct.percent_in_band is not None
    assert narrow_pct.percent_in_band <= wide_pct.percent_in_band
    full = summarize_item(values, scale=LikertScale(9), agreement_band=(1, 9))
    assert full.percent_in_band == 100.0
    assert sum(full.distribution.counts) == len(values)


@FAST
@given(
    st.lists(st.integers(1, 9), min_size=0, max_size=25),
    st.integers(1, 10),
    st.integers(1, 100),
    st.floats(0, 4),
)
def test_any_is_at_least_as_lenient_as_all(
    values: list[int], min_answers: int, pct: int, max_iqr: float
) -> None:
    s = summarize_item(values, scale=LikertScale(9))
    kwargs: dict[str, Any] = {
        "min_answers": min_answers,
        "percent_agreement": (7, 9, pct),
        "max_iqr": max_iqr,
    }
    r_all = evaluate_consensus(s, ConsensusRules(**kwargs, combine="all"))
    r_any = evaluate_consensus(s, ConsensusRules(**kwargs, combine="any"))
    assert r_any.reached or not r_all.reached
    if len(values) < min_answers:
        assert r_any.status == "insufficient_answers"
    rules = ConsensusRules(**kwargs)
    assert ConsensusRules.from_dict(json.loads(json.dumps(rules.to_dict()))) == rules
