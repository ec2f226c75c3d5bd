"""Delphi panel statistics: item summaries, consensus, stability, Kendall's W.

Pure numpy/scipy; no Django. Every result is a frozen dataclass with ``to_dict()``
returning plain JSON-ready values (no NaN: undefined statistics are ``None``).

Conventions
-----------
* Likert scales run from 1 to ``points`` (5, 7 or 9 in the app; 2-11 accepted).
* Quartiles use numpy's ``"linear"`` method by default: Hyndman & Fan (1996) type 7,
  the same as R's default ``quantile()`` and Excel's ``QUARTILE.INC``. The method name
  is stored on every :class:`ItemSummary` (``quantile_method``) so reports can state it.
* ``sd`` is the sample standard deviation (``ddof=1``); ``cv = sd / |mean|``.
* Percentages are on a 0-100 scale.

Examples
--------
>>> from middleground.analysis.delphi import (
...     ConsensusRules, LikertScale, evaluate_consensus, summarize_item)
>>> s = summarize_item([7, 8, 9, 9, 8, 7, 6, 9], scale=LikertScale(9), agreement_band=(7, 9))
>>> s.median, s.q1, s.q3, s.iqr, s.percent_in_band
(8.0, 7.0, 9.0, 2.0, 87.5)
>>> rules = ConsensusRules(min_answers=8, percent_agreement=(7, 9, 75), max_iqr=2)
>>> rules.describe()
'Consensus when at least 75% rate 7–9 and IQR ≤ 2, with at least 8 answers'
>>> evaluate_consensus(s, rules).reached
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

__all__ = [
    "QUANTILE_METHODS",
    "ConsensusResult",
    "ConsensusRules",
    "CriterionResult",
    "Distribution",
    "GroupResult",
    "GroupedResult",
    "ItemSummary",
    "KendallResult",
    "LikertScale",
    "NumericScale",
    "PairSummary",
    "StabilityResult",
    "WilcoxonResult",
    "by_group",
    "evaluate_consensus",
    "kendall_w",
    "ranks_from_orderings",
    "stability",
    "summarize_item",
    "summarize_pair",
    "validate_likert",
    "validate_numeric",
    "validate_ranking",
]

#: Quantile methods accepted by :func:`summarize_item` (numpy names) and what they are.
QUANTILE_METHODS: dict[str, str] = {
    "linear": "Hyndman & Fan type 7 (R default, Excel QUARTILE.INC)",
    "weibull": "Hyndman & Fan type 6 (Minitab, SPSS, Excel QUARTILE.EXC)",
    "median_unbiased": "Hyndman & Fan type 8",
    "hazen": "Hyndman & Fan type 5",
    "inverted_cdf": "Hyndman & Fan type 1",
}

_TOL = 1e-9


# --------------------------------------------------------------------------- helpers


def _fmt(x: float) -> str:
    """Format a number for sentences: ``2.0 -> '2'``, ``2.5 -> '2.5'``."""
    return f"{float(x):g}"


def _opt_float(x: float | np.floating[Any] | None) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _as_1d(values: ArrayLike, name: str = "values") -> NDArray[np.float64]:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numbers: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise ValueError(f"{name}[{int(bad[0])}] is not a finite number ({arr[bad[0]]})")
    return arr


def _to_json(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return _opt_float(value)
    if isinstance(value, float):
        return _opt_float(value)
    return value


class _ToDict:
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (tuples become lists, undefined numbers ``None``)."""
        return {
            f.name: _to_json(getattr(self, f.name))
            for f in fields(self)  # type: ignore[arg-type]
            if f.repr
        }


# --------------------------------------------------------------------------- scales


