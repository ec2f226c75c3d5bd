"""Computations of the reform lab: games, their estimated cost and cache key, running the
power indices, and the seat councils of the builder. No writes: :mod:`.services` stores
results and scenarios, :mod:`.jobs` runs the queued ones.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal, cast

from django.utils.translation import gettext as _

from middleground.analysis.power import (
    DEFAULT_INDICES,
    INDICES,
    GameError,
    GameTooLargeError,
    WeightedGame,
    power_indices,
)
from middleground.core.errors import ServiceError
from middleground.network.models import RegionalGroup

from .builtin_data import GROUP_PREFIXES
from .messages import plain_game_error
from .models import Scenario, SeatCategory

#: Computations estimated to take longer than this run as a background task.
INLINE_SECONDS = 1.5
#: Johnston, Deegan-Packel and Holler-Packel (enumeration of all coalitions) up to this
#: many players without a veto.
STRUCTURE_MAX_FREE = 20
#: Monte Carlo sample size on scenario pages.
PAGE_SAMPLES = 20_000
MAX_SAMPLES = 1_000_000
METHODS = ("exact", "monte-carlo", "auto")
STRUCTURE_INDICES = ("johnston", "deegan_packel", "holler_packel")
MAX_BUILDER_SEATS = 60
#: Refused outright: more players than this, or an estimated running time above
#: MAX_SECONDS (the background queue is shared).
MAX_PLAYERS = 500
MAX_SECONDS = 300.0
MAX_SEATS_PER_KIND = 20

# --- games -----------------------------------------------------------------------------


def _field_of(message: str) -> str:
    text = message.lower()
    if "needs 'players' and 'quotas'" in text or "json object" in text or "unknown keys" in text:
        return "game"
    if "veto" in text:
        return "vetoes"
    if "quota" in text or "empty coalition" in text:
        return "quotas"
    if "weight" in text:
        return "players"
    if "player" in text:
        return "players"
    if "alternative" in text:
        return "alternatives"
    return "game"


def parse_game(data: Any) -> WeightedGame:
    """A game in the ``middleground-power`` JSON format, or a ServiceError saying why not."""
    try:
        return WeightedGame.from_dict(data)
    except GameError as error:
        raise ServiceError(plain_game_error(error), field=_field_of(str(error))) from error
    except (TypeError, ValueError) as error:
        raise ServiceError(
            _("This is not a valid game: %(e)s") % {"e": error}, field="game"
        ) from error


def game_for(scenario: Scenario) -> WeightedGame:
    seats = list(scenario.seats.all())
    return parse_game(
        {
            "players": [{"id": s.player_id, "weights": s.weights} for s in seats],
            "quotas": scenario.quotas,
            "alternatives": scenario.alternatives,
            "vetoes": [s.player_id for s in seats if s.veto],
        }
    )


def _free_players(game: WeightedGame) -> int:
    return game.n - len(game.vetoes)


def indices_for(game: WeightedGame) -> list[str]:
    """The default indices, plus the coalition-structure ones where the game is small."""
    names = list(DEFAULT_INDICES)
    if _free_players(game) <= STRUCTURE_MAX_FREE:
        names += list(STRUCTURE_INDICES)
    return names


#: The exact engine's own limit for the multi-dimensional DP (several unequal criteria,
#: more than 28 players without a veto): cell updates.
MULTIDIMENSIONAL_MAX_WORK = 2_000_000_000


def _multidimensional_work(reduced: Any) -> float:
    """Cell updates of the multi-dimensional generating-function DP, as the engine counts
    them before refusing a game (``analysis._power_exact.count_multidimensional``)."""
    free = reduced.free
    criteria = len(reduced.weights)
    offsets = [sum(reduced.weights[c][v] for v in reduced.vetoes) for c in range(criteria)]
    needs = [[max(q - offsets[c], 0) for c, q in enumerate(quotas)] for _, quotas in reduced.rules]
    caps = [max(rule[c] for rule in needs) for c in range(criteria)]
    cells = (len(free) + 1) * math.prod(cap + 1 for cap in caps)
    distinct = {tuple(reduced.weights[c][i] for c in range(criteria)) for i in free}
    return float((len(distinct) + 1) * len(free) * cells * (criteria + 1))


def estimate_seconds(game: WeightedGame, indices: list[str], method: str, samples: int) -> float:
    """A rough running time (constants measured on the 2-core development machine)."""
    n = game.n
    if method == "monte-carlo":
        return 2e-7 * samples * n * len(game.quotas)
    reduced = game.reduced()
    m = len(reduced.free)
    unequal = len(reduced.weights)
    if unequal <= 1 and m <= 32:
        seconds = 5e-9 * 2 ** (m / 2) * m * m
    elif unequal <= 1:
        x = sum(reduced.weights[0]) / 2 + 1
        seconds = 5e-9 * m * x * (m if "shapley_shubik" in indices else 1) * (m / 45 + 1)
    elif m <= 28:
        seconds = 4e-8 * 2**m
    else:
        seconds = 3e-9 * _multidimensional_work(reduced)
    if any(name in STRUCTURE_INDICES for name in indices):
        seconds += 4e-8 * 2**m * n
    return seconds


def game_key(game: WeightedGame, indices: list[str], method: str, samples: int, seed: Any) -> str:
    canonical = json.dumps(
        {
            "game": game.to_dict(),
            "indices": sorted(indices),
            "method": method,
            "samples": samples if method != "exact" else None,
            "seed": seed if method != "exact" else None,
        },
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Request:
    """What to compute: a game, its indices, the method and the Monte Carlo settings."""

    game: WeightedGame
    indices: list[str]
    method: str = "exact"
    samples: int = 100_000
    seed: int | None = None


def check_request(req: Request) -> None:
    unknown = [name for name in req.indices if name not in INDICES]
    if unknown:
        raise ServiceError(
            _("Unknown index %(names)s; choose from %(choices)s.")
            % {"names": ", ".join(unknown), "choices": ", ".join(INDICES)},
            field="index",
        )
    if req.method not in METHODS:
        raise ServiceError(
            _("Unknown method '%(m)s': exact, monte-carlo or auto.") % {"m": req.method},
            field="method",
        )
    if not 1 <= req.samples <= MAX_SAMPLES:
        raise ServiceError(
            _("Samples must be between 1 and %(max)s.") % {"max": MAX_SAMPLES}, field="samples"
        )


def resolve_method(req: Request) -> str:
    """``exact`` or ``monte-carlo``: refuses a game too large for exact methods unless the
    caller allowed Monte Carlo."""
    if req.method == "monte-carlo":
        return "monte-carlo"
    try:
        reduced = req.game.reduced()
    except GameTooLargeError as error:
        if req.method == "auto":
            return "monte-carlo"
        raise ServiceError(plain_game_error(error), field="method") from error
    m, unequal = len(reduced.free), len(reduced.weights)
    too_large = (
        unequal > 1 and m > 28 and _multidimensional_work(reduced) > MULTIDIMENSIONAL_MAX_WORK
    )
    if any(name in STRUCTURE_INDICES for name in req.indices) and m > 25:
        too_large = True
    if too_large:
        if req.method == "auto":
            return "monte-carlo"
        raise ServiceError(
            _(
                "This game is too large for exact methods (%(m)s players without a veto, "
                "%(c)s criteria with unequal weights). Ask for the Monte Carlo method "
                "(method=monte-carlo or auto)."
            )
            % {"m": m, "c": unequal},
            field="method",
        )
    return "exact"


_RECENT: OrderedDict[str, dict[str, Any]] = OrderedDict()
_RECENT_SIZE = 64


def run_cached(key: str, req: Request, method: str) -> dict[str, Any]:
    """``run`` with a small per-process memory of recent results (a result depends on
    the game only, so it stays valid whatever happens to the database rows)."""
    if key in _RECENT:
        _RECENT.move_to_end(key)
        return _RECENT[key]
    payload = run(req, method)
    _RECENT[key] = payload
    while len(_RECENT) > _RECENT_SIZE:
        _RECENT.popitem(last=False)
    return payload


def run(req: Request, method: str) -> dict[str, Any]:
    indices = req.indices
    if method == "monte-carlo":
        indices = [name for name in indices if name not in STRUCTURE_INDICES] or list(
            DEFAULT_INDICES
        )
    result = power_indices(
        req.game,
        indices,
        method=cast(Literal["exact", "monte-carlo", "auto"], method),
        samples=req.samples,
        seed=req.seed,
    )
    return result.to_dict()


# --- the builder's seat councils --------------------------------------------------------

GROUP_ORDER = [g.value for g in RegionalGroup]


@dataclass
class GroupSeats:
    permanent_veto: int = 0
    permanent: int = 0
    elected: int = 0


@dataclass
class BuilderState:
    """A seat council as the builder edits it."""

    name: str
    threshold: int
    groups: dict[str, GroupSeats]
    named_vetoes: dict[str, bool]  # player id of a named (country) seat -> veto


def builder_state(scenario: Scenario) -> BuilderState:
    """The builder's view of a seat council."""
    groups = {g: GroupSeats() for g in GROUP_ORDER}
    named: dict[str, bool] = {}
    for seat in scenario.seats.all():
        if seat.country_id is not None:
            named[seat.player_id] = seat.veto
            continue
        bucket = groups.setdefault(seat.regional_group, GroupSeats())
        if seat.category == SeatCategory.ELECTED:
            bucket.elected += 1
        elif seat.veto:
            bucket.permanent_veto += 1
        else:
            bucket.permanent += 1
    return BuilderState(
        name=scenario.name,
        threshold=int(float(scenario.quotas[0])) if scenario.quotas else 1,
        groups=groups,
        named_vetoes=named,
    )


