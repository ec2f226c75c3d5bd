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
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

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


# --- dynamic programming over generating functions, exact by multi-modular arithmetic ---


def _is_prime(candidate: int) -> bool:
    if candidate < 2:
        return False
    small = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)
    for p in small:
        if candidate % p == 0:
            return candidate == p
    d, r = candidate - 1, 0
    while d % 2 == 0:
        d //= 2
        r += 1
    for a in small:  # deterministic for 64-bit integers
        x = pow(a, d, candidate)
        if x in (1, candidate - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, candidate)
            if x == candidate - 1:
                break
        else:
            return False
    return True


def _moduli(bits_needed: int, prime_bits: int) -> list[int]:
    """``2**64`` (free: uint64 wraps) followed by enough primes below ``2**prime_bits``."""
    moduli = [1 << 64]
    candidate = (1 << prime_bits) - 1
    while sum(m.bit_length() - 1 for m in moduli) < bits_needed + 1:
        while not _is_prime(candidate):
            candidate -= 2
        moduli.append(candidate)
        candidate -= 2
    return moduli


class _Queries:
    """Counting queries ``#{U subset of pool : |U| = u, w(U) < x}`` gathered before the
    dynamic programme runs, keyed by the removed player's weight (``None``: nobody)."""

    def __init__(self) -> None:
        self.index: dict[tuple[int | None, int, int], int] = {}

    def ask(self, removed: int | None, size: int, bound: int) -> int:
        key = (removed, size, bound)
        if key not in self.index:
            self.index[key] = len(self.index)
        return self.index[key]


def count_dynamic_programming(
    game: ReducedGame, by_size: bool, max_cells: int = 100_000_000
) -> SwingCounts:
    """Exact counts for one real criterion with integer weights, any number of players.

    The generating function ``prod_j (1 + y x^w_j)`` of the non-veto players is built by
    dynamic programming (coefficients by size ``y`` and weight ``x``; without ``y`` when
    ``by_size`` is false), turned into prefix sums over the weight, and the count for the
    game without player ``i`` is read off by the alternating sum
    ``#{u, < x} minus i = sum_m (-1)^m P[u - m][x - m w_i]`` -- no division, no second pass
    per player. Queries above half the total weight use complements, so a quota of 85%
    costs what one of 15% does. Arithmetic is exact: ``uint64`` residues modulo ``2^64``
    and a few primes, recombined by the Chinese remainder theorem into Python integers.

    Time ``O(m^2 X)`` with sizes (``O(m X)`` without) per modulus and memory ``O(m X)``
    (``O(X)``), where ``m`` is the number of non-veto players and ``X`` the largest
    weight bound queried (at most half the total weight, plus one); about ``m / 45 + 1``
    moduli.
    """
    n = game.n
    free = list(game.free)
    column = game.weights[0] if game.weights else (0,) * n
    veto_weight = sum(column[v] for v in game.vetoes)
    veto_count = len(game.vetoes)
    thresholds = [t - veto_weight if t < INF else INF for t in game.size_thresholds()]
    if not by_size and len(set(thresholds[veto_count:])) != 1:
        by_size = True  # size-dependent rules need the size dimension
    pool_weights = sorted(column[i] for i in free if by_size or column[i] > 0)
    zero_free = 0 if by_size else sum(1 for i in free if column[i] == 0)
    pool_total = sum(pool_weights)
    queries = _Queries()
    # plans: per player, list of (k, [(sign, constant, query-id or None)])
    pending: list[tuple[int, int, list[tuple[int, int, int | None]]]] = []
    winning_plan: list[tuple[int, list[tuple[int, int, int | None]]]] = []

    def count_below(removed: int | None, size: int | None, bound: int):
        """Terms (sign, constant, query) summing to #{U in pool minus removed, |U| = size
        (any size when None), w(U) < bound}."""
        pool = len(pool_weights) - (0 if removed is None else 1)
        total = pool_total - (removed or 0)
        if size is not None and not 0 <= size <= pool:
            return []
        everything = math.comb(pool, size) if size is not None else 1 << pool
        if bound <= 0:
            return []
        if bound > total:
            return [(1, everything, None)]
        complement = total - bound + 1
        if complement < bound:
            other = None if size is None else pool - size
            return [(1, everything, None), (-1, 1, queries.ask(removed, _key(other), complement))]
        return [(1, 1, queries.ask(removed, _key(size), bound))]

    def at_least(removed: int | None, size: int | None, bound: int):
        pool = len(pool_weights) - (0 if removed is None else 1)
        if size is not None and not 0 <= size <= pool:
            return []
        everything = math.comb(pool, size) if size is not None else 1 << pool
        return [(1, everything, None)] + [
            (-s, c, q) for s, c, q in count_below(removed, size, bound)
        ]

    sizes = range(n) if by_size else [None]
    for player in range(n):
        is_veto = player in game.vetoes
        weight = column[player]
        for k in sizes:
            if is_veto:
                # S contains the other vetoes; S + player wins when U reaches the threshold
                size = None if k is None else k - veto_count + 1
                bound = thresholds[(k + 1) if k is not None else veto_count]
                terms = [] if bound >= INF else at_least(None, size, bound)
            elif not by_size and weight == 0:
                terms = []
            else:
                size = None if k is None else k - veto_count
                high = thresholds[k if k is not None else veto_count]
                low = thresholds[(k + 1) if k is not None else veto_count] - weight
                if low + weight >= INF or (high < INF and high <= low):
                    terms = []
                elif high >= INF:
                    terms = at_least(weight, size, low)
                else:
                    terms = count_below(weight, size, high) + [
                        (-s, c, q) for s, c, q in count_below(weight, size, low)
                    ]
            pending.append((player, 0 if k is None else k, terms))
    for s in range(n + 1) if by_size else [None]:
        bound = thresholds[s if s is not None else veto_count]
        size = None if s is None else s - veto_count
        terms = [] if bound >= INF else at_least(None, size, bound)
        winning_plan.append((0 if s is None else s, terms))

    values = _evaluate_queries(queries, pool_weights, by_size, max_cells)
    scale = 1 << zero_free

    def resolve(terms: list[tuple[int, int, int | None]]) -> int:
        return sum(sign * const * (1 if q is None else values[q]) for sign, const, q in terms)

    swings = [[0] * n for _ in range(n)]
    for player, k, terms in pending:
        swings[player][k] = resolve(terms) * scale
    winning = [0] * (n + 1)
    for s, terms in winning_plan:
        winning[s] = resolve(terms) * scale
    if not by_size:
        # only totals are known: keep them in the k = 0 slot, callers ask for Banzhaf only
        pass
    name = "generating-function DP" + (" by size" if by_size else "")
    return SwingCounts(tuple(tuple(r) for r in swings), tuple(winning), name)


