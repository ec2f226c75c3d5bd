"""Monte Carlo estimates behind :mod:`middleground.analysis.power` (private).

Shapley-Shubik: uniformly random orderings of the players; the pivot of each ordering is
the player whose arrival turns the growing coalition into a winning one.
Banzhaf: uniformly random coalitions; for each player, whether adding it to the others in
the coalition turns a losing coalition into a winning one.

Each estimate is a mean of independent Bernoulli draws, reported with a Wilson score
interval. For a half-width ``epsilon`` at confidence ``1 - delta`` for every player at
once, Hoeffding's inequality asks for ``m >= ln(2 n / delta) / (2 epsilon^2)`` samples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from middleground.analysis._power_exact import ReducedGame


@dataclass(frozen=True)
class Estimate:
    """Per-player estimates with Wilson score intervals."""

    hits: np.ndarray
    samples: int
    low: np.ndarray
    high: np.ndarray


def _wilson(hits: np.ndarray, samples: int, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = hits / samples
    denominator = 1 + z * z / samples
    centre = (p + z * z / (2 * samples)) / denominator
    half = z * np.sqrt(p * (1 - p) / samples + z * z / (4 * samples * samples)) / denominator
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def _winning(
    game: ReducedGame, sums: np.ndarray, sizes: np.ndarray, vetoes: np.ndarray
) -> np.ndarray:
    """Vectorised test of coalitions given their criterion sums (..., c), sizes and the
    number of veto players they contain."""
    win = np.zeros(sizes.shape, dtype=bool)
    for min_size, quotas in game.rules:
        ok = sizes >= min_size
        for c, quota in enumerate(quotas):
            ok &= sums[..., c] >= quota
        win |= ok
    return win & (vetoes == len(game.vetoes))


def _matrix(game: ReducedGame) -> tuple[np.ndarray, np.ndarray]:
    weights = np.array(game.weights, dtype=np.int64).T.reshape(game.n, len(game.weights))
    is_veto = np.zeros(game.n, dtype=np.int64)
    is_veto[list(game.vetoes)] = 1
    return weights, is_veto


def shapley_shubik(
    game: ReducedGame, samples: int, rng: np.random.Generator, confidence: float, batch: int = 4096
) -> Estimate:
    """Pivot frequencies over ``samples`` random orderings. Time ``O(samples n c)``."""
    weights, is_veto = _matrix(game)
    n = game.n
    hits = np.zeros(n, dtype=np.int64)
    done = 0
    while done < samples:
        rows = min(batch, samples - done)
        order = np.argsort(rng.random((rows, n)), axis=1)
        sums = np.cumsum(weights[order], axis=1)
        vetoes = np.cumsum(is_veto[order], axis=1)
        sizes = np.broadcast_to(np.arange(1, n + 1), (rows, n))
        win = _winning(game, sums, sizes, vetoes)
        pivot_position = np.argmax(win, axis=1)  # the grand coalition always wins
        hits += np.bincount(order[np.arange(rows), pivot_position], minlength=n)
        done += rows
    low, high = _wilson(hits, samples, confidence)
    return Estimate(hits, samples, low, high)


def banzhaf(
    game: ReducedGame, samples: int, rng: np.random.Generator, confidence: float, batch: int = 4096
) -> Estimate:
    """Swing frequencies over ``samples`` random coalitions (absolute Banzhaf index).
    Time ``O(samples n c)``."""
    weights, is_veto = _matrix(game)
    n = game.n
    hits = np.zeros(n, dtype=np.int64)
    done = 0
    while done < samples:
        rows = min(batch, samples - done)
        member = rng.random((rows, n)) < 0.5
        sums = member.astype(np.int64) @ weights
        sizes = member.sum(axis=1)
        vetoes = member.astype(np.int64) @ is_veto
        # with / without each player i, for every sampled coalition of the others
        sign = np.where(member, 0, 1)[:, :, None]
        with_sums = sums[:, None, :] + sign * weights[None, :, :]
        without_sums = with_sums - weights[None, :, :]
        with_sizes = sizes[:, None] + sign[:, :, 0]
        with_vetoes = vetoes[:, None] + sign[:, :, 0] * is_veto[None, :]
        wins_with = _winning(game, with_sums, with_sizes, with_vetoes)
        wins_without = _winning(game, without_sums, with_sizes - 1, with_vetoes - is_veto[None, :])
        hits += (wins_with & ~wins_without).sum(axis=0)
        done += rows
    low, high = _wilson(hits, samples, confidence)
    return Estimate(hits, samples, low, high)


def samples_for(epsilon: float, delta: float, players: int) -> int:
    """Hoeffding sample size for half-width ``epsilon`` for all players at confidence
    ``1 - delta`` (union bound)."""
    return math.ceil(math.log(2 * players / delta) / (2 * epsilon * epsilon))