@dataclass(frozen=True)
class LikertScale(_ToDict):
    """A labelled Likert scale with points ``1..points``.

    Parameters
    ----------
    points : int
        Number of points (2-11; the app uses 5, 7 or 9).
    labels : tuple of str, optional
        One label per point, lowest first.

    Examples
    --------
    >>> LikertScale(5, ("strongly disagree", "disagree", "neutral", "agree",
    ...                 "strongly agree")).midpoint
    3.0
    >>> LikertScale(5, ("too", "few"))
    Traceback (most recent call last):
    ...
    ValueError: labels: expected 5 labels for a 5-point scale, got 2
    """

    points: int
    labels: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        _check_points(self.points)
        if self.labels is not None:
            object.__setattr__(self, "labels", tuple(self.labels))
            assert self.labels is not None
            if len(self.labels) != self.points:
                raise ValueError(
                    f"labels: expected {self.points} labels for a {self.points}-point scale, "
                    f"got {len(self.labels)}"
                )

    @property
    def midpoint(self) -> float:
        """The neutral point ``(1 + points) / 2``."""
        return (1 + self.points) / 2


@dataclass(frozen=True)
class NumericScale(_ToDict):
    """A numeric estimate with a unit and optional bounds (inclusive).

    ``bins`` is the number of equal-width histogram bins used for the distribution;
    the histogram spans ``[lower, upper]`` when both bounds are given, else the data.
    """

    lower: float | None = None
    upper: float | None = None
    unit: str = ""
    bins: int = 10

    def __post_init__(self) -> None:
        for name in ("lower", "upper"):
            v = getattr(self, name)
            if v is not None and (not _is_number(v) or not math.isfinite(v)):
                raise ValueError(f"{name}: must be a finite number or None, got {v!r}")
        if self.lower is not None and self.upper is not None and self.lower > self.upper:
            raise ValueError(f"lower: {self.lower} is greater than upper {self.upper}")
        if not isinstance(self.bins, int) or isinstance(self.bins, bool) or self.bins < 1:
            raise ValueError(f"bins: must be a positive integer, got {self.bins!r}")

    @property
    def midpoint(self) -> float | None:
        """Middle of the bounds, or ``None`` when a bound is missing."""
        if self.lower is None or self.upper is None:
            return None
        return (self.lower + self.upper) / 2


Scale = LikertScale | NumericScale


def _check_points(points: object) -> int:
    if not isinstance(points, int | np.integer) or isinstance(points, bool):
        raise ValueError(f"points: must be an integer, got {points!r}")
    if not 2 <= int(points) <= 11:
        raise ValueError(f"points: a Likert scale has 2 to 11 points, got {points}")
    return int(points)


# --------------------------------------------------------------------------- validators


def validate_likert(value: object, points: int) -> int:
    """Check one Likert answer and return it as an ``int`` in ``1..points``.

    Raises
    ------
    ValueError
        If ``value`` is not a whole number within the scale.

    Examples
    --------
    >>> validate_likert(7, 9)
    7
    >>> validate_likert(7.0, 9)
    7
    >>> validate_likert(10, 9)
    Traceback (most recent call last):
    ...
    ValueError: answer 10 is outside the 9-point scale (1 to 9)
    >>> validate_likert(2.5, 5)
    Traceback (most recent call last):
    ...
    ValueError: answer 2.5 is not a whole scale point (1 to 5)
    """
    points = _check_points(points)
    if not _is_number(value):
        raise ValueError(f"answer {value!r} is not a number (expected 1 to {points})")
    v = float(value)  # type: ignore[arg-type]
    if not math.isfinite(v):
        raise ValueError(f"answer {value!r} is not a finite number (expected 1 to {points})")
    if v != int(v):
        raise ValueError(f"answer {_fmt(v)} is not a whole scale point (1 to {points})")
    if not 1 <= v <= points:
        raise ValueError(f"answer {_fmt(v)} is outside the {points}-point scale (1 to {points})")
    return int(v)


