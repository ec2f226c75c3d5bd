"""Kendall's coefficient of concordance W for a ranking item, corrected for ties."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ._common import _fmt, _ToDict


@dataclass(frozen=True)
class KendallResult(_ToDict):
    """Kendall's coefficient of concordance with tie correction.

    ``w`` in [0, 1]; ``chi2 = m (n - 1) W`` with ``df = n - 1`` and ``p_value`` its
    upper tail (a large-sample approximation; for small n and m consult exact tables).
    ``s`` is the sum of squared deviations of the rank sums, ``tie_sum`` the sum over
    judges of ``sum(t^3 - t)``, ``rank_sums``/``mean_ranks`` per item (lower = better).
    """

    w: float
    chi2: float
    df: int
    p_value: float
    s: float
    tie_sum: float
    m: int
    n: int
    rank_sums: tuple[float, ...]
    mean_ranks: tuple[float, ...]


def _check_rank_row(row: NDArray[np.float64], i: int) -> None:
    n = row.size
    bad = np.flatnonzero(~np.isfinite(row))
    if bad.size:
        raise ValueError(f"ranks row {i}: item {int(bad[0])} is not a finite rank ({row[bad[0]]})")
    if row.min() < 1 or row.max() > n:
        raise ValueError(f"ranks row {i}: ranks must lie between 1 and {n}, got {row.tolist()}")
    expected = n * (n + 1) / 2
    if abs(row.sum() - expected) > 1e-6:
        raise ValueError(
            f"ranks row {i}: ranks sum to {_fmt(row.sum())}, a ranking of {n} items sums to "
            f"{_fmt(expected)}"
        )
    proper = stats.rankdata(row, method="average")
    if not np.allclose(proper, row, atol=1e-6, rtol=0):
        raise ValueError(
            f"ranks row {i}: {row.tolist()} is not a ranking with average ranks for ties "
            f"(expected {proper.tolist()})"
        )


def kendall_w(ranks: ArrayLike) -> KendallResult:
    """Kendall's W for ``m`` judges ranking ``n`` items, corrected for ties.

    ``W = 12 S / (m^2 (n^3 - n) - m sum_i T_i)`` with ``T_i = sum (t^3 - t)`` over
    judge i's tied groups; ``chi2 = m (n - 1) W`` on ``n - 1`` degrees of freedom.

    Parameters
    ----------
    ranks : array_like, shape (m judges, n items)
        Each row a ranking 1..n with average ranks for ties (see
        :func:`ranks_from_orderings`).

    Raises
    ------
    ValueError
        Not 2-D, fewer than 2 judges or items, NaN, ranks outside 1..n, a wrong row
        sum, ties not given as average ranks, or every judge tying all items.

    Examples
    --------
    >>> r = kendall_w([[1, 2, 3, 4, 5], [2, 1, 3, 5, 4], [1, 3, 2, 4, 5]])
    >>> r.s, round(r.w, 6), round(r.chi2, 4), r.df, round(r.p_value, 5)
    (76.0, 0.844444, 10.1333, 4, 0.03824)
    >>> kendall_w([[1, 1, 3], [1, 2, 3]])
    Traceback (most recent call last):
    ...
    ValueError: ranks row 0: ranks sum to 5, a ranking of 3 items sums to 6
    """
    try:
        arr = np.asarray(ranks, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"ranks must be numbers: {exc}") from None
    if arr.ndim != 2:
        raise ValueError(f"ranks must be a 2-D array (judges x items), got shape {arr.shape}")
    m, n = arr.shape
    if m < 2:
        raise ValueError(f"ranks: need at least 2 judges, got {m}")
    if n < 2:
        raise ValueError(f"ranks: need at least 2 items, got {n}")
    for i in range(m):
        _check_rank_row(arr[i], i)
    tie_sum = 0.0
    for i in range(m):
        _, counts = np.unique(arr[i], return_counts=True)
        tie_sum += float(np.sum(counts.astype(float) ** 3 - counts))
    rank_sums = arr.sum(axis=0)
    s = float(np.sum((rank_sums - m * (n + 1) / 2) ** 2))
    denom = m * m * (n**3 - n) - m * tie_sum
    if denom <= 0:
        raise ValueError("ranks: every judge tied all items; W is undefined")
    w = min(max(12.0 * s / denom, 0.0), 1.0)
    df = n - 1
    chi2 = m * df * w
    return KendallResult(
        w=w,
        chi2=chi2,
        df=df,
        p_value=float(stats.chi2.sf(chi2, df)),
        s=s,
        tie_sum=tie_sum,
        m=m,
        n=n,
        rank_sums=tuple(float(x) for x in rank_sums),
        mean_ranks=tuple(float(x) / m for x in rank_sums),
    )
