"""Reform lab endpoints. Each one: parse, authorise through selectors, call one service.

``POST /compute`` answers what ``middleground-power`` prints for the same GAME.json; a
game whose computation would take long answers 202 with ``{"status": "computing",
"result_url"}`` and is computed in the background.
"""

from typing import Any

from django.http import HttpResponse, JsonResponse
from ninja import Body, Query, Router, Status
from ninja.pagination import paginate

from middleground.core.pagination import BoundedLimitOffsetPagination

from . import reports, selectors, services
from .exports import report_json
from .models import PowerResultCache, ResultStatus
from .schemas import (
    BodyOut,
    ComputeQuery,
    ScenarioDetailOut,
    ScenarioIn,
    ScenarioIndicesQuery,
    ScenarioOut,
    ScenarioPatch,
)

router = Router()
GAME_BODY = Body(..., description="A game in the middleground-power GAME.json format")


def _result_response(row: PowerResultCache) -> Any:
    if row.status == ResultStatus.DONE:
        return JsonResponse(row.result)
    if row.status == ResultStatus.FAILED:
        return JsonResponse({"detail": row.error, "field": "game"}, status=400)
    return JsonResponse(
        {"status": "computing", "result_url": f"/api/v1/reformlab/results/{row.key}"},
        status=202,
    )


@router.get("/bodies", response=list[BodyOut])
def list_bodies(request):
    return selectors.bodies()


@router.get("/scenarios", response=list[ScenarioOut])
@paginate(BoundedLimitOffsetPagination)
def list_scenarios(request, body: str = "", q: str = ""):
    return selectors.scenarios(request.auth, body=body, q=q)


@router.get("/scenarios/{slug}", response=ScenarioDetailOut)
def get_scenario(request, slug: str):
    return selectors.get_scenario(request.auth, slug)


@router.post("/scenarios", response={201: ScenarioDetailOut})
def create_scenario(request, payload: ScenarioIn):
    scenario = services.save_api_scenario(actor=request.auth, data=payload.model_dump())
    return Status(201, selectors.get_scenario(request.auth, scenario.slug))


@router.patch("/scenarios/{slug}", response=ScenarioDetailOut)
def update_scenario(request, slug: str, payload: ScenarioPatch):
    scenario = selectors.get_scenario_for_edit(request.auth, slug)
    services.save_api_scenario(
        actor=request.auth, data=payload.model_dump(exclude_unset=True), scenario=scenario
    )
    return selectors.get_scenario(request.auth, slug)


@router.delete("/scenarios/{slug}", response={204: None})
def delete_scenario(request, slug: str):
    scenario = selectors.get_scenario_for_edit(request.auth, slug)
    services.delete_scenario(actor=request.auth, scenario=scenario)
    return HttpResponse(status=204)


@router.get("/scenarios/{slug}/indices")
def scenario_indices(request, slug: str, query: Query[ScenarioIndicesQuery]):
    """Power indices of a scenario with its representation measures (as the JSON export)."""
    scenario = selectors.get_scenario(request.auth, slug)
    row = services.compute_scenario(scenario=scenario)
    if row.status != ResultStatus.DONE:
        return _result_response(row)
    report = reports.scenario_report(scenario, row, query.index)
    return JsonResponse(report_json(scenario, report, row.result or {}))


@router.post("/compute")
def compute(request, query: Query[ComputeQuery], game: dict[str, Any] = GAME_BODY):
    """Power indices of a game in the ``middleground-power`` GAME.json format."""
    row = services.compute_game(
        data=game,
        indices=query.index or None,
        method=query.method,
        samples=query.samples,
        seed=query.seed,
    )
    return _result_response(row)


@router.get("/results/{key}")
def get_result(request, key: str):
    """A result computed in the background: 202 while computing, then the indices."""
    return _result_response(selectors.get_result(key))
