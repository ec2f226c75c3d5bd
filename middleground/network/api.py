"""Registry endpoints. Each one: parse, authorise through selectors, call one service."""

from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from middleground.core.pagination import BoundedLimitOffsetPagination

from . import selectors, services
from .schemas import (
    ApplicationIn,
    ApplicationOut,
    BlocOut,
    CountryOut,
    DecisionIn,
    ExpertIn,
    ExpertOut,
    ExpertPatch,
    ExpertPickOut,
    FocusAreaIn,
    FocusAreaOut,
    FocusAreaPatch,
    InstitutionIn,
    InstitutionOut,
    InstitutionPatch,
    PickQuery,
    RegistryQuery,
    TaskForceExpertsIn,
    TaskForceIn,
    TaskForceOut,
    TaskForcePatch,
)

router = Router()


def _payload(schema, **kwargs) -> dict:
    data = schema.model_dump(**kwargs)
    if data.get("website") is not None:
        data["website"] = str(data["website"])
    return data


@router.get("/countries", response=list[CountryOut])
@paginate(BoundedLimitOffsetPagination)
def list_countries(request, filters: Query[RegistryQuery]):
    return selectors.countries(filters.to_filters())


@router.get("/countries/{code}", response=CountryOut)
def get_country(request, code: str):
    return selectors.get_country(code)


@router.get("/blocs", response=list[BlocOut])
def list_blocs(request):
    return selectors.blocs()


@router.get("/institutions", response=list[InstitutionOut])
@paginate(BoundedLimitOffsetPagination)
def list_institutions(request, filters: Query[RegistryQuery]):
    return selectors.institutions(request.auth, filters.to_filters())


@router.post("/institutions", response={201: InstitutionOut})
def create_institution(request, payload: InstitutionIn):
    return Status(201, services.create_institution(actor=request.auth, data=_payload(payload)))


@router.get("/institutions/{int:institution_id}", response=InstitutionOut)
def get_institution(request, institution_id: int):
    return selectors.get_institution(request.auth, pk=institution_id)


@router.patch("/institutions/{int:institution_id}", response=InstitutionOut)
def update_institution(request, institution_id: int, payload: InstitutionPatch):
    institution = selectors.get_institution_for_edit(request.auth, pk=institution_id)
    return services.update_institution(
        actor=request.auth, institution=institution, data=_payload(payload, exclude_unset=True)
    )


@router.delete("/institutions/{int:institution_id}", response={204: None})
def delete_institution(request, institution_id: int):
    institution = selectors.get_institution(request.auth, pk=institution_id)
    services.delete_institution(actor=request.auth, institution=institution)
    return HttpResponse(status=204)


@router.get("/applications", response=list[ApplicationOut])
@paginate(BoundedLimitOffsetPagination)
def list_applications(request):
    return selectors.applications(request.auth)


@router.post("/applications", response={201: ApplicationOut})
def apply(request, payload: ApplicationIn):
    data = _payload(payload)
    motivation = data.pop("motivation")
    return Status(
        201, services.apply_for_membership(actor=request.auth, data=data, motivation=motivation)
    )


@router.post("/applications/{int:application_id}/decision", response=ApplicationOut)
def decide(request, application_id: int, payload: DecisionIn):
    application = selectors.get_application(request.auth, application_id)
    return services.decide_application(
        actor=request.auth, application=application, approve=payload.approve, note=payload.note
    )


@router.get("/experts", response=list[ExpertOut])
@paginate(BoundedLimitOffsetPagination)
def list_experts(request, filters: Query[RegistryQuery]):
    return selectors.experts(request.auth, filters.to_filters())


@router.get("/experts/picker", response=ExpertPickOut)
def pick_experts(request, filters: Query[PickQuery]):
    """The expert picker: the matching experts (at most 200; ``total`` says how many match)
    and, for each filter, its values with how many experts each would give with the other
    filters kept. Network-only profiles count only for members of the network."""
    return selectors.pick_experts(request.auth, **filters.model_dump())


