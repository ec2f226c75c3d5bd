"""Exact counting engines behind :mod:`middleground.analysis.power` (private).

Every engine works on a :class:`ReducedGame`: integer weights, criteria whose weights are
equal for every player folded into a minimum coalition size, veto players split off.
Each engine returns :class:`SwingCounts`: for every player ``i`` and every size ``k`` the
number of coalitions ``S`` of ``k`` other players such that ``S`` loses and ``S + i``
wins. Shapley-Shubik, Banzhaf and Coleman indices are exact functions of these counts.

The games are monotone (weights are non-negative), so for a player ``i`` the swings of
size ``k`` equal ``M_i[k + 1] - (W[k] - M_i[k])`` where ``W[s]`` counts winning
coalitions of size ``s`` and ``M_i[s]`` those that contain ``i``. The enumeration
engines count ``W`` and ``M``; the dynamic programme counts swings directly.

The game types are in ``_power_game``, the generating-function programmes in
``_power_dp``; this module holds the enumerations and re-exports all engines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from middleground.analysis._power_dp import count_dynamic_programming, count_multidimensional
from middleground.analysis._power_game import (
    INF,
    ReducedGame,
    SwingCounts,
    swings_from_membership,
)

__all__ = [
    "INF",
    "CoalitionStructure",
    "ReducedGame",
    "SwingCounts",
    "count_dynamic_programming",
    "count_enumeration",
    "count_meet_in_the_middle",
    "count_multidimensional",
    "enumerate_structure",
    "swings_from_membership",
]


def _subsets(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All subsets of ``len(weights)`` players: weight sums (one column per criterion),
    sizes and membership bits, indexed by the subset's bit mask."""
    count = weights.shape[0]
    masks = np.arange(1 << count, dtype=np.int64)
    bits = ((masks[:, None] >> np.arange(count, dtype=np.int64)) & 1).astype(bool)
    sums = bits.astype(np.int64) @ weights if count else np.zeros((1, weights.shape[1]), np.int64)
    return sums, bits.sum(axis=1), bits


def count_meet_in_the_middle(game: ReducedGame) -> SwingCounts:
    """Exact counts for a game with at most one real criterion, by meet-in-the-middle.

    The non-veto players are split into halves ``A`` and ``B``. Subsets of ``A`` of each
    size are sorted by weight with suffix counts of their members, so every subset of
    ``B`` finds, by binary search, how many subsets of ``A`` complete it to a winning
    coalition. Time ``O(2^(m/2) m^2)`` and memory ``O(2^(m/2) m)`` for ``m`` non-veto
    players, with exact ``int64`` counts (``m`` up to about 50).
    """
    n = game.n
    free = game.free
    column = game.weights[0] if game.weights else (0,) * n
    veto_weight = sum(column[v] for v in game.vetoes)
    veto_count = len(game.vetoes)
    base = np.array(
        [t - veto_weight if t < INF else INF for t in game.size_thresholds()], dtype=np.int64
    )
    free_weights = np.array([[column[i]] for i in free], dtype=np.int64).reshape(len(free), 1)
    half = len(free) // 2
    sums_a, sizes_a, bits_a = _subsets(free_weights[:half])
    sums_b, sizes_b, bits_b = _subsets(free_weights[half:])
    weights_a, weights_b = sums_a[:, 0], sums_b[:, 0]
    winning = np.zeros(n + 1, dtype=np.float64)
    containing_a = np.zeros((half, n + 1), dtype=np.float64)
    containing_b = np.zeros((len(free) - half, n + 1), dtype=np.float64)
    for size_a in range(half + 1):
        chosen = sizes_a == size_a
        order = np.argsort(weights_a[chosen], kind="stable")
        sorted_weights = weights_a[chosen][order]
        members = bits_a[chosen][order].astype(np.int64)
        # suffix[pos, i]: subsets at sorted positions >= pos that contain player i of A
        suffix = np.zeros((len(sorted_weights) + 1, half), dtype=np.int64)
        suffix[:-1] = np.cumsum(members[::-1], axis=0)[::-1]
        total_size = veto_count + size_a + sizes_b
        needed = base[total_size] - weights_b
        position = np.searchsorted(sorted_weights, needed, side="left")
        completing = (len(sorted_weights) - position).astype(np.float64)
        winning += np.bincount(total_size, weights=completing, minlength=n + 1)
        completing_with = suffix[position].astype(np.float64)
        for i in range(half):
            containing_a[i] += np.bincount(
                total_size, weights=completing_with[:, i], minlength=n + 1
            )
        for j in range(len(free) - half):
            has = bits_b[:, j]
            containing_b[j] += np.bincount(
                total_size[has], weights=completing[has], minlength=n + 1
            )
    return _assemble(game, winning, containing_a, containing_b, "meet-in-the-middle")


