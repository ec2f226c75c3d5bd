"""Answer scales of a Delphi item: Likert (labelled points) and numeric (bounds, unit)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._common import _is_number, _ToDict


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