@router.post("/experts", response={201: ExpertOut})
def create_expert(request, payload: ExpertIn):
    return Status(201, services.create_expert(actor=request.auth, data=_payload(payload)))


@router.get("/experts/{int:expert_id}", response=ExpertOut)
def get_expert(request, expert_id: int):
    return selectors.get_expert(request.auth, pk=expert_id)


@router.patch("/experts/{int:expert_id}", response=ExpertOut)
def update_expert(request, expert_id: int, payload: ExpertPatch):
    expert = selectors.get_expert_for_edit(request.auth, pk=expert_id)
    return services.update_expert(
        actor=request.auth, expert=expert, data=_payload(payload, exclude_unset=True)
    )


@router.delete("/experts/{int:expert_id}", response={204: None})
def delete_expert(request, expert_id: int):
    expert = selectors.get_expert(request.auth, pk=expert_id)
    services.delete_expert(actor=request.auth, expert=expert)
    return HttpResponse(status=204)


@router.get("/focus-areas", response=list[FocusAreaOut])
def list_focus_areas(request):
    return selectors.focus_areas()


@router.post("/focus-areas", response={201: FocusAreaOut})
def create_focus_area(request, payload: FocusAreaIn):
    return Status(201, services.save_focus_area(actor=request.auth, data=payload.model_dump()))


@router.get("/focus-areas/{slug}", response=FocusAreaOut)
def get_focus_area(request, slug: str):
    return selectors.get_focus_area(slug)


@router.patch("/focus-areas/{slug}", response=FocusAreaOut)
def update_focus_area(request, slug: str, payload: FocusAreaPatch):
    area = selectors.get_focus_area(slug)
    return services.save_focus_area(
        actor=request.auth, data=payload.model_dump(exclude_unset=True), focus_area=area
    )


@router.delete("/focus-areas/{slug}", response={204: None})
def delete_focus_area(request, slug: str):
    services.delete_focus_area(actor=request.auth, focus_area=selectors.get_focus_area(slug))
    return HttpResponse(status=204)


@router.get("/task-forces", response=list[TaskForceOut])
@paginate(BoundedLimitOffsetPagination)
def list_task_forces(request, filters: Query[RegistryQuery]):
    return selectors.task_forces(filters.to_filters())


@router.post("/task-forces", response={201: TaskForceOut})
def create_task_force(request, payload: TaskForceIn):
    return Status(201, services.save_task_force(actor=request.auth, data=payload.model_dump()))


@router.get("/task-forces/{int:task_force_id}", response=TaskForceOut)
def get_task_force(request, task_force_id: int):
    return selectors.get_task_force(pk=task_force_id)


@router.patch("/task-forces/{int:task_force_id}", response=TaskForceOut)
def update_task_force(request, task_force_id: int, payload: TaskForcePatch):
    task_force = selectors.get_task_force(pk=task_force_id)
    return services.save_task_force(
        actor=request.auth, data=payload.model_dump(exclude_unset=True), task_force=task_force
    )


@router.post("/task-forces/{int:task_force_id}/experts", response={201: list[ExpertOut]})
def add_task_force_experts(request, task_force_id: int, payload: TaskForceExpertsIn):
    """Add experts from the directory (by id) to the task force; answers the ones newly
    added. An id the caller may not see is refused like one that does not exist (400)."""
    task_force = selectors.get_task_force(pk=task_force_id)
    return Status(
        201,
        services.add_task_force_experts(
            actor=request.auth, task_force=task_force, expert_ids=payload.experts
        ),
    )


@router.delete("/task-forces/{int:task_force_id}", response={204: None})
def delete_task_force(request, task_force_id: int):
    services.delete_task_force(
        actor=request.auth, task_force=selectors.get_task_force(pk=task_force_id)
    )
    return HttpResponse(status=204)
