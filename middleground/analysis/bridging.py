"""Bridging score: Community Notes' one-factor matrix factorisation, without PyTorch.

Each rating (agree 1, pass 0.5, disagree 0) is modelled as

    r_hat(u, n) = mu + i_u + i_n + f_u * f_n

minimising mean squared error + 0.15 * (mean(i_u^2) + mean(i_n^2) + mu^2)
+ 0.03 * (mean(f_u^2) + mean(f_n^2)): intercepts are regularised five times more than
factors. The factor absorbs the dominant axis of division, so a statement's intercept
``i_n`` is the support that remains across it. The fit is alternating least squares on
the sparse matrix: with one side fixed, every participant's (and then every
statement's) intercept and factor solve an independent 2x2 ridge system, computed for
all of them at once from sparse matrix products.

Each statement's intercept gets a standard error from its 2x2 system at the optimum
(residual variance times the inverse normal matrix, the other side held fixed).

Examples
--------
Two blocs split on statements 0-3 and both agree with statement 4:

>>> import numpy as np
>>> rows, cols, ratings = [], [], []
>>> for person in range(40):
...     bloc = person % 2
...     for statement in range(5):
...         rows.append(person); cols.append(statement)
...         ratings.append(1.0 if statement == 4 or (statement % 2) == bloc else 0.0)
>>> fit = fit_bridging(rows, cols, ratings, min_ratings_per_participant=5)
>>> int(np.argmax(fit.statement_intercept))
4
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from middleground.analysis._json import finite_or_none
from middleground.analysis._votes import RowBlocks

if TYPE_CHECKING:
    from middleground.analysis._votes import VoteMatrix

__all__ = ["BridgingFit", "BridgingOptions", "fit_bridging", "fit_bridging_matrix"]


@dataclass(frozen=True)
class BridgingOptions:
    """Parameters of the fit and of the helpful / not-helpful rules.

    Defaults are Community Notes': lambda 0.03 on factors, 5x on intercepts, raters
    with >= 10 ratings, statements with >= 5; helpful when ``i_n >= 0.40`` and
    ``|f_n| <= 0.5``; not helpful when ``i_n <= -0.05 - 0.8 |f_n|``.
    """

    factor_lambda: float = 0.03
    intercept_lambda: float = 0.15
    pass_rating: float | None = 0.5  # None: a pass counts as no rating
    min_ratings_per_participant: int = 10
    min_ratings_per_statement: int = 5
    helpful_min_intercept: float = 0.40
    helpful_max_abs_factor: float = 0.5
    not_helpful_intercept_base: float = -0.05
    not_helpful_factor_slope: float = 0.8
    max_iter: int = 200
    tolerance: float = 1e-4  # largest parameter change; intercepts then within ~1e-3 (SE ~0.05)


@dataclass
class BridgingFit:
    """Fitted parameters; statements / participants left out of the fit carry NaN."""

    global_intercept: float
    statement_intercept: np.ndarray
    statement_intercept_se: np.ndarray
    statement_factor: np.ndarray
    statement_status: list[str | None]
    participant_intercept: np.ndarray
    participant_factor: np.ndarray
    iterations: int
    rmse: float

    def intercept_of(self, column: int) -> float | None:
        return finite_or_none(self.statement_intercept[column])

    def intercept_se_of(self, column: int) -> float | None:
        return finite_or_none(self.statement_intercept_se[column])

    def factor_of(self, column: int) -> float | None:
        return finite_or_none(self.statement_factor[column])

    def status_of(self, column: int) -> str | None:
        return self.statement_status[column]


def status(intercept: float, factor: float, options: BridgingOptions) -> str:
    """``"helpful"``, ``"not_helpful"`` or ``"neither"`` by Community Notes' rules."""
    if intercept >= options.helpful_min_intercept and abs(factor) <= options.helpful_max_abs_factor:
        return "helpful"
    threshold = options.not_helpful_intercept_base - options.not_helpful_factor_slope * abs(factor)
    if intercept <= threshold:
        return "not_helpful"
    return "neither"


def fit_bridging(
    participant: Sequence[int] | np.ndarray,
    statement: Sequence[int] | np.ndarray,
    rating: Sequence[float] | np.ndarray,
    *,
    n_participants: int | None = None,
    n_statements: int | None = None,
    seed: int = 0,
    options: BridgingOptions | None = None,
    **option_overrides: Any,
) -> BridgingFit:
    """Fit from ratings in [0, 1] given as (participant index, statement index, rating).

    Indices are 0-based rows and columns; a repeated pair keeps its last rating.
    Keyword arguments override fields of :class:`BridgingOptions`.
    """
    options = options or BridgingOptions()
    if option_overrides:
        options = BridgingOptions(**{**options.__dict__, **option_overrides})
    rows = np.asarray(participant, dtype=np.int64)
    cols = np.asarray(statement, dtype=np.int64)
    values = np.asarray(rating, dtype=float)
    n_rows = n_participants if n_participants is not None else int(rows.max(initial=-1)) + 1
    n_cols = n_statements if n_statements is not None else int(cols.max(initial=-1)) + 1
    keys = rows * max(n_cols, 1) + cols
    _, last = np.unique(keys[::-1], return_index=True)
    keep = (rows.size - 1 - last) if rows.size else np.zeros(0, dtype=np.int64)
    matrix = sp.csr_matrix(
        (values[keep], (rows[keep], cols[keep])), shape=(n_rows, n_cols), dtype=float
    )
    matrix.sort_indices()
    return _fit(matrix.indptr, matrix.indices, matrix.data, (n_rows, n_cols), options, seed)


