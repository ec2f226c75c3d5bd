"""The integer form of a simple game that every exact engine counts on, and its counts.

Private to :mod:`middleground.analysis.power`; the engines are in ``_power_exact``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Threshold meaning "no coalition of this size can win".
INF = 1 << 62


@dataclass(frozen=True)
class ReducedGame:
    """A simple game in integer form.

    A coalition ``S`` wins when it contains every veto player and, for at least one rule
    ``(min_size, quotas)``, ``|S| >= min_size`` and ``sum(weights[c][i] for i in S) >=
    quotas[c]`` for every criterion ``c``.
    """

    n: int
    vetoes: tuple[int, ...]
    weights: tuple[tuple[int, ...], ...]
    rules: tuple[tuple[int, tuple[int, ...]], ...]

    @property
    def free(self) -> tuple[int, ...]:
        veto_set = set(self.vetoes)
        return tuple(i for i in range(self.n) if i not in veto_set)

    def wins(self, members: Iterable[int]) -> bool:
        """Whether the coalition ``members`` (player indices) wins."""
        coalition = set(members)
        if not set(self.vetoes) <= coalition:
            return False
        sums = [sum(column[i] for i in coalition) for column in self.weights]
        return any(
            len(coalition) >= min_size and all(s >= q for s, q in zip(sums, quotas, strict=True))
            for min_size, quotas in self.rules
        )

    def size_thresholds(self) -> list[int]:
        """For a game with at most one real criterion: the weight a coalition of each size
        ``s = 0..n`` needs to win (``INF`` when no rule admits that size)."""
        thresholds = []
        for size in range(self.n + 1):
            needed = [
                max(quotas[0], 0) if quotas else 0
                for min_size, quotas in self.rules
                if size >= min_size
            ]
            thresholds.append(min(needed) if needed else INF)
        return thresholds


@dataclass(frozen=True)
class SwingCounts:
    """Exact swing counts by coalition size, and winning coalitions by size."""

    swings: tuple[tuple[int, ...], ...]  # swings[i][k], k = size of the coalition joined
    winning_by_size: tuple[int, ...]  # winning coalitions of each size 0..n
    algorithm: str


def swings_from_membership(
    n: int, winning: Sequence[int], containing: Sequence[Sequence[int]], algorithm: str
) -> SwingCounts:
    """Swing counts from winning coalitions by size (``winning``) and, per player,
    winning coalitions by size that contain the player (``containing``)."""
    swings = []
    for member_counts in containing:
        row = []
        for k in range(n):
            without = winning[k] - member_counts[k]
            row.append(int(member_counts[k + 1]) - int(without))
        swings.append(tuple(row))
    return SwingCounts(tuple(swings), tuple(int(w) for w in winning), algorithm)