def _key(size: int | None) -> int:
    return -1 if size is None else size


def _evaluate_queries(
    queries: _Queries, pool_weights: list[int], by_size: bool, max_cells: int
) -> list[int]:
    """Exact values of all queries (Python ints)."""
    if not queries.index:
        return []
    keys = list(queries.index)
    bound_max = max(bound for _, _, bound in keys)
    rows = len(pool_weights) + 1 if by_size else 1
    if by_size:
        # sizes whose lightest subset already reaches the bound contribute nothing
        lightest = np.concatenate([[0], np.cumsum(pool_weights)])
        rows = int(np.searchsorted(lightest, bound_max, side="left"))
        rows = max(rows, 1)
    if rows * bound_max > max_cells:
        raise MemoryError(f"{rows} x {bound_max} cells exceed the limit of {max_cells}")
    terms_max = (len(pool_weights) + 1) if by_size else bound_max
    prime_bits = 62 - max(bound_max, terms_max, 2).bit_length()
    moduli = _moduli(len(pool_weights) + 1, prime_bits)
    residues = np.zeros((len(moduli), len(keys)), dtype=np.uint64)
    plan = _gather_plan(keys, by_size, rows, bound_max)
    for position, modulus in enumerate(moduli):
        table = _prefix_table(pool_weights, bound_max, rows, modulus, by_size, prime_bits)
        residues[position] = _gather(table.reshape(-1), plan, modulus, len(keys))
        del table
    return _crt(residues, moduli)


def _prefix_table(
    weights: list[int], width: int, rows: int, modulus: int, by_size: bool, prime_bits: int
) -> np.ndarray:
    """``table[u, x - 1] = #{U : |U| = u, w(U) < x} mod modulus`` for ``x = 1..width``
    (one row, any size, when ``by_size`` is false), plus a last column of zeros that
    out-of-range terms point at. ``modulus == 2**64`` wraps for free."""
    wrap = modulus == 1 << 64
    p = np.uint64(0 if wrap else modulus)
    steps_between_reductions = max(1, 62 - prime_bits)
    table = np.zeros((rows, width + 1), dtype=np.uint64)
    counts = table[:, :width]
    counts[0, 0] = 1
    prefix = [0]
    for w in weights:
        prefix.append(prefix[-1] + w)
    reached = 0  # heaviest weight so far
    for j, w in enumerate(weights):
        end = min(width, reached + w + 1)
        if by_size:
            for u in range(min(j + 1, rows - 1), 0, -1):
                start = prefix[u - 1] + w  # lightest (u-1)-subset of the earlier players
                if start < end:
                    counts[u, start:end] += counts[u - 1, start - w : end - w]
        elif w < end:
            counts[0, w:end] += counts[0, : end - w]  # numpy buffers the overlap
        reached += w
        if not wrap and (j + 1) % steps_between_reductions == 0:
            np.remainder(counts, p, out=counts)
    if not wrap:
        np.remainder(counts, p, out=counts)
    np.cumsum(counts, axis=1, out=counts)
    if not wrap:
        np.remainder(counts, p, out=counts)
    return table