def fit_bridging_matrix(
    matrix: VoteMatrix,
    *,
    options: BridgingOptions | None = None,
    seed: int = 0,
    exclude: np.ndarray | None = None,
    start_factor: np.ndarray | None = None,
) -> BridgingFit:
    """Fit on a vote matrix (agree 1, pass ``options.pass_rating``, disagree 0).

    ``exclude`` marks statement columns (moderated out, meta) left out of the fit;
    ``start_factor`` (one value per statement, e.g. the first principal component)
    starts the statement factors near the main axis of division, which saves iterations.
    """
    options = options or BridgingOptions()
    votes = matrix.values
    keep = np.ones(votes.size, dtype=bool)
    if exclude is not None and exclude.any():
        keep &= ~exclude[matrix.indices]
    if options.pass_rating is None:
        keep &= votes != 0
    ratings = np.where(votes == 1, 1.0, np.where(votes == -1, 0.0, options.pass_rating or 0.0))
    indptr, indices = matrix.indptr, matrix.indices
    if not keep.all():
        counts = np.bincount(matrix.row_of_each_vote()[keep], minlength=matrix.shape[0])
        indptr = np.concatenate(([0], np.cumsum(counts)))
        indices = indices[keep]
        ratings = ratings[keep]
    return _fit(indptr, indices, ratings, matrix.shape, options, seed, start_factor)


