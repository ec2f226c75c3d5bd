"""Stability of an item between two rounds: change of CV and a Wilcoxon signed-rank test."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ._common import _TOL, _as_1d, _fmt, _is_number, _ToDict
from ._summary import summarize_item


@dataclass(frozen=True)
class WilcoxonResult(_ToDict):
    """Wilcoxon signed-rank test of the shift between rounds on paired answers.

    ``status``: ``"ok"`` (``statistic``/``p_value`` set), ``"not_paired"`` (answers
    were not paired), ``"not_enough_pairs"`` (fewer than ``min_pairs`` non-zero
    differences; includes "nobody changed"). ``p_value`` is ``None`` unless ``"ok"``.
    """

    status: Literal["ok", "not_paired", "not_enough_pairs"]
    n_pairs: int
    n_nonzero: int
    min_pairs: int
    statistic: float | None = None
    p_value: float | None = None
    median_change: float | None = None


@dataclass(frozen=True)
class StabilityResult(_ToDict):
    """Stability of one item between two rounds.

    ``cv_change = cv_current - cv_previous`` (absolute, CV as a fraction);
    ``cv_change_relative = cv_change / cv_previous``. ``stable`` is true when
    ``|cv_change| <= max_cv_change`` and the Wilcoxon test (if it ran) found no
    significant shift (``p >= alpha``); ``reason`` says why.
    """

    n_previous: int
    n_current: int
    cv_previous: float | None
    cv_current: float | None
    cv_change: float | None
    cv_change_relative: float | None
    max_cv_change: float
    alpha: float
    wilcoxon: WilcoxonResult
    stable: bool
    reason: str


def stability(
    previous_values: ArrayLike | Mapping[Any, float],
    current_values: ArrayLike | Mapping[Any, float],
    *,
    paired: bool | None = None,
    max_cv_change: float = 0.1,
    alpha: float = 0.05,
    min_pairs: int = 6,
) -> StabilityResult:
    """Compare two rounds of answers to one item.

    Parameters
    ----------
    previous_values, current_values : array_like or mapping
        Answers of the two rounds. Mappings ``{panellist_id: answer}`` are paired by
        key (panellists present in both rounds).
    paired : bool, optional
        ``None`` (default): paired if both inputs are mappings, else unpaired.
        ``True`` with arrays: positional pairs, arrays must have equal length and
        ``NaN`` marks a missing answer (that pair is dropped; NaN is only allowed here).
        ``False``: only the CV change is computed.
    max_cv_change : float, default 0.1
        Largest absolute change of CV still called stable.
    alpha : float, default 0.05
        Significance level of the Wilcoxon test.
    min_pairs : int, default 6
        Minimum number of non-zero paired differences to run the test (with 5 or fewer
        the exact two-sided p-value cannot drop below 0.0625).

    Examples
    --------
    >>> r1 = {"ana": 5, "bo": 7, "cy": 9, "di": 3, "ed": 6}
    >>> r2 = {"ana": 6, "bo": 7, "cy": 8, "di": 5, "ed": 6}
    >>> res = stability(r1, r2)
    >>> round(res.cv_previous, 3), round(res.cv_current, 3), res.wilcoxon.status
    (0.373, 0.178, 'not_enough_pairs')
    >>> res.stable, res.reason
    (False, 'CV changed by -0.195 (limit 0.1)')
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha: must be in (0, 1), got {alpha!r}")
    if not _is_number(max_cv_change) or not max_cv_change >= 0:
        raise ValueError(f"max_cv_change: must be a non-negative number, got {max_cv_change!r}")
    if not isinstance(min_pairs, int) or isinstance(min_pairs, bool) or min_pairs < 1:
        raise ValueError(f"min_pairs: must be a positive integer, got {min_pairs!r}")

    prev_pairs: NDArray[np.float64] | None = None
    cur_pairs: NDArray[np.float64] | None = None
    both_maps = isinstance(previous_values, Mapping) and isinstance(current_values, Mapping)
    if isinstance(previous_values, Mapping) != isinstance(current_values, Mapping):
        raise ValueError("previous_values and current_values must both be mappings or both arrays")
    if both_maps:
        assert isinstance(previous_values, Mapping) and isinstance(current_values, Mapping)
        prev = _as_1d(list(previous_values.values()), "previous_values")
        cur = _as_1d(list(current_values.values()), "current_values")
        if paired is None or paired:
            common = [k for k in previous_values if k in current_values]
            prev_pairs = np.array([float(previous_values[k]) for k in common])
            cur_pairs = np.array([float(current_values[k]) for k in common])
    elif paired:
        p = np.asarray(previous_values, dtype=float)
        c = np.asarray(current_values, dtype=float)
        if p.ndim != 1 or c.ndim != 1 or p.shape != c.shape:
            raise ValueError(
                "paired=True needs two one-dimensional arrays of equal length, got shapes "
                f"{p.shape} and {c.shape}"
            )
        if np.isinf(p).any() or np.isinf(c).any():
            raise ValueError("previous_values/current_values must not contain infinity")
        prev, cur = p[~np.isnan(p)], c[~np.isnan(c)]
        keep = ~np.isnan(p) & ~np.isnan(c)
        prev_pairs, cur_pairs = p[keep], c[keep]
    else:
        prev = _as_1d(previous_values, "previous_values")  # type: ignore[arg-type]
        cur = _as_1d(current_values, "current_values")  # type: ignore[arg-type]

    s_prev, s_cur = summarize_item(prev), summarize_item(cur)
    cv_prev, cv_cur = s_prev.cv, s_cur.cv
    cv_change = cv_cur - cv_prev if cv_prev is not None and cv_cur is not None else None
    cv_rel = cv_change / cv_prev if cv_change is not None and cv_prev else None

    if prev_pairs is None or cur_pairs is None:
        wil = WilcoxonResult(status="not_paired", n_pairs=0, n_nonzero=0, min_pairs=min_pairs)
    else:
        diff = cur_pairs - prev_pairs
        nonzero = int(np.count_nonzero(diff))
        med = float(np.median(diff)) if diff.size else None
        if nonzero < min_pairs:
            wil = WilcoxonResult(
                status="not_enough_pairs",
                n_pairs=int(diff.size),
                n_nonzero=nonzero,
                min_pairs=min_pairs,
                median_change=med,
            )
        else:
            res = stats.wilcoxon(prev_pairs, cur_pairs, zero_method="wilcox", method="auto")
            wil = WilcoxonResult(
                status="ok",
                n_pairs=int(diff.size),
                n_nonzero=nonzero,
                min_pairs=min_pairs,
                statistic=float(res.statistic),
                p_value=float(res.pvalue),
                median_change=med,
            )

    if cv_change is None:
        stable, reason = False, "CV undefined in a round (fewer than 2 answers or mean 0)"
    elif abs(cv_change) > max_cv_change + _TOL:
        stable, reason = False, f"CV changed by {cv_change:+.3g} (limit {_fmt(max_cv_change)})"
    elif wil.status == "ok" and wil.p_value is not None and wil.p_value < alpha:
        stable = False
        reason = f"answers shifted significantly (Wilcoxon p = {wil.p_value:.3g} < {_fmt(alpha)})"
    else:
        stable = True
        reason = f"CV changed by {cv_change:+.3g} (limit {_fmt(max_cv_change)})"
        if wil.status == "ok":
            reason += f"; no significant shift (Wilcoxon p = {wil.p_value:.3g})"
    return StabilityResult(
        n_previous=s_prev.n,
        n_current=s_cur.n,
        cv_previous=cv_prev,
        cv_current=cv_cur,
        cv_change=cv_change,
        cv_change_relative=cv_rel,
        max_cv_change=float(max_cv_change),
        alpha=float(alpha),
        wilcoxon=wil,
        stable=stable,
        reason=reason,
    )