@dataclass(frozen=True)
class _GatherChunk:
    """Terms of a run of consecutive queries: flat table positions and signs."""

    first_query: int
    last_query: int
    positions: np.ndarray  # into the flattened (rows, width + 1) table
    negative: np.ndarray
    starts: np.ndarray  # first term of each query, relative to the chunk


_TERMS_PER_CHUNK = 500_000


def _gather_plan(
    keys: list[tuple[int | None, int, int]], by_size: bool, rows: int, width: int
) -> list[_GatherChunk]:
    """Alternating-sum terms of every query, in chunks of bounded size (memory about
    5 bytes per term)."""
    removed = np.array([-1 if r is None else r for r, _, _ in keys], dtype=np.int64)
    sizes = np.array([max(s, 0) for _, s, _ in keys], dtype=np.int64)
    bounds = np.array([b for _, _, b in keys], dtype=np.int64)
    # number of alternating terms: x - m w > 0, and m <= u when counting by size
    safe_w = np.where(removed > 0, removed, 1)
    # a weightless removed player only shifts sizes: m runs up to u
    by_weight = np.where(removed > 0, (bounds - 1) // safe_w, sizes)
    count = np.where(removed < 0, 0, by_weight)
    if by_size:
        count = np.minimum(count, sizes)
    count = count + 1
    ends = np.cumsum(count)
    index_type = np.int32 if rows * (width + 1) < 2**31 else np.int64
    zero_cell = width  # row 0, last column
    chunks = []
    first = 0
    while first < len(keys):
        done_before = int(ends[first - 1]) if first else 0
        last = int(np.searchsorted(ends, done_before + _TERMS_PER_CHUNK, side="right"))
        last = max(last, first + 1)
        local = count[first:last]
        query = np.repeat(np.arange(first, last), local)
        offsets = np.concatenate([[0], np.cumsum(local)[:-1]])
        m = np.arange(query.shape[0]) - offsets[query - first]
        weight = np.where(removed[query] > 0, removed[query], 0)
        row = sizes[query] - m if by_size else np.zeros_like(m)
        column = bounds[query] - m * weight - 1
        valid = (row >= 0) & (row < rows) & (column >= 0)
        positions = np.where(valid, row * (width + 1) + column, zero_cell).astype(index_type)
        chunks.append(_GatherChunk(first, last, positions, m % 2 == 1, offsets))
        first = last
    return chunks


def _gather(
    flat_table: np.ndarray, plan: list[_GatherChunk], modulus: int, size: int
) -> np.ndarray:
    wrap = modulus == 1 << 64
    p = np.uint64(0 if wrap else modulus)
    sums = np.zeros(size, dtype=np.uint64)
    for chunk in plan:
        terms = flat_table[chunk.positions]
        if wrap:
            terms[chunk.negative] = np.uint64(0) - terms[chunk.negative]  # wraps mod 2^64
        else:
            terms[chunk.negative] = (p - terms[chunk.negative]) % p
        part = np.add.reduceat(terms, chunk.starts)
        if not wrap:
            part %= p
        sums[chunk.first_query : chunk.last_query] = part
    return sums


def _crt(residues: np.ndarray, moduli: list[int]) -> list[int]:
    product = math.prod(moduli)
    coefficients = []
    for m in moduli:
        rest = product // m
        coefficients.append(rest * pow(rest % m, -1, m) % product)
    columns = [residues[k].tolist() for k in range(len(moduli))]
    return [
        sum(c * r for c, r in zip(coefficients, values, strict=True)) % product
        for values in zip(*columns, strict=True)
    ]


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


# --- several criteria with unequal weights: multi-dimensional generating functions ---


def count_multidimensional(game: ReducedGame, max_work: int = 2_000_000_000) -> SwingCounts:
    """Exact counts for several criteria by a multi-dimensional dynamic programme.

    Coalitions of the non-veto players are counted by size and by their weight in each
    criterion, capped at the largest quota of that criterion (a capped cell stands for
    "at least the quota", which decides every rule), as in the multi-dimensional
    generating functions of Bilbao et al. (EJOR 2002). Capped counts cannot be divided
    by a player's factor, so the programme runs once per distinct weight vector with one
    such player left out. Time ``O(t m^2 Q c)`` and memory ``O(m Q)`` per modulus, for
    ``t`` distinct weight vectors, ``m`` non-veto players and ``Q`` the product of the
    capped quotas plus one; exact through residues modulo ``2^64`` and primes.
    """
    n = game.n
    free = list(game.free)
    veto_count = len(game.vetoes)
    criteria = len(game.weights)
    offsets = [sum(game.weights[c][v] for v in game.vetoes) for c in range(criteria)]
    needs = [[max(q - offsets[c], 0) for c, q in enumerate(quotas)] for _, quotas in game.rules]
    caps = [max(rule[c] for rule in needs) for c in range(criteria)]
    shape = (len(free) + 1, *(cap + 1 for cap in caps))
    cells = math.prod(shape)
    vectors = [tuple(game.weights[c][i] for c in range(criteria)) for i in free]
    distinct = sorted(set(vectors))
    work = (len(distinct) + 1) * len(free) * cells * (criteria + 1)
    if work > max_work:
        raise MemoryError(f"about {work:.1e} cell updates exceed the limit of {max_work:.0e}")
    moduli = _moduli(len(free) + 1, 62 - (max(caps, default=0) + 2).bit_length())

    def winning_grid(size_offset: int, added: tuple[int, ...] | None) -> np.ndarray:
        sizes = (np.arange(len(free) + 1) + size_offset).reshape((-1,) + (1,) * criteria)
        result = np.zeros(shape, dtype=bool)
        for (min_size, _), need in zip(game.rules, needs, strict=True):
            ok = np.broadcast_to(sizes >= min_size, shape).copy()
            for c in range(criteria):
                values = np.arange(caps[c] + 1)
                if added is not None:
                    values = np.minimum(values + added[c], caps[c])
                axis_shape = [1] * (criteria + 1)
                axis_shape[c + 1] = caps[c] + 1
                ok &= (values >= need[c]).reshape(axis_shape)
            result |= ok
        return result

    def counts(weights: list[tuple[int, ...]], modulus: int) -> np.ndarray:
        wrap = modulus == 1 << 64
        p = np.uint64(0 if wrap else modulus)
        table = np.zeros(shape, dtype=np.uint64)
        table[(0,) * len(shape)] = 1
        for j, w in enumerate(weights):
            for u in range(min(j + 1, len(free)), 0, -1):
                table[u] += _capped_shift(table[u - 1], w, caps, p, wrap)
                if not wrap:
                    table[u] %= p
        return table

    def sums_by_size(table: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return np.where(mask, table, np.uint64(0)).reshape(shape[0], -1).sum(axis=1)

    def reconstruct(residues: list[np.ndarray]) -> list[int]:
        stacked = np.array(residues, dtype=np.uint64)
        return _crt(stacked, moduli)

    losing_now = ~winning_grid(veto_count, None)
    by_vector: dict[tuple[int, ...], list[int]] = {}
    for vector in distinct:
        others = list(vectors)
        others.remove(vector)
        gains = winning_grid(veto_count + 1, vector) & losing_now
        residues = []
        for modulus in moduli:
            residues.append(sums_by_size(counts(others, modulus), gains))
        by_vector[vector] = reconstruct(residues)
    winning_residues = []
    for modulus in moduli:
        winning_residues.append(sums_by_size(counts(vectors, modulus), ~losing_now))
    winning_of_free = reconstruct(winning_residues)  # by u = number of non-veto members

    swings = [[0] * n for _ in range(n)]
    winning = [0] * (n + 1)
    for u, count in enumerate(winning_of_free):
        winning[veto_count + u] = count
    for position, player in enumerate(free):
        for u, count in enumerate(by_vector[vectors[position]][: len(free)]):
            swings[player][veto_count + u] = count
    for player in game.vetoes:
        for u, count in enumerate(winning_of_free):
            if veto_count - 1 + u < n:
                swings[player][veto_count - 1 + u] = count
    return SwingCounts(
        tuple(tuple(r) for r in swings), tuple(winning), "multi-dimensional generating-function DP"
    )


def _capped_shift(
    table: np.ndarray, weights: tuple[int, ...], caps: list[int], p: np.uint64, wrap: bool
) -> np.ndarray:
    """Add ``weights`` to every cell index, piling what passes a cap into the cap cell."""
    out = table
    for axis, (w, cap) in enumerate(zip(weights, caps, strict=True)):
        if w == 0:
            continue
        moved = np.zeros_like(out)
        index = [slice(None)] * out.ndim
        if w < cap:
            target, source = list(index), list(index)
            target[axis], source[axis] = slice(w, cap), slice(0, cap - w)
            moved[tuple(target)] = out[tuple(source)]
        top, tail = list(index), list(index)
        top[axis], tail[axis] = slice(cap, cap + 1), slice(max(cap - w, 0), None)
        moved[tuple(top)] = out[tuple(tail)].sum(axis=axis, keepdims=True)
        if not wrap:
            moved %= p
        out = moved
    return out
