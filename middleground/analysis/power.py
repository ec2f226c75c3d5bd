"""Voting power in simple games: Shapley-Shubik, Banzhaf and related indices.

A game is given by one weight vector per criterion and a quota for each (a coalition wins
when it meets every quota: double and triple majorities), optional *alternatives* (further
lists of quotas, any of which also wins, such as the EU Council's "any 24 members") and
optional veto players (every winning coalition contains them all).

Exact values are the default and come as :class:`fractions.Fraction` besides floats. The
engine is chosen from the shape of the game and named in the result:

* at most one criterion whose weights differ between players (criteria with equal
  weights, such as "55% of the members", are folded into a minimum coalition size) and
  at most 32 players without a veto: meet-in-the-middle enumeration, ``O(2^(m/2) m^2)``;
* one such criterion and more players: dynamic programming over generating functions,
  ``O(m^2 X)`` (``O(m X)`` for the Banzhaf index alone) with ``X`` at most half the total
  weight, exact through residues modulo ``2^64`` and a few primes;
* several such criteria: enumeration of all ``2^m`` coalitions for ``m <= 28``, beyond
  that a multi-dimensional generating-function DP with weights capped at the quotas,
  ``O(t m^2 Q c)`` for ``t`` distinct weight vectors and ``Q`` the product of the quotas
  (after dividing out common factors), when that stays below about ``2e9`` cell updates;
* Johnston, Deegan-Packel and Holler-Packel: enumeration, ``O(2^m n)``, ``m <= 25``.

Weights and quotas are exact numbers: integers, decimal strings, :class:`~decimal.Decimal`,
:class:`~fractions.Fraction`, or floats read by their shortest decimal representation
(``83.1`` is 831/10). Each criterion is scaled to integers by the least common multiple of
its denominators and divided by the greatest common divisor of its weights, which changes
no coalition's outcome.

Monte Carlo estimates (random orderings for Shapley-Shubik, random coalitions for
Banzhaf) are used when asked for, or with ``method="auto"`` when the exact engines do
not apply; they come with Wilson score intervals.

Examples
--------
The Security Council: five permanent members with a veto, ten elected, nine votes.

>>> council = WeightedGame.from_weights(
...     [1] * 15, 9, players=[f"P{i}" for i in range(5)] + [f"E{i}" for i in range(10)],
...     vetoes=[f"P{i}" for i in range(5)])
>>> result = power_indices(council)
>>> result.method, result.exact("shapley_shubik")["P0"], result.exact("shapley_shubik")["E0"]
('exact', Fraction(421, 2145), Fraction(4, 2145))
>>> result.exact("banzhaf_absolute")["P0"]
Fraction(53, 1024)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import numpy as np

from middleground.analysis import _power_exact as exact_engines
from middleground.analysis import _power_mc as monte_carlo

__all__ = [
    "DEFAULT_INDICES",
    "INDICES",
    "GameError",
    "GameTooLargeError",
    "IndexValues",
    "PowerResult",
    "WeightedGame",
    "banzhaf",
    "power_indices",
    "shapley_shubik",
]

#: Every index :func:`power_indices` computes.
INDICES = (
    "shapley_shubik",
    "banzhaf",
    "banzhaf_absolute",
    "coleman_prevent",
    "coleman_initiate",
    "johnston",
    "deegan_packel",
    "holler_packel",
)
#: Indices computed when none are named.
DEFAULT_INDICES = ("shapley_shubik", "banzhaf", "banzhaf_absolute")
_MONTE_CARLO_INDICES = ("shapley_shubik", "banzhaf", "banzhaf_absolute")
_SIZE_INDICES = ("shapley_shubik",)
_STRUCTURE_INDICES = ("johnston", "deegan_packel", "holler_packel")
_MEET_IN_THE_MIDDLE_MAX = 32
_ENUMERATION_MAX = 28
_STRUCTURE_MAX = 25
_MAX_BITS = 61

Number = int | float | str | Decimal | Fraction
Method = Literal["exact", "monte-carlo", "auto"]


class GameError(ValueError):
    """The game is impossible or malformed (the message says why)."""


class GameTooLargeError(GameError):
    """No exact method applies at this size; ask for ``method="monte-carlo"`` or
    ``"auto"``."""


def _exact(value: Any, what: str) -> Fraction:
    """An exact rational from an int, float (its shortest decimal), str, Decimal or
    Fraction."""
    if isinstance(value, bool):
        raise GameError(f"{what} must be a number, not {value!r}")
    try:
        if isinstance(value, float):
            if not math.isfinite(value):
                raise GameError(f"{what} must be finite, not {value!r}")
            return Fraction(repr(value))
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise GameError(f"{what} must be finite, not {value!r}")
            return Fraction(value)
        if isinstance(value, int | Fraction | str):
            return Fraction(value)
    except (ValueError, ZeroDivisionError) as error:
        raise GameError(f"{what} must be a number, not {value!r}") from error
    raise GameError(f"{what} must be a number, not {value!r}")


@dataclass(frozen=True)
class WeightedGame:
    """A simple game: weights per player and criterion, quotas, alternatives, vetoes.

    Parameters
    ----------
    players : sequence of str
        Distinct player ids.
    weights : sequence of sequences of numbers
        ``weights[i][c]``: weight of player ``i`` in criterion ``c`` (non-negative).
    quotas : sequence of numbers
        One quota per criterion; a coalition meets it when its total weight is at least
        the quota. All must be met (double and triple majorities).
    alternatives : sequence of sequences of numbers, optional
        Further quota lists; meeting every quota of any one of them also wins.
    vetoes : sequence of str, optional
        Players every winning coalition must contain.

    Raises
    ------
    GameError
        For negative weights, a quota above the total weight, unknown veto ids, duplicate
        ids, mismatched lengths, or a game the empty coalition already wins.

    Examples
    --------
    >>> game = WeightedGame.from_weights([4, 3, 2, 1], 6, players="ABCD")
    >>> game.is_winning({"A", "C"}), game.is_winning({"B", "C"})
    (True, False)
    """

    players: tuple[str, ...]
    weights: tuple[tuple[Fraction, ...], ...]
    quotas: tuple[Fraction, ...]
    alternatives: tuple[tuple[Fraction, ...], ...] = ()
    vetoes: tuple[str, ...] = ()
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        players = tuple(str(p) for p in self.players)
        if not players:
            raise GameError("the game has no players")
        if len(set(players)) != len(players):
            raise GameError("player ids must be distinct")
        quotas = tuple(_exact(q, "a quota") for q in self.quotas)
        if not quotas:
            raise GameError("the game needs at least one quota")
        weights = []
        for player, row in zip(players, self.weights, strict=False):
            values = tuple(_exact(w, f"the weight of {player}") for w in row)
            if len(values) != len(quotas):
                raise GameError(
                    f"{player} has {len(values)} weights but there are {len(quotas)} quotas"
                )
            if any(v < 0 for v in values):
                raise GameError(f"negative weight for {player}: weights must be >= 0")
            weights.append(values)
        if len(weights) != len(players):
            raise GameError("there must be one weight vector per player")
        alternatives = tuple(tuple(_exact(q, "a quota") for q in alt) for alt in self.alternatives)
        totals = [sum((row[c] for row in weights), Fraction(0)) for c in range(len(quotas))]
        for rule in (quotas, *alternatives):
            if len(rule) != len(quotas):
                raise GameError("every alternative needs one quota per criterion")
            for c, (quota, total) in enumerate(zip(rule, totals, strict=True)):
                if quota < 0:
                    raise GameError(f"quota {quota} of criterion {c + 1} is negative")
                if quota > total:
                    raise GameError(
                        f"quota {_show(quota)} of criterion {c + 1} is above the total weight "
                        f"{_show(total)}: no coalition can win"
                    )
        vetoes = tuple(str(v) for v in self.vetoes)
        unknown = sorted(set(vetoes) - set(players))
        if unknown:
            raise GameError(f"unknown veto ids: {', '.join(unknown)}")
        if not vetoes and any(all(q <= 0 for q in rule) for rule in (quotas, *alternatives)):
            raise GameError("every quota of a rule is 0: the empty coalition already wins")
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "weights", tuple(weights))
        object.__setattr__(self, "quotas", quotas)
        object.__setattr__(self, "alternatives", alternatives)
        object.__setattr__(self, "vetoes", tuple(dict.fromkeys(vetoes)))
        object.__setattr__(self, "_index", {p: i for i, p in enumerate(players)})

    @classmethod
    def from_weights(
        cls,
        weights: Sequence[Number] | Sequence[Sequence[Number]],
        quotas: Number | Sequence[Number],
        *,
        players: Iterable[str] | None = None,
        alternatives: Sequence[Sequence[Number]] = (),
        vetoes: Iterable[str] = (),
    ) -> WeightedGame:
        """A game from a weight list (one criterion) or weight vectors, and quota(s).

        Players are named ``"0", "1", ...`` unless ``players`` is given.
        """
        rows = [
            list(w) if isinstance(w, Sequence) and not isinstance(w, str) else [w] for w in weights
        ]
        quota_list = (
            list(quotas)
            if isinstance(quotas, Sequence) and not isinstance(quotas, str)
            else [quotas]
        )
        ids = tuple(players) if players is not None else tuple(str(i) for i in range(len(rows)))
        # __post_init__ turns every number into an exact Fraction
        exact_rows: Any = tuple(tuple(r) for r in rows)
        exact_quotas: Any = tuple(quota_list)
        exact_alternatives: Any = tuple(tuple(a) for a in alternatives)
        return cls(ids, exact_rows, exact_quotas, exact_alternatives, tuple(vetoes))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WeightedGame:
        """A game from the JSON format of ``middleground-power``::

        {"players": [{"id": "DE", "weights": [1, 83.1]}, ...],
         "quotas": [15, 288.6], "alternatives": [[24, 0]], "vetoes": []}
        """
        if not isinstance(data, Mapping):
            raise GameError("a game is a JSON object")
        unknown_keys = set(data) - {"players", "quotas", "alternatives", "vetoes", "name", "note"}
        if unknown_keys:
            raise GameError(f"unknown keys: {', '.join(sorted(unknown_keys))}")
        try:
            players = list(data["players"])
            quotas = data["quotas"]
        except (KeyError, TypeError) as error:
            raise GameError("a game needs 'players' and 'quotas'") from error
        quotas = quotas if isinstance(quotas, list) else [quotas]
        ids, rows = [], []
        for entry in players:
            if not isinstance(entry, Mapping) or "id" not in entry or "weights" not in entry:
                raise GameError("each player is an object with 'id' and 'weights'")
            weights = entry["weights"]
            ids.append(str(entry["id"]))
            rows.append(tuple(weights if isinstance(weights, list) else [weights]))
        return cls(
            tuple(ids),
            tuple(rows),
            tuple(quotas),
            tuple(tuple(a) for a in data.get("alternatives", []) or []),
            tuple(data.get("vetoes", []) or []),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form read by :meth:`from_dict` (exact numbers as strings when they
        are not integers)."""
        return {
            "players": [
                {"id": p, "weights": [_json_number(w) for w in row]}
                for p, row in zip(self.players, self.weights, strict=True)
            ],
            "quotas": [_json_number(q) for q in self.quotas],
            "alternatives": [[_json_number(q) for q in alt] for alt in self.alternatives],
            "vetoes": list(self.vetoes),
        }

    @property
    def n(self) -> int:
        """Number of players."""
        return len(self.players)

    def is_winning(self, coalition: Iterable[str]) -> bool:
        """Whether the coalition (player ids) wins, in exact arithmetic. Time ``O(n c)``."""
        members = set(coalition)
        unknown = members - set(self.players)
        if unknown:
            raise GameError(f"unknown players: {', '.join(sorted(unknown))}")
        if not set(self.vetoes) <= members:
            return False
        sums = [
            sum((self.weights[self._index[p]][c] for p in members), Fraction(0))
            for c in range(len(self.quotas))
        ]
        return any(
            all(s >= q for s, q in zip(sums, rule, strict=True))
            for rule in (self.quotas, *self.alternatives)
        )

    def reduced(self) -> exact_engines.ReducedGame:
        """The integer form the engines use (criteria scaled to integers, equal-weight
        criteria folded into a minimum coalition size)."""
        rules = (self.quotas, *self.alternatives)
        real_columns: list[tuple[int, ...]] = []
        real_quotas: list[list[int]] = [[] for _ in rules]
        min_sizes = [0] * len(rules)
        for c in range(len(self.quotas)):
            column = [row[c] for row in self.weights]
            scale = math.lcm(
                *(v.denominator for v in column), *(rule[c].denominator for rule in rules)
            )
            ints = [int(v * scale) for v in column]
            divisor = math.gcd(*ints) or 1
            ints = [v // divisor for v in ints]
            needs = [-(-(rule[c] * scale).numerator // divisor) for rule in rules]  # ceil
            if sum(ints).bit_length() > _MAX_BITS:
                raise GameTooLargeError(
                    f"criterion {c + 1} needs more than {_MAX_BITS} bits after exact scaling"
                )
            if len(set(ints)) == 1:  # every player weighs the same: a size requirement
                for r, need in enumerate(needs):
                    if need > 0:
                        min_sizes[r] = max(min_sizes[r], -(-need // ints[0]))
            else:
                real_columns.append(tuple(ints))
                for r, need in enumerate(needs):
                    real_quotas[r].append(max(need, 0))
        veto_index = tuple(self._index[v] for v in self.vetoes)
        return exact_engines.ReducedGame(
            n=self.n,
            vetoes=veto_index,
            weights=tuple(real_columns),
            rules=tuple((min_sizes[r], tuple(real_quotas[r])) for r in range(len(rules))),
        )


def _show(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def _json_number(value: Fraction) -> int | str:
    return value.numerator if value.denominator == 1 else str(value)


@dataclass(frozen=True)
class IndexValues:
    """One index for every player: floats, exact fractions (exact methods) and
    confidence intervals (Monte Carlo)."""

    values: dict[str, float]
    exact: dict[str, Fraction] | None = None
    interval: dict[str, tuple[float, float]] | None = None


@dataclass(frozen=True)
class PowerResult:
    """Power indices of a game and how they were obtained.

    Attributes
    ----------
    players : tuple of str
    method : {"exact", "monte-carlo"}
    algorithm : str
        The engine, e.g. ``"meet-in-the-middle"`` or ``"generating-function DP by size"``.
    indices : dict of str to IndexValues
    winning_coalitions : int or None
        Number of winning coalitions (exact methods).
    samples, confidence, seed : Monte Carlo settings, ``None`` for exact results.
    """

    players: tuple[str, ...]
    method: Literal["exact", "monte-carlo"]
    algorithm: str
    indices: dict[str, IndexValues]
    winning_coalitions: int | None = None
    samples: int | None = None
    confidence: float | None = None
    seed: int | None = None

    def __getitem__(self, name: str) -> dict[str, float]:
        return self.indices[name].values

    def exact(self, name: str) -> dict[str, Fraction]:
        """Exact values of an index (raises ``ValueError`` for Monte Carlo results)."""
        values = self.indices[name].exact
        if values is None:
            raise ValueError(f"{name} was estimated by {self.method}, not computed exactly")
        return values

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"method", "algorithm", "players", "indices", ...}`` with
        ``"exact"`` (``"num/den"`` strings) or ``"confidence_intervals"``."""
        out: dict[str, Any] = {
            "method": self.method,
            "algorithm": self.algorithm,
            "players": list(self.players),
            "indices": {name: dict(ix.values) for name, ix in self.indices.items()},
        }
        if self.method == "exact":
            out["exact"] = {
                name: {p: _fraction_text(v) for p, v in (ix.exact or {}).items()}
                for name, ix in self.indices.items()
            }
            out["winning_coalitions"] = self.winning_coalitions
        else:
            out["confidence_intervals"] = {
                name: {p: list(v) for p, v in (ix.interval or {}).items()}
                for name, ix in self.indices.items()
            }
            out["samples"] = self.samples
            out["confidence"] = self.confidence
            out["seed"] = self.seed
        return out


def _fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def _exact_values(players: Sequence[str], values: Sequence[Fraction]) -> IndexValues:
    exact = dict(zip(players, values, strict=True))
    return IndexValues({p: float(v) for p, v in exact.items()}, exact)


def _exact_counts(reduced: exact_engines.ReducedGame, by_size: bool) -> exact_engines.SwingCounts:
    free = len(reduced.free)
    if len(reduced.weights) <= 1:
        if free <= _MEET_IN_THE_MIDDLE_MAX:
            return exact_engines.count_meet_in_the_middle(reduced)
        try:
            return exact_engines.count_dynamic_programming(reduced, by_size=by_size)
        except MemoryError as error:
            raise GameTooLargeError(
                f"too large for exact methods ({error}); use method 'monte-carlo' or 'auto'"
            ) from error
    if free <= _ENUMERATION_MAX:
        return exact_engines.count_enumeration(reduced)
    try:
        return exact_engines.count_multidimensional(reduced)
    except MemoryError as error:
        raise GameTooLargeError(
            f"{free} players without a veto and {len(reduced.weights)} criteria whose weights "
            f"differ: too large for exact methods (enumeration handles up to "
            f"{_ENUMERATION_MAX} players, the multi-dimensional DP small quotas: {error}); "
            "use method 'monte-carlo' or 'auto'"
        ) from error


def _exact_result(game: WeightedGame, names: Sequence[str]) -> PowerResult:
    reduced = game.reduced()
    n = game.n
    indices: dict[str, IndexValues] = {}
    algorithms = []
    winning_total = None
    swing_names = [x for x in names if x not in _STRUCTURE_INDICES]
    if swing_names:
        counts = _exact_counts(reduced, by_size=any(x in _SIZE_INDICES for x in swing_names))
        algorithms.append(counts.algorithm)
        swings = [sum(row) for row in counts.swings]
        total_swings = sum(swings)
        winning_total = sum(counts.winning_by_size)
        for name in swing_names:
            if name == "shapley_shubik":
                factor = [math.factorial(k) * math.factorial(n - 1 - k) for k in range(n)]
                whole = math.factorial(n)
                values = [
                    Fraction(sum(f * s for f, s in zip(factor, row, strict=True)), whole)
                    for row in counts.swings
                ]
            elif name == "banzhaf":
                values = [Fraction(s, total_swings) for s in swings]
            elif name == "banzhaf_absolute":
                values = [Fraction(s, 1 << (n - 1)) for s in swings]
            elif name == "coleman_prevent":
                values = [Fraction(s, winning_total) for s in swings]
            else:  # coleman_initiate
                values = [Fraction(s, (1 << n) - winning_total) for s in swings]
            indices[name] = _exact_values(game.players, values)
    structure_names = [x for x in names if x in _STRUCTURE_INDICES]
    if structure_names:
        if len(reduced.free) > _STRUCTURE_MAX:
            raise GameTooLargeError(
                f"{', '.join(structure_names)} need enumeration of all coalitions; "
                f"{len(reduced.free)} players without a veto is above {_STRUCTURE_MAX}"
            )
        structure = exact_engines.enumerate_structure(reduced)
        algorithms.append("enumeration")
        for name in structure_names:
            if name == "johnston":
                raw = [
                    sum((Fraction(c, k) for k, c in by.items() if k), Fraction(0))
                    for by in structure.critical_by_count
                ]
                values = [r / sum(raw) for r in raw]
            elif name == "deegan_packel":
                values = [
                    sum((Fraction(c, s) for s, c in by.items()), Fraction(0))
                    / structure.minimal_winning_total
                    for by in structure.minimal_winning_by_size
                ]
            else:  # holler_packel
                total = sum(structure.minimal_winning)
                values = [Fraction(c, total) for c in structure.minimal_winning]
            indices[name] = _exact_values(game.players, values)
    ordered = {name: indices[name] for name in names}
    return PowerResult(
        game.players, "exact", " + ".join(dict.fromkeys(algorithms)), ordered, winning_total
    )


def _monte_carlo_result(
    game: WeightedGame, names: Sequence[str], samples: int, seed: int | None, confidence: float
) -> PowerResult:
    unsupported = [x for x in names if x not in _MONTE_CARLO_INDICES]
    if unsupported:
        raise GameError(f"Monte Carlo does not estimate {', '.join(unsupported)}")
    reduced = game.reduced()
    rng = np.random.default_rng(seed)
    indices: dict[str, IndexValues] = {}
    players = game.players
    if "shapley_shubik" in names:
        est = monte_carlo.shapley_shubik(reduced, samples, rng, confidence)
        indices["shapley_shubik"] = IndexValues(
            {p: float(h) / samples for p, h in zip(players, est.hits, strict=True)},
            interval={
                p: (float(lo), float(hi))
                for p, lo, hi in zip(players, est.low, est.high, strict=True)
            },
        )
    if "banzhaf" in names or "banzhaf_absolute" in names:
        est = monte_carlo.banzhaf(reduced, samples, rng, confidence)
        absolute = IndexValues(
            {p: float(h) / samples for p, h in zip(players, est.hits, strict=True)},
            interval={
                p: (float(lo), float(hi))
                for p, lo, hi in zip(players, est.low, est.high, strict=True)
            },
        )
        indices["banzhaf_absolute"] = absolute
        # normalised: ratio estimate; interval scales each player's interval by the
        # estimated total (the denominator's own error is neglected)
        total = float(est.hits.sum()) / samples or 1.0
        indices["banzhaf"] = IndexValues(
            {p: v / total for p, v in absolute.values.items()},
            interval={
                p: (lo / total, hi / total) for p, (lo, hi) in (absolute.interval or {}).items()
            },
        )
    return PowerResult(
        players,
        "monte-carlo",
        "random orderings / random coalitions",
        {name: indices[name] for name in names},
        samples=samples,
        confidence=confidence,
        seed=seed,
    )


def power_indices(
    game: WeightedGame,
    indices: Iterable[str] = DEFAULT_INDICES,
    *,
    method: Method = "exact",
    samples: int = 100_000,
    seed: int | None = None,
    confidence: float = 0.95,
) -> PowerResult:
    """Power indices of every player.

    Parameters
    ----------
    game : WeightedGame
    indices : str or iterable of str
        Names from :data:`INDICES`; default :data:`DEFAULT_INDICES`.
    method : {"exact", "monte-carlo", "auto"}
        ``"auto"`` is exact when an exact engine applies, Monte Carlo otherwise.
    samples : int
        Monte Carlo sample size (orderings for Shapley-Shubik, coalitions for Banzhaf).
        About ``ln(2 n / delta) / (2 epsilon^2)`` guarantees a half-width ``epsilon``
        for all ``n`` players at once with probability ``1 - delta`` (Hoeffding).
    seed : int, optional
        Seed of the Monte Carlo generator.
    confidence : float
        Level of the Monte Carlo intervals.

    Returns
    -------
    PowerResult
        ``result.method`` says which method produced the values.

    Raises
    ------
    GameTooLargeError
        ``method="exact"`` and no exact engine applies at this size.

    Notes
    -----
    Complexity of the exact engines (``m`` players without a veto, ``X`` at most half
    the total integer weight plus one): meet-in-the-middle ``O(2^(m/2) m^2)`` for
    ``m <= 32`` and one criterion with unequal weights; otherwise the generating-function
    DP ``O(m^2 X)`` for Shapley-Shubik and ``O(m X)`` for Banzhaf alone, times about
    ``m / 45 + 1`` moduli; several unequal criteria: ``O(2^m c)`` for ``m <= 28``,
    else the multi-dimensional DP ``O(t m^2 Q c)`` (``t`` distinct weight vectors, ``Q``
    the product of the quotas) when that is below about ``2e9`` cell updates.
    Monte Carlo: ``O(samples n c)``.

    Examples
    --------
    >>> game = WeightedGame.from_weights([4, 3, 2, 1], 6, players="ABCD")
    >>> r = power_indices(game, ["banzhaf", "shapley_shubik", "holler_packel"])
    >>> [str(r.exact("banzhaf")[p]) for p in "ABCD"]
    ['5/12', '1/4', '1/4', '1/12']
    >>> [str(r.exact("shapley_shubik")[p]) for p in "ABCD"]
    ['5/12', '1/4', '1/4', '1/12']
    >>> est = power_indices(game, ["shapley_shubik"], method="monte-carlo", seed=1)
    >>> est.method, round(est["shapley_shubik"]["A"], 1)
    ('monte-carlo', 0.4)
    """
    names = list(dict.fromkeys([indices] if isinstance(indices, str) else indices))
    unknown = [x for x in names if x not in INDICES]
    if unknown:
        raise GameError(f"unknown index {', '.join(unknown)}; choose from {', '.join(INDICES)}")
    if not names:
        raise GameError("no index asked for")
    if method not in ("exact", "monte-carlo", "auto"):
        raise GameError(f"unknown method {method!r}")
    if samples < 1:
        raise GameError("samples must be positive")
    if not 0 < confidence < 1:
        raise GameError("confidence must be between 0 and 1")
    if method == "monte-carlo":
        return _monte_carlo_result(game, names, samples, seed, confidence)
    try:
        return _exact_result(game, names)
    except GameTooLargeError:
        if method == "exact":
            raise
        return _monte_carlo_result(game, names, samples, seed, confidence)


def shapley_shubik(game: WeightedGame) -> dict[str, Fraction]:
    """Exact Shapley-Shubik index (see :func:`power_indices` for methods and cost).

    >>> shapley_shubik(WeightedGame.from_weights([3, 2, 1, 1], 4, players="ABCD"))["A"]
    Fraction(1, 2)
    """
    return power_indices(game, ["shapley_shubik"]).exact("shapley_shubik")


def banzhaf(game: WeightedGame, *, normalized: bool = True) -> dict[str, Fraction]:
    """Exact Banzhaf index, normalised (shares of all swings) or absolute (Penrose:
    swings / 2^(n-1)). Cost ``O(m X)`` for large games (see :func:`power_indices`).

    >>> banzhaf(WeightedGame.from_weights([4, 4, 4, 2, 2, 1], 12, players="DFINBL"))["L"]
    Fraction(0, 1)
    """
    name = "banzhaf" if normalized else "banzhaf_absolute"
    return power_indices(game, [name]).exact(name)
