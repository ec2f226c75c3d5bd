"""Checks of one panellist's answer: a Likert point, a numeric estimate, a ranking."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ._common import _fmt, _is_number
from ._scales import _check_points


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
