"""Writes of the reform lab: computed results stored, custom scenarios saved and published.

Power indices come from :mod:`middleground.analysis.power` through :mod:`.compute`; results
are cached in :class:`PowerResultCache` under a hash of the game, the indices and the
method. A game whose exact computation is estimated to take longer than
:data:`~.compute.INLINE_SECONDS` is computed by a background task (the row says
``computing`` until it is done); a game too large for any exact method runs Monte Carlo
when the caller allows it (``method="auto"``, as scenario pages do) and is refused with a
clear message otherwise.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from middleground.accounts.services import record_audit
from middleground.analysis.power import DEFAULT_INDICES, GameError, WeightedGame
from middleground.core.errors import ServiceError

from . import permissions, selectors
from .compute import (
    GROUP_ORDER,
    INLINE_SECONDS,
    MAX_PLAYERS,
    MAX_SECONDS,
    PAGE_SAMPLES,
    BuilderState,
    Request,
    builder_game,
    builder_seats,
    check_request,
    estimate_seconds,
    game_for,
    game_key,
    indices_for,
    parse_game,
    require_seat_council,
    resolve_method,
    run_cached,
)
from .messages import plain_game_error
from .models import (
    PowerResultCache,
    ResultStatus,
    Scenario,
    ScenarioVisibility,
    Seat,
    SeatCategory,
)
from .tasks import compute_result_task


def request_result(req: Request, *, inline: bool = False) -> PowerResultCache:
    """The cached result of a computation, computing it now when that is quick (or
    ``inline``), or queueing it (status ``computing``) when it is not. Bad input:
    ServiceError, nothing stored."""
    check_request(req)
    if req.game.n > MAX_PLAYERS:
        raise ServiceError(_("At most %(max)s players.") % {"max": MAX_PLAYERS}, field="players")
    method = resolve_method(req)
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
            payload = run_cached(key, run, method)
        except GameError as error:
            raise ServiceError(plain_game_error(error), field="method") from error
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
        transaction.on_commit(lambda: compute_result_task.enqueue(row.pk))
    row.refresh_from_db()
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


def preview_builder(*, base: Scenario, state: BuilderState) -> tuple[list[dict], PowerResultCache]:
    """Seats and result of a council being built (no scenario is stored)."""
    require_seat_council(base)
    rows = builder_seats(base, state)
    game = builder_game(rows, state.threshold)
    return rows, request_result(Request(game, indices_for(game), "auto", PAGE_SAMPLES, 0))


def _new_slug() -> str:
    while True:
        slug = "custom-" + secrets.token_urlsafe(6).lower().replace("_", "-")
        if not Scenario.objects.filter(slug=slug).exists():
            return slug


def _check_visibility(actor: Any, visibility: str) -> str:
    if visibility not in ScenarioVisibility.values:
        raise ServiceError(_("Unknown visibility '%(v)s'.") % {"v": visibility}, field="visibility")
    if visibility == ScenarioVisibility.PUBLIC and not permissions.can_publish(actor):
        raise ServiceError(
            _("Only the secretariat publishes scenarios; share it by link instead."),
            field="visibility",
            status=403,
        )
    return visibility


def _check_can_edit(actor: Any, scenario: Scenario) -> None:
    if not actor.is_authenticated:
        raise ServiceError(_("Sign in to change scenarios."), status=401)
    if scenario.builtin:
        raise ServiceError(_("Built-in scenarios are read-only; save a copy."), status=403)
    if not permissions.can_edit(actor, scenario):
        raise ServiceError.forbidden()


def _write_seats(scenario: Scenario, rows: list[dict[str, Any]]) -> None:
    scenario.seats.all().delete()
    Seat.objects.bulk_create(
        Seat(scenario=scenario, position=i, **row) for i, row in enumerate(rows)
    )


#: The fields the builder sets on a scenario it saves.
BUILDER_FIELDS = [
    "name",
    "description",
    "source",
    "rule",
    "threshold_confirmed",
    "threshold_note",
    "criteria",
    "quotas",
    "alternatives",
    "data_year",
    "visibility",
]


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
    require_seat_council(base)
    name = state.name.strip()
    if not name:
        raise ServiceError(_("Give the scenario a name."), field="name")
    visibility = _check_visibility(actor, visibility)
    rows = builder_seats(base, state)
    builder_game(rows, state.threshold)
    creating = scenario is None
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
    # An edit writes only what the builder sets: ``scenario`` was loaded by the request,
    # and a change made since (its position, say) must survive.
    scenario.save(update_fields=None if creating else [*BUILDER_FIELDS, "updated_at"])
    _write_seats(scenario, rows)
    record_audit(actor=actor, action="reformlab.scenario.saved", target=scenario, name=name)
    return scenario


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
            country = selectors.country_by_code(code)
            group = group or country.regional_group
        elif not group:
            try:
                country = selectors.country_by_code(player)
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
    creating = scenario.pk is None
    changed = ["threshold_confirmed", "updated_at"]

    def put(field: str, value: Any) -> None:
        setattr(scenario, field, value)
        changed.append(field)

    if data.get("name") is not None:
        put("name", str(data["name"]).strip()[:200])
    if not scenario.name:
        raise ServiceError(_("Give the scenario a name."), field="name")
    if data.get("body") is not None or scenario.body_id is None:
        put("body", selectors.body_by_slug(str(data.get("body") or "")))
    for key, limit in (("description", 4000), ("source", 2000), ("threshold_note", 2000)):
        if data.get(key) is not None:
            put(key, str(data[key]).strip()[:limit])
    if data.get("visibility") is not None:
        put("visibility", _check_visibility(actor, str(data["visibility"])))
    if data.get("data_year") is not None:
        year = int(data["data_year"])
        if not 2015 <= year <= 2024:
            raise ServiceError(_("Data years are 2015 to 2024."), field="data_year")
        put("data_year", year)
    rows = None
    if data.get("game") is not None:
        game = parse_game(data["game"])
        rows = _rows_from_api(game, data.get("members") or {})
        put("quotas", [str(q) for q in game.quotas])
        put("alternatives", [[str(q) for q in alt] for alt in game.alternatives])
        criteria = data.get("criteria") or [f"criterion {i + 1}" for i in range(len(game.quotas))]
        if len(criteria) != len(game.quotas):
            raise ServiceError(_("One criterion name per quota."), field="criteria")
        put("criteria", [str(c)[:100] for c in criteria])
        put("rule", str(data.get("rule") or "")[:1000])
    elif creating:
        raise ServiceError(_("A scenario needs a game."), field="game")
    elif data.get("members") is not None:
        rows = _rows_from_api(game_for(scenario), data["members"])
    scenario.threshold_confirmed = False
    # An edit writes only the fields it was given: a change made since the request loaded
    # ``scenario`` (the secretariat publishing it, say) must survive.
    scenario.save(update_fields=None if creating else changed)
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
    if not permissions.can_publish(actor):
        raise ServiceError.forbidden()
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