def builder_seats(base: Scenario, state: BuilderState) -> list[dict[str, Any]]:
    """Seat rows of the council the builder describes (named seats first)."""
    rows: list[dict[str, Any]] = []
    for seat in base.seats.select_related("country"):
        if seat.country_id is not None:
            rows.append(
                {
                    "player_id": seat.player_id,
                    "label": seat.label,
                    "category": seat.category,
                    "regional_group": seat.regional_group,
                    "country": seat.country,
                    "veto": bool(state.named_vetoes.get(seat.player_id, False)),
                    "weights": ["1"],
                }
            )
    for group in GROUP_ORDER:
        counts = state.groups.get(group, GroupSeats())
        for field, value in vars(counts).items():
            if not 0 <= value <= MAX_SEATS_PER_KIND:
                raise ServiceError(
                    _("Between 0 and %(max)s seats of each kind per group.")
                    % {"max": MAX_SEATS_PER_KIND},
                    field=f"{group}_{field}",
                )
        prefix = GROUP_PREFIXES[group]
        vetoes = [True] * counts.permanent_veto + [False] * counts.permanent
        for number, veto in enumerate(vetoes, start=1):
            rows.append(
                {
                    "player_id": f"{prefix}-P{number}",
                    "label": f"{prefix}-P{number}",
                    "category": SeatCategory.NEW_PERMANENT,
                    "regional_group": group,
                    "country": None,
                    "veto": veto,
                    "weights": ["1"],
                }
            )
        for i in range(counts.elected):
            rows.append(
                {
                    "player_id": f"{prefix}-E{i + 1}",
                    "label": f"{prefix}-E{i + 1}",
                    "category": SeatCategory.ELECTED,
                    "regional_group": group,
                    "country": None,
                    "veto": False,
                    "weights": ["1"],
                }
            )
    if not rows:
        raise ServiceError(_("The council needs at least one seat."), field="threshold")
    if len(rows) > MAX_BUILDER_SEATS:
        raise ServiceError(
            _("At most %(max)s seats.") % {"max": MAX_BUILDER_SEATS}, field="threshold"
        )
    return rows


def builder_game(rows: list[dict[str, Any]], threshold: int) -> WeightedGame:
    if threshold < 1:
        raise ServiceError(_("The threshold must be at least 1 vote."), field="threshold")
    if threshold > len(rows):
        raise ServiceError(
            _("A threshold of %(t)s votes is above the %(n)s seats: no decision could pass.")
            % {"t": threshold, "n": len(rows)},
            field="threshold",
        )
    return parse_game(
        {
            "players": [{"id": r["player_id"], "weights": [1]} for r in rows],
            "quotas": [threshold],
            "vetoes": [r["player_id"] for r in rows if r["veto"]],
        }
    )


def require_seat_council(base: Scenario) -> None:
    if not base.is_seat_council:
        raise ServiceError(
            _("The builder edits councils with one vote per seat; use the API for this rule."),
            field="base",
        )