def _assemble(
    game: ReducedGame,
    winning: np.ndarray,
    containing_a: np.ndarray,
    containing_b: np.ndarray,
    algorithm: str,
) -> SwingCounts:
    free = game.free
    half = containing_a.shape[0]
    winning_int = [int(round(x)) for x in winning]
    containing: list[list[int]] = [winning_int] * game.n  # veto players are in every winner
    for position, player in enumerate(free):
        row = containing_a[position] if position < half else containing_b[position - half]
        containing[player] = [int(round(x)) for x in row]
    return swings_from_membership(game.n, winning_int, containing, algorithm)


def count_enumeration(game: ReducedGame, chunk_rows: int = 512) -> SwingCounts:
    """Exact counts for any number of criteria by enumerating all coalitions.

    Coalitions are the pairs (subset of ``A``, subset of ``B``) of the non-veto players;
    blocks of rows are tested against every rule at once and the counts by size and
    membership come out of matrix products. Time ``O(2^m (c + m))`` for ``m`` non-veto
    players and ``c`` criteria, memory ``O(2^(m/2) * chunk_rows)``.
    """
    n = game.n
    free = game.free
    veto_count = len(game.vetoes)
    criteria = len(game.weights)
    matrix = np.array(
        [[game.weights[c][i] for c in range(criteria)] for i in free], dtype=np.int64
    ).reshape(len(free), criteria)
    veto_sums = [sum(game.weights[c][v] for v in game.vetoes) for c in range(criteria)]
    half = (len(free) + 1) // 2
    sums_a, sizes_a, bits_a = _subsets(matrix[:half])
    sums_b, sizes_b, bits_b = _subsets(matrix[half:])
    count_a, count_b = half, len(free) - half
    size_onehot_a = (sizes_a[:, None] == np.arange(count_a + 1)).astype(np.float32)
    size_onehot_b = (sizes_b[:, None] == np.arange(count_b + 1)).astype(np.float32)
    small: type[np.signedinteger] = np.int32 if matrix.sum() < 2**31 else np.int64
    # int32 when it fits halves the memory traffic of the comparisons
    columns_a: list[np.ndarray] = [
        np.ascontiguousarray(sums_a[:, c], dtype=small) for c in range(criteria)
    ]
    # per_row[b, sa]: winning completions of B-subset b by A-subsets of size sa;
    # per_column[sb, a]: winning completions of A-subset a by B-subsets of size sb
    per_row = np.zeros((sums_b.shape[0], count_a + 1))
    per_column = np.zeros((count_b + 1, sums_a.shape[0]))
    for start in range(0, sums_b.shape[0], chunk_rows):
        rows = slice(start, start + chunk_rows)
        win = np.zeros((sizes_b[rows].shape[0], sums_a.shape[0]), dtype=bool)
        for min_size, quotas in game.rules:
            ok = sizes_a[None, :] >= (min_size - veto_count - sizes_b[rows])[:, None]
            for c, quota in enumerate(quotas):
                need = quota - veto_sums[c]
                if need > 0:
                    needed_from_a: np.ndarray = (need - sums_b[rows, c]).astype(small)
                    ok &= columns_a[c][None, :] >= needed_from_a[:, None]
            win |= ok
        win_f = win.astype(np.float32)  # exact: every product below sums at most 2^24 ones
        per_row[rows] = win_f @ size_onehot_a
        per_column += size_onehot_b[rows].T @ win_f
    # by_sizes[sb, sa]: winning coalitions; with_b[j, sb, sa] and with_a[i, sb, sa]: those
    # containing player j of B or i of A.
    by_sizes = size_onehot_b.T.astype(np.float64) @ per_row
    with_b = np.zeros((count_b, count_b + 1, count_a + 1))
    with_a = np.zeros((count_a, count_b + 1, count_a + 1))
    bits_a_f, bits_b_f = bits_a.astype(np.float64), bits_b.astype(np.float64)
    for size_b in range(count_b + 1):
        chosen = sizes_b == size_b
        with_b[:, size_b, :] = bits_b_f[chosen].T @ per_row[chosen]
    for size_a in range(count_a + 1):
        chosen = sizes_a == size_a
        with_a[:, :, size_a] = (per_column[:, chosen] @ bits_a_f[chosen]).T
    winning = _by_total_size(by_sizes, veto_count, n)
    containing_a = np.array([_by_total_size(t, veto_count, n) for t in with_a]).reshape(
        count_a, n + 1
    )
    containing_b = np.array([_by_total_size(t, veto_count, n) for t in with_b]).reshape(
        count_b, n + 1
    )
    return _assemble(game, winning, containing_a, containing_b, "enumeration")


