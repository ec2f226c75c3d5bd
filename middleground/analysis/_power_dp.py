"""Exact swing counts by dynamic programming over generating functions (private).

Exact by multi-modular arithmetic: the counts are computed modulo ``2**64`` and a few
primes, then rebuilt by the Chinese remainder theorem. One real criterion with integer
weights (:func:`count_dynamic_programming`) or several (:func:`count_multidimensional`).
Re-exported by :mod:`middleground.analysis._power_exact` with the other engines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from middleground.analysis._power_game import INF, ReducedGame, SwingCounts


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
