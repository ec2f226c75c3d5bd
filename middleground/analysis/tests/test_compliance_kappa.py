"""Agreement of two compliance assessors: Cohen's (weighted) kappa.

Checked three ways: against published worked examples (sources at each test), against
a second, naive implementation written out below with explicit loops after the formula
of scikit-learn's ``cohen_kappa_score`` (scikit-learn is not a dependency), and by
properties (identical ratings, symmetry, the 2 x 2 formula, the quadratic-kappa /
covariance identity).
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from middleground.analysis.compliance import SCORES, agreement, cohen_kappa, weighted_kappa

FAST = settings(max_examples=150, deadline=None)


def expand(table: Sequence[Sequence[int]], categories: Sequence[object]) -> tuple[list, list]:
    """Rating lists ``a`` (rows) and ``b`` (columns) that give ``table``."""
    a, b = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [categories[i]] * count
            b += [categories[j]] * count
    return a, b


def rounded(value: float | None, places: int) -> float:
    """``value`` rounded, after checking it is defined."""
    assert value is not None
    return round(value, places)


def naive_kappa(a: Sequence[object], b: Sequence[object], labels: Sequence[object], weights):
    """Reference: scikit-learn's ``cohen_kappa_score`` formula, as plain loops.

    confusion C; expected E_ij = (row sum of y1 = i) (column sum = j) / n; weight matrix
    W = 1 off the diagonal (None), |i - j| (linear) or (i - j)^2 (quadratic), unscaled;
    kappa = 1 - sum(W C) / sum(W E).
    """
    k = len(labels)
    pos = {label: i for i, label in enumerate(labels)}
    confusion = [[0.0] * k for _ in range(k)]
    for x, y in zip(a, b, strict=True):
        if x is None or y is None:
            continue
        confusion[pos[x]][pos[y]] += 1
    n = sum(sum(row) for row in confusion)
    rows = [sum(confusion[i][j] for j in range(k)) for i in range(k)]
    cols = [sum(confusion[i][j] for i in range(k)) for j in range(k)]
    observed = expected = 0.0
    for i in range(k):
        for j in range(k):
            if weights is None:
                w = 0.0 if i == j else 1.0
            elif weights == "linear":
                w = float(abs(i - j))
            else:
                w = float((i - j) ** 2)
            observed += w * confusion[i][j]
            expected += w * rows[i] * cols[j] / n
    return 1 - observed / expected


# --- published worked examples ---------------------------------------------------------


def test_wikipedia_worked_example_is_0_4() -> None:
    # Wikipedia, "Cohen's kappa", simple example: 50 grant proposals read by A and B;
    # Yes/Yes 20, Yes/No 5, No/Yes 10, No/No 15 -> p_o = 0.7, p_e = 0.5, kappa = 0.4.
    a, b = expand([[20, 5], [10, 15]], ["yes", "no"])
    assert len(a) == 50
    assert cohen_kappa(a, b, categories=["yes", "no"], weights=None) == pytest.approx(0.4)
    # with two categories every weighting is the same
    assert cohen_kappa(a, b, categories=["yes", "no"]) == pytest.approx(0.4)
    assert cohen_kappa(a, b, ["yes", "no"], "quadratic") == pytest.approx(0.4)
    r = agreement(a, b, categories=["yes", "no"])
    assert (r.n, r.percent_agreement) == (50, pytest.approx(70.0))


# Cohen, J. (1968). Weighted kappa: nominal scale agreement with provision for scaled
# disagreement or partial credit. Psychological Bulletin 70(4): 213-220, Table 1:
# 200 cases, two judges, personality disorder / neurosis / psychosis; proportions
#   .44 .07 .09 / .05 .20 .05 / .01 .03 .06  (rows: judge B, columns: judge A).
# Cohen reports kappa = .492 and, with disagreement weights 1 (PD-N), 3 (PD-P) and
# 6 (N-P), kappa_w = .348; with the asymmetric weights below kappa_w = .353. (The same
# numbers are the example of R's psych::cohen.kappa, "cohen reports .492 and .348".)
COHEN_1968 = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]


def test_cohen_1968_unweighted_and_weighted_kappa() -> None:
    # by hand: p_o = .44 + .20 + .06 = .70; margins rows .6 .3 .1, columns .5 .3 .2;
    # p_e = .30 + .09 + .02 = .41; kappa = (.70 - .41) / (1 - .41) = .29 / .59 = .4915
    assert weighted_kappa(COHEN_1968, None) == pytest.approx(0.29 / 0.59)
    assert rounded(weighted_kappa(COHEN_1968, None), 3) == 0.492
    # sum v o = .07 + 3(.09) + .05 + 6(.05) + 3(.01) + 6(.03) = .90
    # sum v e = .18 + 3(.12) + .15 + 6(.06) + 3(.05) + 6(.03) = 1.38; 1 - .90/1.38 = .3478
    v = [[0, 1, 3], [1, 0, 6], [3, 6, 0]]
    assert weighted_kappa(COHEN_1968, v) == pytest.approx(1 - 0.90 / 1.38)
    assert rounded(weighted_kappa(COHEN_1968, v), 3) == 0.348
    asymmetric = [[0, 1, 4], [1, 0, 6], [2, 2, 0]]
    assert rounded(weighted_kappa(COHEN_1968, asymmetric), 3) == 0.353
    # the same from the 200 ratings, unweighted
    a, b = expand(COHEN_1968, ["PD", "N", "P"])
    assert cohen_kappa(a, b, ["PD", "N", "P"], None) == pytest.approx(0.29 / 0.59)


# Altman, D. G. (1991). Practical Statistics for Medical Research, Table 14.3: two
# radiologists grade 85 xeromammograms normal / benign / suspected cancer / cancer
# (rows radiologist A). It is the rate2 example of Stata's manual entry [R] kappa,
# which prints agreement 63.53 %, expected 30.82 %, kappa 0.4728, and with linear
# weights (wgt(w): 1 - |i - j| / (k - 1)) agreement 86.67 %, expected 69.11 %,
# kappa 0.5684.
ALTMAN_14_3 = [[21, 12, 0, 0], [4, 17, 1, 0], [3, 9, 15, 2], [0, 0, 0, 1]]


def test_altman_radiologists_unweighted_and_linear_kappa() -> None:
    grades = ["normal", "benign", "suspect", "cancer"]
    a, b = expand(ALTMAN_14_3, grades)
    r = agreement(a, b, categories=grades)
    assert r.n == 85
    assert rounded(r.percent_agreement, 2) == 63.53  # (21 + 17 + 15 + 1) / 85
    assert rounded(r.kappa, 4) == 0.4728
    assert rounded(r.kappa_linear, 4) == 0.5684
    # and the naive sklearn-formula loop agrees for all three weightings
    assert r.kappa == pytest.approx(naive_kappa(a, b, grades, None))
    assert r.kappa_linear == pytest.approx(naive_kappa(a, b, grades, "linear"))
    assert r.kappa_quadratic == pytest.approx(naive_kappa(a, b, grades, "quadratic"))


# --- hand-checked small example on the compliance scale ---------------------------------


def test_small_compliance_example_by_hand() -> None:
    a = [1, 1, 0, -1, 0, 1, None, 1]
    b = [1, 0, 0, -1, -1, 1, 1, None]
    r = agreement(a, b)
    # 6 pairs (the last two each miss a score); table, rows a = -1, 0, +1:
    #   (1 0 0 / 1 1 0 / 0 1 2); margins rows 1 2 3, columns 2 2 2; e_ij = row_i / 3
    assert r.table == ((1, 0, 0), (1, 1, 0), (0, 1, 2))
    assert r.n == 6 and r.percent_agreement == pytest.approx(400 / 6)
    # unweighted: observed disagreement 2, expected 6 - (1 + 2 + 3) x 2/6 = 4 -> 1 - 2/4
    assert r.kappa == pytest.approx(0.5)
    # linear, w = 1/2 adjacent, 1 two apart: observed 2 x 1/2 = 1;
    # expected (1/3)(1/2 + 1) + (2/3)(1/2 + 1/2) + 1 (1 + 1/2) = 1/2 + 2/3 + 3/2 = 8/3
    assert r.kappa_linear == pytest.approx(1 - 1 / (8 / 3))
    # quadratic, w = 1/4 adjacent: observed 1/2; expected 5/12 + 1/3 + 5/4 = 2 -> 0.75
    assert r.kappa_quadratic == pytest.approx(0.75)
    assert cohen_kappa(a, b) == r.kappa_linear  # linear is the default
    assert r.as_dict()["table"] == [[1, 0, 0], [1, 1, 0], [0, 1, 2]]


# --- undefined cases and bad input -------------------------------------------------------


def test_kappa_is_none_with_fewer_than_two_pairs_or_no_expected_disagreement() -> None:
    assert cohen_kappa([], []) is None
    assert cohen_kappa([1, None], [0, 1]) is None  # one pair
    assert cohen_kappa([0, 0, 0], [0, 0, 0]) is None  # one category used by both: 0/0
    r = agreement([None], [1])
    assert (r.n, r.percent_agreement, r.kappa, r.kappa_linear) == (0, None, None, None)
    # one assessor constant, the other not: defined (kappa 0, no agreement beyond chance)
    assert cohen_kappa([1, 1, 1, 1], [1, 0, 1, -1], weights=None) == pytest.approx(0.0)


def test_kappa_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="pair them"):
        cohen_kappa([1, 0], [1])
    with pytest.raises(ValueError, match=r"b\[1\] = 2"):
        cohen_kappa([1, 0], [1, 2])
    with pytest.raises(ValueError, match="weights"):
        cohen_kappa([1, 0], [1, 0], weights="cubic")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="twice"):
        cohen_kappa([1, 0], [1, 0], categories=[0, 0, 1])
    with pytest.raises(ValueError, match="square"):
        weighted_kappa([[1, 2, 3]])


# --- properties ---------------------------------------------------------------------------

ratings = st.lists(st.sampled_from(SCORES), min_size=2, max_size=60)


@st.composite
def rating_pairs(draw: st.DrawFn, k: int = 3) -> tuple[list[int | None], list[int | None]]:
    n = draw(st.integers(2, 60))
    cell = st.one_of(st.sampled_from(range(k)), st.none()) if k else st.none()
    a = draw(st.lists(cell, min_size=n, max_size=n))
    b = draw(st.lists(cell, min_size=n, max_size=n))
    return a, b


@FAST
@given(ratings)
def test_identical_ratings_with_variation_give_kappa_1(a: list[int]) -> None:
    assume(len(set(a)) >= 2)
    for w in (None, "linear", "quadratic"):
        assert cohen_kappa(a, list(a), weights=w) == 1.0  # type: ignore[arg-type]


@FAST
@given(rating_pairs(k=4))
def test_kappa_is_symmetric_in_the_two_assessors(pair: tuple[list, list]) -> None:
    a, b = pair
    for w in (None, "linear", "quadratic"):
        ab = cohen_kappa(a, b, categories=range(4), weights=w)  # type: ignore[arg-type]
        ba = cohen_kappa(b, a, categories=range(4), weights=w)  # type: ignore[arg-type]
        assert (ab is None) == (ba is None)
        if ab is not None:
            assert ab == pytest.approx(ba, abs=1e-12)
            assert ab <= 1.0 + 1e-12


@FAST
@given(rating_pairs(k=5))
def test_kappa_matches_the_naive_sklearn_formula(pair: tuple[list, list]) -> None:
    a, b = pair
    labels = list(range(5))
    for w in (None, "linear", "quadratic"):
        ours = cohen_kappa(a, b, categories=labels, weights=w)  # type: ignore[arg-type]
        if ours is None:
            continue
        assert ours == pytest.approx(naive_kappa(a, b, labels, w), rel=1e-9, abs=1e-12)


@FAST
@given(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30), st.integers(0, 30))
def test_unweighted_kappa_equals_the_two_category_formula(p: int, q: int, r: int, s: int) -> None:
    # 2 x 2 table (p q / r s): kappa = 2 (ps - qr) / ((p + q)(q + s) + (p + r)(r + s))
    denominator = (p + q) * (q + s) + (p + r) * (r + s)
    a, b = expand([[p, q], [r, s]], [0, 1])
    got = cohen_kappa(a, b, categories=[0, 1], weights=None)
    if denominator == 0 or p + q + r + s < 2:
        assert got is None
    else:
        assert got == pytest.approx(2 * (p * s - q * r) / denominator, abs=1e-12)


@FAST
@given(rating_pairs(k=3))
def test_quadratic_kappa_is_the_covariance_ratio(pair: tuple[list, list]) -> None:
    # Fleiss & Cohen (1973): with quadratic weights kappa_w = 2 s_ab / (s_a^2 + s_b^2 +
    # (mean_a - mean_b)^2), moments over the scored pairs with divisor n.
    a, b = pair
    kept = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    got = cohen_kappa(a, b, categories=range(3), weights="quadratic")
    if got is None:
        return
    n = len(kept)
    ma = sum(x for x, _ in kept) / n
    mb = sum(y for _, y in kept) / n
    va = sum((x - ma) ** 2 for x, _ in kept) / n
    vb = sum((y - mb) ** 2 for _, y in kept) / n
    cov = sum((x - ma) * (y - mb) for x, y in kept) / n
    assert got == pytest.approx(2 * cov / (va + vb + (ma - mb) ** 2), abs=1e-9)


def test_scaling_the_disagreement_weights_changes_nothing() -> None:
    v = [[0, 1, 3], [1, 0, 6], [3, 6, 0]]
    scaled = [[x / 6 for x in row] for row in v]
    assert weighted_kappa(COHEN_1968, scaled) == pytest.approx(weighted_kappa(COHEN_1968, v))