def _fit(
    indptr: np.ndarray,
    indices: np.ndarray,
    ratings: np.ndarray,
    shape: tuple[int, int],
    options: BridgingOptions,
    seed: int,
    start_factor: np.ndarray | None = None,
) -> BridgingFit:
    n_rows, n_cols = shape
    row_counts = np.diff(indptr)
    col_counts = np.bincount(indices, minlength=n_cols)
    # inclusion: statements with enough ratings, then raters with enough on those
    good_cols = col_counts >= options.min_ratings_per_statement
    on_good = good_cols[indices]
    rows_of = np.repeat(np.arange(n_rows, dtype=np.int32), row_counts)
    good_row_counts = np.bincount(rows_of[on_good], minlength=n_rows)
    good_rows = good_row_counts >= options.min_ratings_per_participant
    keep = on_good & good_rows[rows_of]
    row_index = np.cumsum(good_rows) - 1
    col_index = np.cumsum(good_cols) - 1
    n_u, n_n = int(good_rows.sum()), int(good_cols.sum())

    empty = _empty_fit(n_rows, n_cols)
    if n_u == 0 or n_n == 0 or not keep.any():
        return empty
    if keep.all() and n_u == n_rows and n_n == n_cols:
        # everyone and everything qualifies (large conversations): no copies
        sub_rows, sub_cols, r, sub_indptr = rows_of, indices.astype(np.int32), ratings, indptr
        counts_u = row_counts.astype(float)
    else:
        sub_rows = row_index[rows_of[keep]].astype(np.int32)
        sub_cols = col_index[indices[keep]].astype(np.int32)
        r = ratings[keep]
        counts_u = np.bincount(sub_rows, minlength=n_u).astype(float)
        sub_indptr = np.concatenate(([0], np.cumsum(counts_u.astype(np.int64))))
    del rows_of, keep, on_good
    pattern_matrix = sp.csr_matrix(
        (np.ones(r.size), sub_cols, sub_indptr), shape=(n_u, n_n), copy=False
    )
    rated_matrix = sp.csr_matrix((r, sub_cols, sub_indptr), shape=(n_u, n_n), copy=False)
    # row blocks run on all cores; transposed products stream over rows (CSC views)
    pattern = RowBlocks(pattern_matrix)
    rated = RowBlocks(rated_matrix)
    counts_n = np.bincount(sub_cols, minlength=n_n).astype(float)
    total = float(r.size)
    sum_r = float(r.sum())
    rated_sum_u = np.bincount(sub_rows, weights=r, minlength=n_u)
    rated_sum_n = np.bincount(sub_cols, weights=r, minlength=n_n)

    # loss x N: per-side ridge weights (mean penalties become sums scaled by N / count)
    lam_iu = options.intercept_lambda * total / n_u
    lam_fu = options.factor_lambda * total / n_u
    lam_in = options.intercept_lambda * total / n_n
    lam_fn = options.factor_lambda * total / n_n
    lam_mu = options.intercept_lambda * total

    rng = np.random.default_rng(seed)
    f_u = rng.normal(0.0, 0.1, n_u)
    i_u = np.zeros(n_u)
    f_n = rng.normal(0.0, 0.1, n_n)
    if start_factor is not None:
        start = np.asarray(start_factor, dtype=float)[good_cols]
        spread = float(start.std())
        if np.isfinite(spread) and spread > 0:
            f_n = 0.3 * start / spread + 0.01 * f_n
    i_n = np.zeros(n_n)
    mu = sum_r / total

    def solve_side(
        mat: Callable[[np.ndarray], np.ndarray],
        rated_mat: Callable[[np.ndarray], np.ndarray],
        own_sum: np.ndarray,
        own_counts: np.ndarray,
        other_intercept: np.ndarray,
        other_factor: np.ndarray,
        lam_i: float,
        lam_f: float,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        block = mat(
            np.column_stack(
                [other_intercept, other_factor, other_factor**2, other_intercept * other_factor]
            )
        )
        sum_i, sum_f, sum_ff, sum_if = block.T
        rated_f = rated_mat(other_factor)
        b1 = own_sum - mu * own_counts - sum_i
        b2 = rated_f - mu * sum_f - sum_if
        a11 = own_counts + lam_i
        a12 = sum_f
        a22 = sum_ff + lam_f
        det = a11 * a22 - a12 * a12
        intercept = (a22 * b1 - a12 * b2) / det
        factor = (a11 * b2 - a12 * b1) / det
        return intercept, factor, sum_f, a22 / det

    iterations = 0
    inverse_11 = np.zeros(n_n)
    for step in range(1, options.max_iter + 1):
        iterations = step
        old = (mu, i_n.copy(), f_n.copy())
        i_u, f_u, sum_fn_u, _ = solve_side(
            pattern.dot, rated.dot, rated_sum_u, counts_u, i_n, f_n, lam_iu, lam_fu
        )
        cross = float(f_u @ sum_fn_u)
        mu = (sum_r - float(i_u @ counts_u) - float(i_n @ counts_n) - cross) / (total + lam_mu)
        i_n, f_n, _, inverse_11 = solve_side(
            pattern.tdot, rated.tdot, rated_sum_n, counts_n, i_u, f_u, lam_in, lam_fn
        )
        # the statement parameters (and mu) are what is reported; participants' follow
        change = max(
            abs(mu - old[0]),
            float(np.abs(i_n - old[1]).max()),
            float(np.abs(f_n - old[2]).max()),
        )
        if change < options.tolerance:
            break
    # fix the sign of the factor axis: statements' factors weighted by count sum >= 0
    if float(f_n @ counts_n) < 0:
        f_n, f_u = -f_n, -f_u
    squared_error = 0.0
    chunk = 1 << 22  # bounded temporaries on very large conversations
    for begin in range(0, r.size, chunk):
        rows_part = sub_rows[begin : begin + chunk]
        cols_part = sub_cols[begin : begin + chunk]
        predicted = mu + i_u[rows_part] + i_n[cols_part] + f_u[rows_part] * f_n[cols_part]
        squared_error += float(((r[begin : begin + chunk] - predicted) ** 2).sum())
    residual_variance = squared_error / max(total - 1.0, 1.0)
    se_n = np.sqrt(np.maximum(residual_variance * inverse_11, 0.0))

    statement_intercept = np.full(n_cols, np.nan)
    statement_se = np.full(n_cols, np.nan)
    statement_factor = np.full(n_cols, np.nan)
    statement_intercept[good_cols] = i_n
    statement_se[good_cols] = se_n
    statement_factor[good_cols] = f_n
    participant_intercept = np.full(n_rows, np.nan)
    participant_factor = np.full(n_rows, np.nan)
    participant_intercept[good_rows] = i_u
    participant_factor[good_rows] = f_u
    statuses: list[str | None] = [
        status(i, f, options) if np.isfinite(i) else None
        for i, f in zip(statement_intercept.tolist(), statement_factor.tolist(), strict=True)
    ]
    return BridgingFit(
        global_intercept=float(mu),
        statement_intercept=statement_intercept,
        statement_intercept_se=statement_se,
        statement_factor=statement_factor,
        statement_status=statuses,
        participant_intercept=participant_intercept,
        participant_factor=participant_factor,
        iterations=iterations,
        rmse=float(np.sqrt(residual_variance)),
    )


def _empty_fit(n_rows: int, n_cols: int) -> BridgingFit:
    return BridgingFit(
        global_intercept=float("nan"),
        statement_intercept=np.full(n_cols, np.nan),
        statement_intercept_se=np.full(n_cols, np.nan),
        statement_factor=np.full(n_cols, np.nan),
        statement_status=[None] * n_cols,
        participant_intercept=np.full(n_rows, np.nan),
        participant_factor=np.full(n_rows, np.nan),
        iterations=0,
        rmse=float("nan"),
    )
