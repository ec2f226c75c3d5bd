"""Summary of one item in one round: quartiles, spread, distribution, agreement band."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._common import _TOL, _as_1d, _fmt, _is_number, _ToDict
from ._scales import LikertScale, NumericScale, Scale
from ._validators import validate_likert, validate_numeric

#: Quantile methods accepted by :func:`summarize_item` (numpy names) and what they are.
QUANTILE_METHODS: dict[str, str] = {
    "linear": "Hyndman & Fan type 7 (R default, Excel QUARTILE.INC)",
    "weibull": "Hyndman & Fan type 6 (Minitab, SPSS, Excel QUARTILE.EXC)",
    "median_unbiased": "Hyndman & Fan type 8",
    "hazen": "Hyndman & Fan type 5",
    "inverted_cdf": "Hyndman & Fan type 1",
}


@dataclass(frozen=True)
class Distribution(_ToDict):
    """Answer counts.

    ``kind == "points"``: ``points`` are the scale points (Likert), ``counts`` one per
    point, ``labels`` the scale labels if any. ``kind == "histogram"``: ``edges`` has
    ``len(counts) + 1`` bin edges; bins are half-open ``[a, b)`` except the last,
    which is closed.
    """

    kind: Literal["points", "histogram"]
    counts: tuple[int, ...]
    points: tuple[int, ...] | None = None
    labels: tuple[str, ...] | None = None
    edges: tuple[float, ...] | None = None


@dataclass(frozen=True)
class ItemSummary(_ToDict):
    """Statistics of one item in one round. Undefined values are ``None``.

    Attributes
    ----------
    n : int
        Number of answers.
    median, q1, q3, iqr : float or None
        Quartiles with ``quantile_method``; ``iqr = q3 - q1``.
    mean, sd, cv : float or None
        Mean, sample SD (ddof=1, needs n >= 2), coefficient of variation ``sd/|mean|``
        (``None`` if the mean is 0).
    minimum, maximum : float or None
    distribution : Distribution
    agreement_band : (low, high) or None
        Inclusive band for ``percent_in_band``.
    percent_in_band : float or None
        Percent (0-100) of answers within ``agreement_band``.
    quantile_method : str
        numpy quantile method name (see :data:`QUANTILE_METHODS`).
    values : tuple of float
        The sorted answers (kept for consensus rules; not in ``to_dict()``/``repr``).
    """

    n: int
    median: float | None
    q1: float | None
    q3: float | None
    iqr: float | None
    mean: float | None
    sd: float | None
    cv: float | None
    minimum: float | None
    maximum: float | None
    distribution: Distribution
    agreement_band: tuple[float, float] | None
    percent_in_band: float | None
    quantile_method: str
    values: tuple[float, ...] = field(default=(), repr=False, compare=False)

    def count_between(self, low: float, high: float) -> int:
        """Number of answers in the inclusive band ``[low, high]``."""
        v = np.asarray(self.values, dtype=float)
        return int(np.count_nonzero((v >= low - _TOL) & (v <= high + _TOL)))

    def is_outside_iqr(self, value: float) -> bool:
        """Whether an answer lies outside ``[q1, q3]`` (real-time Delphi asks such
        panellists for a reason). ``False`` when there are no answers yet.

        >>> s = summarize_item([3, 5, 5, 6, 7])
        >>> s.is_outside_iqr(3), s.is_outside_iqr(5.5)
        (True, False)
        """
        if self.q1 is None or self.q3 is None:
            return False
        return bool(value < self.q1 - _TOL or value > self.q3 + _TOL)

    def percent_between(self, low: float, high: float) -> float | None:
        """Percent (0-100) of answers in ``[low, high]``; ``None`` when ``n == 0``.

        >>> summarize_item([1, 2, 3, 4]).percent_between(2, 3)
        50.0
        """
        if self.n == 0:
            return None
        return 100.0 * self.count_between(low, high) / self.n


def _check_band(band: object, name: str) -> tuple[float, float]:
    if not isinstance(band, Sequence) or isinstance(band, str) or len(band) != 2:
        raise ValueError(f"{name}: must be a pair (low, high), got {band!r}")
    low, high = band
    if not (_is_number(low) and _is_number(high)) or not (
        math.isfinite(low) and math.isfinite(high)
    ):
        raise ValueError(f"{name}: low and high must be finite numbers, got {band!r}")
    if low > high:
        raise ValueError(f"{name}: low {_fmt(low)} is greater than high {_fmt(high)}")
    return float(low), float(high)


def summarize_item(
    values: ArrayLike,
    *,
    scale: Scale | None = None,
    agreement_band: tuple[float, float] | None = None,
    quantile_method: str = "linear",
) -> ItemSummary:
    """Summarise the answers to one item in one round.

    Parameters
    ----------
    values : array_like of numbers
        One answer per panellist (missing answers left out). Checked against ``scale``.
    scale : LikertScale or NumericScale, optional
        Likert gives counts per point; numeric (or ``None``) gives a histogram.
    agreement_band : (low, high), optional
        Inclusive band for ``percent_in_band`` (e.g. ``(7, 9)`` on a 1-9 scale).
    quantile_method : str, default "linear"
        numpy quantile method, one of :data:`QUANTILE_METHODS`.

    Returns
    -------
    ItemSummary

    Raises
    ------
    ValueError
        On non-finite values or values outside the scale (the message names the index).

    Examples
    --------
    Quartiles with the default method (Hyndman & Fan type 7):

    >>> s = summarize_item([1, 2, 3, 4, 5, 6, 7, 8, 9])
    >>> s.median, s.q1, s.q3, s.iqr
    (5.0, 3.0, 7.0, 4.0)
    >>> s = summarize_item([2, 4, 4, 5], scale=LikertScale(5), agreement_band=(4, 5))
    >>> s.q1, s.q3, s.distribution.counts, s.percent_in_band
    (3.5, 4.25, (0, 1, 0, 2, 1), 75.0)
    >>> round(s.sd, 4), round(s.cv, 4)
    (1.2583, 0.3355)
    >>> summarize_item([6], scale=LikertScale(5))
    Traceback (most recent call last):
    ...
    ValueError: values[0]: answer 6 is outside the 5-point scale (1 to 5)
    """
    if quantile_method not in QUANTILE_METHODS:
        raise ValueError(
            f"quantile_method: must be one of {sorted(QUANTILE_METHODS)}, got {quantile_method!r}"
        )
    arr = _as_1d(values)
    if scale is not None and not isinstance(scale, LikertScale | NumericScale):
        raise ValueError(f"scale: must be a LikertScale or NumericScale, got {scale!r}")
    if isinstance(scale, LikertScale):
        for i, v in enumerate(arr):
            try:
                validate_likert(float(v), scale.points)
            except ValueError as exc:
                raise ValueError(f"values[{i}]: {exc}") from None
    elif isinstance(scale, NumericScale):
        for i, v in enumerate(arr):
            try:
                validate_numeric(float(v), scale.lower, scale.upper)
            except ValueError as exc:
                raise ValueError(f"values[{i}]: {exc}") from None
    band = _check_band(agreement_band, "agreement_band") if agreement_band is not None else None
    likert_points = scale.points if isinstance(scale, LikertScale) else None
    if band is not None and likert_points and (band[0] < 1 or band[1] > likert_points):
        raise ValueError(
            f"agreement_band: {_fmt(band[0])}–{_fmt(band[1])} lies outside the "
            f"{likert_points}-point scale"
        )

    n = int(arr.size)
    sorted_vals = tuple(float(v) for v in np.sort(arr))
    distribution = _distribution(arr, scale)
    if n == 0:
        return ItemSummary(
            n=0,
            median=None,
            q1=None,
            q3=None,
            iqr=None,
            mean=None,
            sd=None,
            cv=None,
            minimum=None,
            maximum=None,
            distribution=distribution,
            agreement_band=band,
            percent_in_band=None,
            quantile_method=quantile_method,
            values=(),
        )
    quartiles = np.quantile(arr, [0.25, 0.5, 0.75], method=quantile_method)  # type: ignore[call-overload]
    q1, med, q3 = (float(q) for q in quartiles)
    mean = float(np.mean(arr))
    sd = float(np.std(arr, ddof=1)) if n >= 2 else None
    cv = sd / abs(mean) if sd is not None and mean != 0 else None
    pct = None
    if band is not None:
        inside = np.count_nonzero((arr >= band[0] - _TOL) & (arr <= band[1] + _TOL))
        pct = 100.0 * int(inside) / n
    return ItemSummary(
        n=n,
        median=med,
        q1=q1,
        q3=q3,
        iqr=q3 - q1,
        mean=mean,
        sd=sd,
        cv=cv,
        minimum=float(arr.min()),
        maximum=float(arr.max()),
        distribution=distribution,
        agreement_band=band,
        percent_in_band=pct,
        quantile_method=quantile_method,
        values=sorted_vals,
    )


def _distribution(arr: NDArray[np.float64], scale: Scale | None) -> Distribution:
    if isinstance(scale, LikertScale):
        pts = tuple(range(1, scale.points + 1))
        counts = tuple(int(np.count_nonzero(arr == p)) for p in pts)
        return Distribution(kind="points", counts=counts, points=pts, labels=scale.labels)
    bins = scale.bins if isinstance(scale, NumericScale) else 10
    if isinstance(scale, NumericScale) and scale.lower is not None and scale.upper is not None:
        rng: tuple[float, float] | None = (float(scale.lower), float(scale.upper))
    elif arr.size:
        lo, hi = float(arr.min()), float(arr.max())
        # numpy widens an empty range by half a unit each side; a range too narrow for
        # ``bins`` distinct edges (values equal but for rounding) is widened the same way.
        if not np.all(np.diff(np.linspace(lo, hi, bins + 1)) > 0):
            lo, hi = lo - 0.5, hi + 0.5
        rng = (lo, hi)
    else:
        rng = (0.0, 1.0)
    counts_arr, edges = np.histogram(arr, bins=bins, range=rng)
    return Distribution(
        kind="histogram",
        counts=tuple(int(c) for c in counts_arr),
        edges=tuple(float(e) for e in edges),
    )