def validate_numeric(
    value: object, lower: float | None = None, upper: float | None = None
) -> float:
    """Check one numeric estimate against inclusive bounds; return it as ``float``.

    Examples
    --------
    >>> validate_numeric(2035, 2025, 2100)
    2035.0
    >>> validate_numeric(120, 0, 100)
    Traceback (most recent call last):
    ...
    ValueError: answer 120 is above the upper bound 100
    >>> validate_numeric(float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: answer nan is not a finite number
    """
    if not _is_number(value):
        raise ValueError(f"answer {value!r} is not a number")
    v = float(value)  # type: ignore[arg-type]
    if not math.isfinite(v):
        raise ValueError(f"answer {value!r} is not a finite number")
    if lower is not None and upper is not None and lower > upper:
        raise ValueError(f"bounds: lower {_fmt(lower)} is greater than upper {_fmt(upper)}")
    if lower is not None and v < lower:
        raise ValueError(f"answer {_fmt(v)} is below the lower bound {_fmt(lower)}")
    if upper is not None and v > upper:
        raise ValueError(f"answer {_fmt(v)} is above the upper bound {_fmt(upper)}")
    return v


def _levels(ordering: Sequence[Any], position: str) -> list[tuple[Hashable, ...]]:
    if isinstance(ordering, str | bytes) or not isinstance(ordering, Sequence):
        raise ValueError(f"{position}must be a sequence of option ids, got {ordering!r}")
    levels: list[tuple[Hashable, ...]] = []
    for entry in ordering:
        if isinstance(entry, list | tuple | set | frozenset):
            group = tuple(entry)
            if not group:
                raise ValueError(f"{position}contains an empty tie group")
            levels.append(group)
        else:
            levels.append((entry,))
    return levels


def validate_ranking(
    option_ids: Sequence[Any],
    allowed: Iterable[Hashable],
    *,
    complete: bool = True,
) -> tuple[tuple[Hashable, ...], ...]:
    """Check a panellist's ranking and return it as a tuple of tie groups, best first.

    Parameters
    ----------
    option_ids : sequence
        Option ids, best first. An entry that is a list, tuple or set is a group of
        options tied at that position.
    allowed : iterable
        The item's option ids.
    complete : bool, default True
        Require every allowed option to be ranked.

    Raises
    ------
    ValueError
        On duplicates, unknown ids, empty tie groups or (if ``complete``) missing options.

    Examples
    --------
    >>> validate_ranking(["water", ("digital", "health")], {"water", "digital", "health"})
    (('water',), ('digital', 'health'))
    >>> validate_ranking(["water", "water", "digital"], ["water", "digital"])
    Traceback (most recent call last):
    ...
    ValueError: ranking lists option 'water' more than once
    >>> validate_ranking(["water"], ["water", "digital"])
    Traceback (most recent call last):
    ...
    ValueError: ranking is missing option(s) 'digital'
    """
    allowed_list = list(allowed)
    allowed_set = set(allowed_list)
    levels = _levels(option_ids, "ranking ")
    seen: set[Hashable] = set()
    for group in levels:
        for oid in group:
            if not isinstance(oid, Hashable):
                raise ValueError(f"ranking contains an unhashable option id {oid!r}")
            if oid in seen:
                raise ValueError(f"ranking lists option {oid!r} more than once")
            if oid not in allowed_set:
                raise ValueError(f"ranking contains unknown option {oid!r}")
            seen.add(oid)
    if not seen:
        raise ValueError("ranking is empty")
    if complete:
        missing = [o for o in allowed_list if o not in seen]
        if missing:
            raise ValueError("ranking is missing option(s) " + ", ".join(repr(o) for o in missing))
    return tuple(levels)