def _by_total_size(table: np.ndarray, offset: int, n: int) -> np.ndarray:
    out = np.zeros(n + 1)
    for size_b in range(table.shape[0]):
        for size_a in range(table.shape[1]):
            out[offset + size_b + size_a] += table[size_b, size_a]
    return out


# --- full enumeration: Johnston, Deegan-Packel, Holler-Packel ---


@dataclass(frozen=True)
class CoalitionStructure:
    """Counts that the coalition-based indices need, from a full enumeration."""

    critical_by_count: tuple[dict[int, int], ...]  # per player: {critical players k: count}
    minimal_winning: tuple[int, ...]  # per player: minimal winning coalitions containing it
    minimal_winning_by_size: tuple[dict[int, int], ...]  # per player: {size: count}
    minimal_winning_total: int


def enumerate_structure(game: ReducedGame) -> CoalitionStructure:
    """Critical players of every winning coalition and the minimal winning coalitions.

    Time and memory ``O(2^m n)`` for ``m`` non-veto players.
    """
    free = list(game.free)
    veto_count = len(game.vetoes)
    m = len(free)
    criteria = len(game.weights)
    matrix = np.array(
        [[game.weights[c][i] for c in range(criteria)] for i in free], dtype=np.int64
    ).reshape(m, criteria)
    veto_sums = [sum(game.weights[c][v] for v in game.vetoes) for c in range(criteria)]
    sums, sizes, _ = _subsets(matrix)
    win = np.zeros(sums.shape[0], dtype=bool)
    for min_size, quotas in game.rules:
        ok = (sizes + veto_count) >= min_size
        for c, quota in enumerate(quotas):
            ok &= sums[:, c] >= quota - veto_sums[c]
        win |= ok
    critical = np.where(win, veto_count, 0).astype(np.int64)
    critical_masks = []
    for bit in range(m):
        shaped = win.reshape(-1, 2, 1 << bit)
        is_critical = np.zeros_like(shaped)
        is_critical[:, 1, :] = shaped[:, 1, :] & ~shaped[:, 0, :]
        flat = is_critical.reshape(-1)
        critical += flat
        critical_masks.append(flat)
    minimal = win & (critical == sizes + veto_count)
    critical_by_count: list[dict[int, int]] = [{} for _ in range(game.n)]
    minimal_by_size: list[dict[int, int]] = [{} for _ in range(game.n)]
    minimal_count = [0] * game.n

    def tally(mask: np.ndarray) -> tuple[dict[int, int], dict[int, int], int]:
        ks = np.bincount(critical[mask])
        ss = np.bincount(sizes[mask & minimal] + veto_count)
        return (
            {k: int(c) for k, c in enumerate(ks) if c},
            {s: int(c) for s, c in enumerate(ss) if c},
            int((mask & minimal).sum()),
        )

    for position, player in enumerate(free):
        critical_by_count[player], minimal_by_size[player], minimal_count[player] = tally(
            critical_masks[position]
        )
    for player in game.vetoes:
        critical_by_count[player], minimal_by_size[player], minimal_count[player] = tally(win)
    return CoalitionStructure(
        tuple(critical_by_count), tuple(minimal_count), tuple(minimal_by_size), int(minimal.sum())
    )
