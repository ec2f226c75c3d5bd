"""A statistic per declared group of panellists, small groups withheld."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from ._common import _ToDict


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
    >>> from middleground.analysis.delphi import summarize_item
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