def ranks_from_orderings(
    orderings: Sequence[Sequence[Any]],
    options: Sequence[Hashable],
    *,
    unranked: Literal["error", "tie_last"] = "error",
) -> NDArray[np.float64]:
    """Convert panellists' orderings (best first, ties allowed) to average-rank rows.

    Parameters
    ----------
    orderings : sequence of sequences
        One ordering per panellist, as accepted by :func:`validate_ranking`.
    options : sequence
        Option ids; gives the column order of the result.
    unranked : {"error", "tie_last"}
        What to do with options a panellist left out: raise, or tie them all at the
        bottom (each gets the average of the remaining ranks).

    Returns
    -------
    ndarray of shape (panellists, options)
        Ready for :func:`kendall_w`.

    Examples
    --------
    >>> ranks_from_orderings([["a", "b", "c"], [("a", "b"), "c"]], ["a", "b", "c"])
    array([[1. , 2. , 3. ],
           [1.5, 1.5, 3. ]])
    >>> ranks_from_orderings([["c"]], ["a", "b", "c"], unranked="tie_last")
    array([[2.5, 2.5, 1. ]])
    """
    if unranked not in ("error", "tie_last"):
        raise ValueError(f"unranked: must be 'error' or 'tie_last', got {unranked!r}")
    options = list(options)
    if len(set(options)) != len(options):
        raise ValueError("options: option ids must be unique")
    col = {o: j for j, o in enumerate(options)}
    out = np.empty((len(orderings), len(options)), dtype=float)
    for i, ordering in enumerate(orderings):
        try:
            levels = list(validate_ranking(ordering, options, complete=(unranked == "error")))
        except ValueError as exc:
            raise ValueError(f"ordering {i}: {exc}") from None
        ranked = {o for g in levels for o in g}
        rest = tuple(o for o in options if o not in ranked)
        if rest:
            levels.append(rest)
        start = 1
        for group in levels:
            avg = start + (len(group) - 1) / 2
            for oid in group:
                out[i, col[oid]] = avg
            start += len(group)
    return out


# --------------------------------------------------------------------------- item summary


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


# --------------------------------------------------------------------------- consensus


def _triple(value: object, name: str, third: str) -> tuple[float, float, float]:
    if isinstance(value, Mapping):
        keys = {"low", "high", third}
        extra = set(value) - keys
        if extra or set(value) != keys:
            raise ValueError(
                f"{name}: expected keys low, high, {third}; got {sorted(map(str, value))}"
            )
        value = (value["low"], value["high"], value[third])
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 3:
        raise ValueError(f"{name}: must be (low, high, {third}), got {value!r}")
    if not all(_is_number(v) and math.isfinite(v) for v in value):
        raise ValueError(f"{name}: low, high and {third} must be finite numbers, got {value!r}")
    low, high, pct = (float(v) for v in value)
    if low > high:
        raise ValueError(f"{name}: low {_fmt(low)} is greater than high {_fmt(high)}")
    if not 0 < pct <= 100:
        raise ValueError(f"{name}: {third} must be in (0, 100], got {_fmt(pct)}")
    return low, high, pct


def _band_text(low: float, high: float) -> str:
    return f"rate {_fmt(low)}" if low == high else f"rate {_fmt(low)}–{_fmt(high)}"


