"""Kendall's W: worked examples, an outside published example, cross-checks, bad input."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from scipy import stats

from middleground.analysis.delphi import kendall_w, ranks_from_orderings

# The two worked examples of the project's method reference (docs: Delphi method,
# "Kendall's W: definition and two worked examples").
EXAMPLE_A: list[list[float]] = [[1, 2, 3, 4, 5], [2, 1, 3, 5, 4], [1, 3, 2, 4, 5]]
EXAMPLE_B: list[list[float]] = [
    [1, 2.5, 2.5, 4, 5, 6],
    [1, 2, 3, 4.5, 4.5, 6],
    [2, 1, 3, 4, 6, 5],
    [1.5, 1.5, 3, 4, 5, 6],
    [1, 2, 4, 3, 5, 6],
]

# NAG Library, routine g08daf (nagf_nonpar_concordance_kendall), example program results:
# https://support.nag.com/numeric/fl/nagdoc_fl26.2/examples/baseresults/g08dafe.r.html
# 3 comparisons of 10 objects, already average ranks with ties; NAG prints
# "Kendall's coefficient = 0.828, Significance = 0.008".
NAG_G08DAF: list[list[float]] = [
    [1.0, 4.5, 2.0, 4.5, 3.0, 7.5, 6.0, 9.0, 7.5, 10.0],
    [2.5, 1.0, 2.5, 4.5, 4.5, 8.0, 9.0, 6.5, 10.0, 6.5],
    [2.0, 1.0, 4.5, 4.5, 4.5, 4.5, 8.0, 8.0, 8.0, 10.0],
]


def test_reference_example_a_without_ties() -> None:
    r = kendall_w(EXAMPLE_A)
    assert r.s == 76.0
    assert r.tie_sum == 0.0
    assert round(r.w, 6) == 0.844444
    assert round(r.chi2, 4) == 10.1333
    assert r.df == 4
    assert round(r.p_value, 5) == 0.03824
    assert (r.m, r.n) == (3, 5)
    assert r.rank_sums == (4.0, 6.0, 8.0, 13.0, 14.0)


def test_reference_example_b_with_ties() -> None:
    r = kendall_w(EXAMPLE_B)
    assert r.s == 397.5
    assert r.tie_sum == 18.0
    assert round(r.w, 6) == 0.924419
    assert round(r.chi2, 4) == 23.1105
    assert r.df == 5
    assert round(r.p_value, 6) == 0.000322


def test_nag_g08daf_published_example() -> None:
    r = kendall_w(NAG_G08DAF)
    assert round(r.w, 3) == 0.828
    assert round(r.p_value, 3) == 0.008
    # By hand: rank sums 5.5, 6.5, 9, 13.5, 12, 20, 23, 23.5, 25.5, 26.5 give S = 591;
    # ties: judge 1 two pairs (12), judge 2 three pairs (18), judge 3 a four and a three
    # (60 + 24), so sum of (t^3 - t) = 114.
    assert r.s == 591.0
    assert r.tie_sum == 114.0


def test_result_serialises_to_plain_json() -> None:
    d = json.loads(json.dumps(kendall_w(EXAMPLE_B).to_dict(), allow_nan=False))
    assert set(d) >= {"w", "chi2", "df", "p_value"}
    assert d["mean_ranks"][0] == pytest.approx(6.5 / 5)


@pytest.mark.parametrize("ranks", [EXAMPLE_A, EXAMPLE_B, NAG_G08DAF])
def test_chi2_matches_scipy_friedman_with_the_same_tie_correction(ranks) -> None:
    # Friedman's statistic on the same blocks (judges) equals m (n - 1) W, tie-corrected.
    arr = np.asarray(ranks, dtype=float)
    fr = stats.friedmanchisquare(*arr.T)
    r = kendall_w(ranks)
    assert r.chi2 == pytest.approx(float(fr.statistic), rel=1e-12)
    assert r.p_value == pytest.approx(float(fr.pvalue), rel=1e-9)


def test_untied_w_equals_the_mean_spearman_identity() -> None:
    # Kendall & Babington Smith: W = ((m - 1) * mean pairwise Spearman rho + 1) / m.
    rng = np.random.default_rng(7)
    ranks = np.array([rng.permutation(6) + 1 for _ in range(5)], dtype=float)
    rhos = [
        stats.spearmanr(ranks[i], ranks[j]).statistic for i in range(5) for j in range(i + 1, 5)
    ]
    assert kendall_w(ranks).w == pytest.approx(((5 - 1) * np.mean(rhos) + 1) / 5)


def test_perfect_disagreement_of_two_judges_is_zero() -> None:
    r = kendall_w([[1, 2, 3, 4], [4, 3, 2, 1]])
    assert r.w == 0.0 and r.chi2 == 0.0 and r.p_value == 1.0


@pytest.mark.parametrize(
    ("ranks", "message"),
    [
        ([1, 2, 3], "2-D"),
        ([[1, 2, 3]], "at least 2 judges"),
        ([[1], [1]], "at least 2 items"),
        ([[1, 2, float("nan")], [1, 2, 3]], r"row 0: item 2 is not a finite rank"),
        ([[1, 2, 3], [1, 1, 3]], r"row 1: ranks sum to 5, a ranking of 3 items sums to 6"),
        ([[1, 2, 3], [0, 2, 4]], r"row 1: ranks must lie between 1 and 3"),
        # right sum, in range, but ties not given as average ranks (should be 1.5/3.5)
        ([[2, 2, 3, 3], [1, 2, 3, 4]], r"row 0: .* not a ranking with average ranks"),
        ([[1, 2, 3, 4], [1, 3, 3, 3]], None),  # a valid tie (3 = mean of 2, 3, 4)
        ([[2, 2, 2], [2, 2, 2]], "tied all items"),
        ([["a", "b"], [1, 2]], "must be numbers"),
    ],
)
def test_bad_rankings_are_clear_errors(ranks, message) -> None:
    if message is None:
        assert 0.0 <= kendall_w(ranks).w <= 1.0
        return
    with pytest.raises(ValueError, match=message):
        kendall_w(ranks)


def test_orderings_with_ties_become_average_ranks() -> None:
    options = ["water", "digital", "health", "energy"]
    orderings: list[list[Any]] = [
        ["water", "digital", "health", "energy"],
        [("water", "digital"), "energy", "health"],
        ["digital", ("water", "health", "energy")],
    ]
    ranks = ranks_from_orderings(orderings, options)
    np.testing.assert_array_equal(
        ranks,
        [[1, 2, 3, 4], [1.5, 1.5, 4, 3], [3, 1, 3, 3]],
    )
    assert kendall_w(ranks).m == 3


def test_orderings_reject_duplicates_and_name_the_panellist() -> None:
    with pytest.raises(ValueError, match=r"ordering 1: ranking lists option 'a' more than once"):
        ranks_from_orderings([["a", "b"], ["a", "a"]], ["a", "b"])
    with pytest.raises(ValueError, match="ordering 0: ranking is missing"):
        ranks_from_orderings([["a"]], ["a", "b", "c"])
    with pytest.raises(ValueError, match="unique"):
        ranks_from_orderings([["a"]], ["a", "a"])
    ranks = ranks_from_orderings([["b"]], ["a", "b", "c"], unranked="tie_last")
    np.testing.assert_array_equal(ranks, [[2.5, 1, 2.5]])
