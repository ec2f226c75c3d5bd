"""Desirability x feasibility items: a summary per dimension and the quadrant of the medians."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from numpy.typing import ArrayLike

from ._common import _as_1d, _ToDict
from ._scales import Scale
from ._summary import ItemSummary, summarize_item

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
    >>> from middleground.analysis.delphi import LikertScale
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