@dataclass(frozen=True)
class ConsensusRules:
    """A pre-registered consensus rule set (fixed when a Delphi study launches).

    Parameters
    ----------
    min_answers : int, default 1
        Gate: with fewer answers there is no consensus, whatever the other criteria say.
    percent_agreement : (low, high, min_percent), optional
        At least ``min_percent`` % of answers within ``[low, high]`` (inclusive).
    percent_disagreement : (low, high, max_percent), optional
        Fewer than ``max_percent`` % (strictly) of answers within ``[low, high]``,
        e.g. ``(1, 3, 15)`` for "< 15% rate 1-3".
    max_iqr : float, optional
        IQR at most this value.
    max_sd : float, optional
        Sample SD at most this value.
    combine : {"all", "any"}, default "all"
        Whether every criterion or at least one must pass (``min_answers`` always must).

    The JSON form (:meth:`to_dict` / :meth:`from_dict`)::

        {"min_answers": 8,
         "percent_agreement": {"low": 7, "high": 9, "min_percent": 75},
         "percent_disagreement": null,
         "max_iqr": 2, "max_sd": null, "combine": "all"}

    Examples
    --------
    >>> r = ConsensusRules(min_answers=8, percent_agreement=(7, 9, 70),
    ...                    percent_disagreement=(1, 3, 15))
    >>> r.describe()
    'Consensus when at least 70% rate 7–9 and fewer than 15% rate 1–3, with at least 8 answers'
    >>> ConsensusRules.from_dict(r.to_dict()) == r
    True
    >>> ConsensusRules(max_iqr=-1)
    Traceback (most recent call last):
    ...
    ValueError: max_iqr: must be a non-negative number or None, got -1
    """

    min_answers: int = 1
    percent_agreement: tuple[float, float, float] | None = None
    percent_disagreement: tuple[float, float, float] | None = None
    max_iqr: float | None = None
    max_sd: float | None = None
    combine: Literal["all", "any"] = "all"

    def __post_init__(self) -> None:
        self.validate()
        # Normalise to tuples of floats so equality and hashing are stable.
        if self.percent_agreement is not None:
            object.__setattr__(
                self,
                "percent_agreement",
                _triple(self.percent_agreement, "percent_agreement", "min_percent"),
            )
        if self.percent_disagreement is not None:
            object.__setattr__(
                self,
                "percent_disagreement",
                _triple(self.percent_disagreement, "percent_disagreement", "max_percent"),
            )

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad field."""
        m = self.min_answers
        if not isinstance(m, int | np.integer) or isinstance(m, bool) or m < 1:
            raise ValueError(f"min_answers: must be an integer >= 1, got {m!r}")
        if self.percent_agreement is not None:
            _triple(self.percent_agreement, "percent_agreement", "min_percent")
        if self.percent_disagreement is not None:
            _triple(self.percent_disagreement, "percent_disagreement", "max_percent")
        for name in ("max_iqr", "max_sd"):
            v = getattr(self, name)
            if v is not None and (not _is_number(v) or not math.isfinite(v) or v < 0):
                raise ValueError(f"{name}: must be a non-negative number or None, got {v!r}")
        if self.combine not in ("all", "any"):
            raise ValueError(f"combine: must be 'all' or 'any', got {self.combine!r}")
        if (
            self.percent_agreement is None
            and self.percent_disagreement is None
            and self.max_iqr is None
            and self.max_sd is None
        ):
            raise ValueError(
                "criteria: no criterion set; set at least one of percent_agreement, "
                "percent_disagreement, max_iqr, max_sd"
            )

    def check_scale(self, scale: Scale) -> None:
        """Raise ``ValueError`` if a band lies outside the item's scale (call at launch).

        >>> ConsensusRules(percent_agreement=(7, 9, 75)).check_scale(LikertScale(5))
        Traceback (most recent call last):
        ...
        ValueError: percent_agreement: band 7–9 lies outside the scale 1–5
        """
        if isinstance(scale, LikertScale):
            lo_s, hi_s = 1.0, float(scale.points)
        else:
            lo_s = -math.inf if scale.lower is None else float(scale.lower)
            hi_s = math.inf if scale.upper is None else float(scale.upper)
        for name in ("percent_agreement", "percent_disagreement"):
            t = getattr(self, name)
            if t is not None and (t[0] < lo_s or t[1] > hi_s):
                raise ValueError(
                    f"{name}: band {_fmt(t[0])}–{_fmt(t[1])} lies outside the scale "
                    f"{_fmt(lo_s)}–{_fmt(hi_s)}"
                )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form stored by the app."""
        pa, pd = self.percent_agreement, self.percent_disagreement
        return {
            "min_answers": int(self.min_answers),
            "percent_agreement": None
            if pa is None
            else {"low": pa[0], "high": pa[1], "min_percent": pa[2]},
            "percent_disagreement": None
            if pd is None
            else {"low": pd[0], "high": pd[1], "max_percent": pd[2]},
            "max_iqr": None if self.max_iqr is None else float(self.max_iqr),
            "max_sd": None if self.max_sd is None else float(self.max_sd),
            "combine": self.combine,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ConsensusRules:
        """Build from the JSON form; unknown keys are an error (typos must not pass)."""
        if not isinstance(data, Mapping):
            raise ValueError(f"rules: expected a dict, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(map(str, data)) - known)
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown consensus rule field")
        kwargs = dict(data)
        for key, third in (
            ("percent_agreement", "min_percent"),
            ("percent_disagreement", "max_percent"),
        ):
            if kwargs.get(key) is not None:
                kwargs[key] = _triple(kwargs[key], key, third)
        return cls(**kwargs)

    def describe(self) -> str:
        """One sentence for the panel report."""
        parts: list[str] = []
        if self.percent_agreement is not None:
            lo, hi, pct = self.percent_agreement
            parts.append(f"at least {_fmt(pct)}% {_band_text(lo, hi)}")
        if self.percent_disagreement is not None:
            lo, hi, pct = self.percent_disagreement
            parts.append(f"fewer than {_fmt(pct)}% {_band_text(lo, hi)}")
        if self.max_iqr is not None:
            parts.append(f"IQR ≤ {_fmt(self.max_iqr)}")
        if self.max_sd is not None:
            parts.append(f"SD ≤ {_fmt(self.max_sd)}")
        joiner = " and " if self.combine == "all" else " or "
        noun = "answer" if self.min_answers == 1 else "answers"
        return f"Consensus when {joiner.join(parts)}, with at least {self.min_answers} {noun}"


@dataclass(frozen=True)
class CriterionResult(_ToDict):
    """One criterion: ``value`` compared with ``threshold`` by ``comparison``."""

    name: str
    passed: bool
    value: float | None
    threshold: float
    comparison: str
    description: str


@dataclass(frozen=True)
class ConsensusResult(_ToDict):
    """Outcome of :func:`evaluate_consensus`.

    ``status`` is ``"consensus"``, ``"no_consensus"`` or ``"insufficient_answers"``;
    ``criteria`` lists every criterion with its value (``min_answers`` first).
    """

    reached: bool
    status: Literal["consensus", "no_consensus", "insufficient_answers"]
    n: int
    rule: str
    criteria: tuple[CriterionResult, ...]


def evaluate_consensus(
    summary: ItemSummary, rules: ConsensusRules | Mapping[str, Any]
) -> ConsensusResult:
    """Apply a rule set to an item summary.

    ``rules`` may be a :class:`ConsensusRules` or its JSON dict.

    Examples
    --------
    >>> s = summarize_item([9, 9, 8, 7, 5, 2], agreement_band=(7, 9))
    >>> res = evaluate_consensus(s, {"min_answers": 5, "max_iqr": 4,
    ...     "percent_agreement": {"low": 7, "high": 9, "min_percent": 75}})
    >>> res.status
    'no_consensus'
    >>> [(c.name, c.passed, c.value) for c in res.criteria]
    [('min_answers', True, 6.0), ('percent_agreement', False, 66.66666666666667), \
('max_iqr', True, 3.25)]
    """
    if not isinstance(rules, ConsensusRules):
        rules = ConsensusRules.from_dict(rules)
    n = summary.n
    gate = CriterionResult(
        name="min_answers",
        passed=n >= rules.min_answers,
        value=float(n),
        threshold=float(rules.min_answers),
        comparison=">=",
        description=f"at least {rules.min_answers} answers",
    )
    crits: list[CriterionResult] = []
    if rules.percent_agreement is not None:
        lo, hi, pct = rules.percent_agreement
        k = summary.count_between(lo, hi)
        crits.append(
            CriterionResult(
                name="percent_agreement",
                passed=n > 0 and 100.0 * k >= pct * n - _TOL,
                value=summary.percent_between(lo, hi),
                threshold=pct,
                comparison=">=",
                description=f"at least {_fmt(pct)}% {_band_text(lo, hi)}",
            )
        )
    if rules.percent_disagreement is not None:
        lo, hi, pct = rules.percent_disagreement
        k = summary.count_between(lo, hi)
        crits.append(
            CriterionResult(
                name="percent_disagreement",
                passed=n > 0 and 100.0 * k < pct * n - _TOL,
                value=summary.percent_between(lo, hi),
                threshold=pct,
                comparison="<",
                description=f"fewer than {_fmt(pct)}% {_band_text(lo, hi)}",
            )
        )
    for name, stat, label in (("max_iqr", summary.iqr, "IQR"), ("max_sd", summary.sd, "SD")):
        limit = getattr(rules, name)
        if limit is not None:
            crits.append(
                CriterionResult(
                    name=name,
                    passed=stat is not None and stat <= limit + _TOL,
                    value=stat,
                    threshold=float(limit),
                    comparison="<=",
                    description=f"{label} ≤ {_fmt(limit)}",
                )
            )
    combined = (
        all(c.passed for c in crits) if rules.combine == "all" else any(c.passed for c in crits)
    )
    if not gate.passed:
        status: Literal["consensus", "no_consensus", "insufficient_answers"] = (
            "insufficient_answers"
        )
    else:
        status = "consensus" if combined else "no_consensus"
    return ConsensusResult(
        reached=status == "consensus",
        status=status,
        n=n,
        rule=rules.describe(),
        criteria=(gate, *crits),
    )


# --------------------------------------------------------------------------- stability


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


# --------------------------------------------------------------------------- Kendall's W


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


# --------------------------------------------------------------------------- groups


@dataclass(frozen=True)
class GroupResult(_ToDict):
    """One group: ``status`` ``"ok"`` (``result`` set), ``"too_small"`` (fewer than
    ``min_group_size`` members; not computed, to protect anonymity and avoid noise) or
    ``"error"`` (the statistic raised ``ValueError``; ``message`` says why)."""

    label: Hashable
    n: int
    status: Literal["ok", "too_small", "error"]
    result: Any = None
    message: str | None = None


@dataclass(frozen=True)
class GroupedResult(_ToDict):
    """Per-group results in first-appearance order, plus ``n_unassigned`` answers whose
    group was ``None`` (counted, not silently lost)."""

    groups: tuple[GroupResult, ...]
    min_group_size: int
    n_unassigned: int

    def __getitem__(self, label: Hashable) -> GroupResult:
        for g in self.groups:
            if g.label == label:
                return g
        raise KeyError(label)

    @property
    def small_groups(self) -> tuple[Hashable, ...]:
        """Labels of the groups too small to report."""
        return tuple(g.label for g in self.groups if g.status == "too_small")


def by_group(
    values: ArrayLike,
    groups: Sequence[Any],
    fn: Callable[[Any], Any],
    *,
    min_group_size: int = 3,
) -> GroupedResult:
    """Apply ``fn`` to the answers of each declared group.

    Parameters
    ----------
    values : array_like
        Answers indexed along the first axis (a 1-D array of ratings, the rows of a
        ranking matrix, or an (n, 2) array of paired rounds).
    groups : sequence
        One entry per answer: a label, an iterable of labels (member of several
        groups, e.g. blocs; strings count as one label), or ``None`` (no group).
    fn : callable
        Called with each group's sub-array, e.g. ``summarize_item`` or ``kendall_w``.
    min_group_size : int, default 3
        Groups with fewer members are reported as ``"too_small"`` without computing.

    Examples
    --------
    >>> res = by_group([7, 8, 9, 2, 3, 8], ["G77", "G77", "G77", "EU", "EU", None],
    ...                summarize_item, min_group_size=3)
    >>> [(g.label, g.n, g.status) for g in res.groups], res.n_unassigned
    ([('G77', 3, 'ok'), ('EU', 2, 'too_small')], 1)
    >>> res["G77"].result.median
    8.0
    """
    if (
        not isinstance(min_group_size, int)
        or isinstance(min_group_size, bool)
        or min_group_size < 1
    ):
        raise ValueError(f"min_group_size: must be a positive integer, got {min_group_size!r}")
    arr = np.asarray(values)
    if arr.ndim == 0:
        raise ValueError("values must be indexable along the first axis")
    if len(groups) != arr.shape[0]:
        raise ValueError(
            f"groups: expected one entry per answer ({arr.shape[0]}), got {len(groups)}"
        )
    members: dict[Hashable, list[int]] = {}
    unassigned = 0
    for i, g in enumerate(groups):
        if g is None:
            unassigned += 1
            continue
        labels = list(g) if isinstance(g, list | tuple | set | frozenset) else [g]
        if not labels:
            unassigned += 1
        for label in dict.fromkeys(labels):
            members.setdefault(label, []).append(i)
    out: list[GroupResult] = []
    for label, idx in members.items():
        if len(idx) < min_group_size:
            out.append(GroupResult(label=label, n=len(idx), status="too_small"))
            continue
        try:
            result = fn(arr[np.asarray(idx)])
        except ValueError as exc:
            out.append(GroupResult(label=label, n=len(idx), status="error", message=str(exc)))
        else:
            out.append(GroupResult(label=label, n=len(idx), status="ok", result=result))
    return GroupedResult(groups=tuple(out), min_group_size=min_group_size, n_unassigned=unassigned)


# ------------------------------------------------------------- desirability x feasibility

Quadrant = Literal[
    "desirable_feasible",
    "desirable_unfeasible",
    "undesirable_feasible",
    "undesirable_unfeasible",
    "undecided",
]


def _quadrant(d: float, f: float, td: float, tf: float) -> Quadrant:
    if d == td or f == tf:
        return "undecided"
    if d > td:
        return "desirable_feasible" if f > tf else "desirable_unfeasible"
    return "undesirable_feasible" if f > tf else "undesirable_unfeasible"


@dataclass(frozen=True)
class PairSummary(_ToDict):
    """Desirability x feasibility item: a summary per dimension and the quadrant of the
    two medians relative to ``threshold`` (strictly above = high; a median exactly on
    the threshold gives ``"undecided"``). ``answer_quadrants`` counts each panellist's
    own (desirability, feasibility) pair."""

    desirability: ItemSummary
    feasibility: ItemSummary
    threshold: float
    quadrant: Quadrant | None
    answer_quadrants: dict[str, int]


def summarize_pair(
    desirability: ArrayLike,
    feasibility: ArrayLike,
    *,
    scale: Scale,
    threshold: float | None = None,
    agreement_band: tuple[float, float] | None = None,
) -> PairSummary:
    """Summarise a desirability x feasibility item (both rated on the same scale).

    ``desirability[i]`` and ``feasibility[i]`` are panellist i's two ratings.
    ``threshold`` defaults to the scale midpoint.

    Examples
    --------
    >>> p = summarize_pair([8, 9, 7, 8], [3, 2, 4, 6], scale=LikertScale(9))
    >>> p.desirability.median, p.feasibility.median, p.quadrant
    (8.0, 3.5, 'desirable_unfeasible')
    >>> p.answer_quadrants["desirable_feasible"], p.answer_quadrants["desirable_unfeasible"]
    (1, 3)
    """
    d = _as_1d(desirability, "desirability")
    f = _as_1d(feasibility, "feasibility")
    if d.shape != f.shape:
        raise ValueError(
            f"desirability and feasibility need one pair per panellist, got {d.size} and {f.size}"
        )
    if threshold is None:
        mid = scale.midpoint
        if mid is None:
            raise ValueError("threshold: required when the numeric scale has no bounds")
        threshold = mid
    sd = summarize_item(d, scale=scale, agreement_band=agreement_band)
    sf = summarize_item(f, scale=scale, agreement_band=agreement_band)
    quadrant = (
        None
        if sd.median is None or sf.median is None
        else _quadrant(sd.median, sf.median, threshold, threshold)
    )
    counts: dict[str, int] = dict.fromkeys(
        (
            "desirable_feasible",
            "desirable_unfeasible",
            "undesirable_feasible",
            "undesirable_unfeasible",
            "undecided",
        ),
        0,
    )
    for a, b in zip(d, f, strict=True):
        counts[_quadrant(float(a), float(b), threshold, threshold)] += 1
    return PairSummary(
        desirability=sd,
        feasibility=sf,
        threshold=float(threshold),
        quadrant=quadrant,
        answer_quadrants=counts,
    )
