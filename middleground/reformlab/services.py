"""Writes and computations of the reform lab.

Power indices come from :mod:`middleground.analysis.power`; results are cached in
:class:`PowerResultCache` under a hash of the game, the indices and the method. A game
whose exact computation is estimated to take longer than :data:`INLINE_SECONDS` is
computed by a background task (the row says ``computing`` until it is done); a game too
large for any exact method runs Monte Carlo when the caller allows it (``method="auto"``,
as scenario pages do) and is refused with a clear message otherwise.
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from middleground.accounts.services import record_audit
from middleground.analysis.power import (
    DEFAULT_INDICES,
    INDICES,
    GameError,
    GameTooLargeError,
    WeightedGame,
    power_indices,
)
from middleground.core.errors import ServiceError
from middleground.network.models import Country, RegionalGroup

from .builtin_data import GROUP_PREFIXES
from .models import (
    Body,
    PowerResultCache,
    ResultStatus,
    Scenario,
    ScenarioVisibility,
    Seat,
    SeatCategory,
)

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


def _forbidden() -> ServiceError:
    return ServiceError(_("You are not allowed to do this."), status=403)


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
        raise ServiceError(str(error), field=_field_of(str(error))) from error
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


def _check_request(req: Request) -> None:
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


def _resolve_method(req: Request) -> str:
    """``exact`` or ``monte-carlo``: refuses a game too large for exact methods unless the
    caller allowed Monte Carlo."""
    if req.method == "monte-carlo":
        return "monte-carlo"
    try:
        reduced = req.game.reduced()
    except GameTooLargeError as error:
        if req.method == "auto":
            return "monte-carlo"
        raise ServiceError(str(error), field="method") from error
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


def _run_cached(key: str, req: Request, method: str) -> dict[str, Any]:
    """``_run`` with a small per-process memory of recent results (a result depends on
    the game only, so it stays valid whatever happens to the database rows)."""
    if key in _RECENT:
        _RECENT.move_to_end(key)
        return _RECENT[key]
    payload = _run(req, method)
    _RECENT[key] = payload
    while len(_RECENT) > _RECENT_SIZE:
        _RECENT.popitem(last=False)
    return payload


def _run(req: Request, method: str) -> dict[str, Any]:
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


def request_result(req: Request, *, inline: bool = False) -> PowerResultCache:
    """The cached result of a computation, computing it now when that is quick (or
    ``inline``), or queueing it (status ``computing``) when it is not. Bad input:
    ServiceError, nothing stored."""
    _check_request(req)
    if req.game.n > MAX_PLAYERS:
        raise ServiceError(_("At most %(max)s players.") % {"max": MAX_PLAYERS}, field="players")
    method = _resolve_method(req)
    samples = req.samples
    seed = req.seed if req.seed is not None else 0
    key = game_key(req.game, req.indices, method, samples, seed)
    cached = PowerResultCache.objects.filter(key=key).first()
    if cached is not None and (
        cached.status == ResultStatus.DONE
        or (cached.status == ResultStatus.COMPUTING and not inline)
    ):
        return cached
    run = Request(req.game, req.indices, method, samples, seed)
    if estimate_seconds(req.game, req.indices, method, samples) > MAX_SECONDS:
        raise ServiceError(
            _(
                "This computation would take several minutes; ask for fewer indices, the "
                "Monte Carlo method or fewer samples."
            ),
            field="method",
        )
    if inline or estimate_seconds(req.game, req.indices, method, samples) <= INLINE_SECONDS:
        started = time.perf_counter()
        try:
            payload = _run_cached(key, run, method)
        except GameError as error:
            raise ServiceError(str(error), field="method") from error
        row, _created = PowerResultCache.objects.update_or_create(
            key=key,
            defaults={
                "game": req.game.to_dict(),
                "indices": req.indices,
                "method": method,
                "status": ResultStatus.DONE,
                "result": payload,
                "error": "",
                "seconds": time.perf_counter() - started,
                "finished_at": timezone.now(),
            },
        )
        return row
    with transaction.atomic():
        row, _created = PowerResultCache.objects.update_or_create(
            key=key,
            defaults={
                "game": req.game.to_dict(),
                "indices": req.indices,
                "method": method,
                "status": ResultStatus.COMPUTING,
                "result": {"samples": samples, "seed": seed},
                "error": "",
            },
        )
        from .tasks import compute_result

        transaction.on_commit(lambda: compute_result.enqueue(row.pk))
    row.refresh_from_db()
    return row


def run_queued(*, result_id: int) -> PowerResultCache:
    """Compute a queued result (called by the background task)."""
    row = PowerResultCache.objects.get(pk=result_id)
    if row.status == ResultStatus.DONE:
        return row
    settings = row.result or {}
    started = time.perf_counter()
    try:
        game = WeightedGame.from_dict(row.game)
        payload = _run(
            Request(
                game,
                list(row.indices),
                row.method,
                settings.get("samples", 100_000),
                settings.get("seed"),
            ),
            row.method,
        )
    except (GameError, MemoryError) as error:
        row.status, row.error, row.result = ResultStatus.FAILED, str(error), None
    else:
        row.status, row.error, row.result = ResultStatus.DONE, "", payload
    row.seconds = time.perf_counter() - started
    row.finished_at = timezone.now()
    row.save()
    return row


def compute_scenario(
    *,
    scenario: Scenario,
    method: str = "auto",
    samples: int = PAGE_SAMPLES,
    seed: int = 0,
    inline: bool = False,
) -> PowerResultCache:
    """The scenario's result: exact where an exact method applies, else Monte Carlo.
    ``inline`` computes now even when it takes long (the demo loader, commands)."""
    game = game_for(scenario)
    return request_result(Request(game, indices_for(game), method, samples, seed), inline=inline)


def compute_game(
    *,
    data: Any,
    indices: list[str] | None = None,
    method: str = "exact",
    samples: int = 100_000,
    seed: int | None = None,
) -> PowerResultCache:
    """An ad-hoc game in the ``middleground-power`` format (same answer as the CLI)."""
    game = parse_game(data)
    return request_result(Request(game, list(indices or DEFAULT_INDICES), method, samples, seed))


# --- custom scenarios ------------------------------------------------------------------

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


def _builder_game(rows: list[dict[str, Any]], threshold: int) -> WeightedGame:
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


def _require_seat_council(base: Scenario) -> None:
    if not base.is_seat_council:
        raise ServiceError(
            _("The builder edits councils with one vote per seat; use the API for this rule."),
            field="base",
        )


def preview_builder(*, base: Scenario, state: BuilderState) -> tuple[list[dict], PowerResultCache]:
    """Seats and result of a council being built (no scenario is stored)."""
    _require_seat_council(base)
    rows = builder_seats(base, state)
    game = _builder_game(rows, state.threshold)
    return rows, request_result(Request(game, indices_for(game), "auto", PAGE_SAMPLES, 0))


def _new_slug() -> str:
    while True:
        slug = "custom-" + secrets.token_urlsafe(6).lower().replace("_", "-")
        if not Scenario.objects.filter(slug=slug).exists():
            return slug


def _check_visibility(actor: Any, visibility: str) -> str:
    if visibility not in ScenarioVisibility.values:
        raise ServiceError(_("Unknown visibility '%(v)s'.") % {"v": visibility}, field="visibility")
    if visibility == ScenarioVisibility.PUBLIC and not actor.is_secretariat:
        raise ServiceError(
            _("Only the secretariat publishes scenarios; share it by link instead."),
            field="visibility",
            status=403,
        )
    return visibility


def can_edit(user: Any, scenario: Scenario) -> bool:
    return (
        bool(user.is_authenticated)
        and not scenario.builtin
        and (user.is_secretariat or scenario.owner_id == user.pk)
    )


def _check_can_edit(actor: Any, scenario: Scenario) -> None:
    if not actor.is_authenticated:
        raise ServiceError(_("Sign in to change scenarios."), status=401)
    if scenario.builtin:
        raise ServiceError(_("Built-in scenarios are read-only; save a copy."), status=403)
    if not can_edit(actor, scenario):
        raise _forbidden()


def _write_seats(scenario: Scenario, rows: list[dict[str, Any]]) -> None:
    scenario.seats.all().delete()
    Seat.objects.bulk_create(
        Seat(scenario=scenario, position=i, **row) for i, row in enumerate(rows)
    )


@transaction.atomic
def save_builder_scenario(
    *,
    actor: Any,
    base: Scenario,
    state: BuilderState,
    visibility: str = ScenarioVisibility.PRIVATE,
    description: str = "",
    scenario: Scenario | None = None,
) -> Scenario:
    """Create (or, with ``scenario``, update) a custom seat council from the builder."""
    if not actor.is_authenticated:
        raise ServiceError(_("Sign in to save a scenario."), status=401)
    _require_seat_council(base)
    name = state.name.strip()
    if not name:
        raise ServiceError(_("Give the scenario a name."), field="name")
    visibility = _check_visibility(actor, visibility)
    rows = builder_seats(base, state)
    _builder_game(rows, state.threshold)
    if scenario is None:
        scenario = Scenario(
            slug=_new_slug(),
            body=base.body,
            owner=actor,
            based_on=base if base.builtin else base.based_on,
        )
    else:
        _check_can_edit(actor, scenario)
    scenario.name = name[:200]
    scenario.description = description.strip()[:4000]
    scenario.source = _("Custom scenario built in the reform lab from “%(base)s”.") % {
        "base": (scenario.based_on or base).name
    }
    scenario.rule = _(
        "%(t)s affirmative votes of %(n)s, including the concurring votes of every member "
        "with a veto"
    ) % {"t": state.threshold, "n": len(rows)}
    scenario.threshold_confirmed = False
    scenario.threshold_note = _("A custom rule: not a proposal's text.")
    scenario.criteria = ["seats"]
    scenario.quotas = [str(state.threshold)]
    scenario.alternatives = []
    scenario.data_year = base.data_year
    scenario.visibility = visibility
    scenario.save()
    _write_seats(scenario, rows)
    record_audit(actor=actor, action="reformlab.scenario.saved", target=scenario, name=name)
    return scenario


def resolve_country(code: str, field: str = "members") -> Country:
    code = (code or "").strip().upper()
    country = (
        Country.objects.filter(code=code).first()
        if len(code) == 2
        else Country.objects.filter(alpha3=code).first()
    )
    if country is None:
        raise ServiceError(_("Unknown country code '%(code)s'.") % {"code": code}, field=field)
    return country


def _rows_from_api(game: WeightedGame, members: dict[str, Any]) -> list[dict[str, Any]]:
    unknown = sorted(set(members) - set(game.players))
    if unknown:
        raise ServiceError(
            _("Unknown members (not players of the game): %(ids)s.") % {"ids": ", ".join(unknown)},
            field="members",
        )
    rows = []
    vetoes = set(game.vetoes)
    for player, weights in zip(game.players, game.weights, strict=True):
        info = members.get(player) or {}
        country = None
        code = info.get("country")
        group = (info.get("group") or "").upper()
        if code:
            country = resolve_country(code)
            group = group or country.regional_group
        elif not group:
            try:
                country = resolve_country(player)
                group = country.regional_group
            except ServiceError:
                country = None
        if group and group not in GROUP_ORDER:
            raise ServiceError(
                _("Unknown UN regional group '%(g)s' (AFRICAN, APG, EEG, GRULAC or WEOG).")
                % {"g": group},
                field="members",
            )
        category = info.get("category") or (
            SeatCategory.MEMBER if country is not None else SeatCategory.ELECTED
        )
        if category not in SeatCategory.values:
            raise ServiceError(
                _("Unknown seat category '%(c)s'.") % {"c": category}, field="members"
            )
        rows.append(
            {
                "player_id": player,
                "label": str(info.get("label") or (country.name if country else player))[:200],
                "category": category,
                "regional_group": group,
                "country": country,
                "veto": player in vetoes,
                "weights": [str(w) for w in weights],
            }
        )
    return rows


def _body(slug: str) -> Body:
    body = Body.objects.filter(slug=slug).first()
    if body is None:
        raise ServiceError(_("Unknown body '%(b)s'.") % {"b": slug}, field="body")
    return body


@transaction.atomic
def save_api_scenario(
    *, actor: Any, data: dict[str, Any], scenario: Scenario | None = None
) -> Scenario:
    """Create or update a custom scenario from a game in the ``middleground-power`` format
    and, optionally, which country or regional group each player stands for."""
    if not actor.is_authenticated:
        raise ServiceError(_("Sign in to save a scenario."), status=401)
    if scenario is not None:
        _check_can_edit(actor, scenario)
    else:
        scenario = Scenario(slug=_new_slug(), owner=actor)
    if data.get("name") is not None:
        scenario.name = str(data["name"]).strip()[:200]
    if not scenario.name:
        raise ServiceError(_("Give the scenario a name."), field="name")
    if data.get("body") is not None or scenario.body_id is None:
        scenario.body = _body(str(data.get("body") or ""))
    for key, limit in (("description", 4000), ("source", 2000), ("threshold_note", 2000)):
        if data.get(key) is not None:
            setattr(scenario, key, str(data[key]).strip()[:limit])
    if data.get("visibility") is not None:
        scenario.visibility = _check_visibility(actor, str(data["visibility"]))
    if data.get("data_year") is not None:
        year = int(data["data_year"])
        if not 2015 <= year <= 2024:
            raise ServiceError(_("Data years are 2015 to 2024."), field="data_year")
        scenario.data_year = year
    rows = None
    if data.get("game") is not None:
        game = parse_game(data["game"])
        rows = _rows_from_api(game, data.get("members") or {})
        scenario.quotas = [str(q) for q in game.quotas]
        scenario.alternatives = [[str(q) for q in alt] for alt in game.alternatives]
        criteria = data.get("criteria") or [f"criterion {i + 1}" for i in range(len(game.quotas))]
        if len(criteria) != len(game.quotas):
            raise ServiceError(_("One criterion name per quota."), field="criteria")
        scenario.criteria = [str(c)[:100] for c in criteria]
        scenario.rule = str(data.get("rule") or "")[:1000]
    elif scenario.pk is None:
        raise ServiceError(_("A scenario needs a game."), field="game")
    elif data.get("members") is not None:
        rows = _rows_from_api(game_for(scenario), data["members"])
    scenario.threshold_confirmed = False
    scenario.save()
    if rows is not None:
        _write_seats(scenario, rows)
    record_audit(actor=actor, action="reformlab.scenario.saved", target=scenario)
    return scenario


@transaction.atomic
def delete_scenario(*, actor: Any, scenario: Scenario) -> None:
    _check_can_edit(actor, scenario)
    record_audit(actor=actor, action="reformlab.scenario.deleted", target=scenario)
    scenario.delete()


@transaction.atomic
def publish_scenario(*, actor: Any, scenario: Scenario, publish: bool = True) -> Scenario:
    """The secretariat publishes a custom scenario (listed for everyone) or withdraws it
    (back to shared by link)."""
    if not (actor.is_authenticated and actor.is_secretariat):
        raise _forbidden()
    if scenario.builtin:
        raise ServiceError(_("Built-in scenarios are always public."), status=403)
    scenario.visibility = ScenarioVisibility.PUBLIC if publish else ScenarioVisibility.LINK
    scenario.save(update_fields=["visibility", "updated_at"])
    record_audit(
        actor=actor,
        action="reformlab.scenario.published" if publish else "reformlab.scenario.withdrawn",
        target=scenario,
    )
    return scenario
