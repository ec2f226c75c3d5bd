"""Delphi endpoints under /api/v1/delphi/: parse, authorise through selectors, call one service.

No response here carries a person next to a pseudonym or an answer.
"""

from typing import Any

from django.urls import reverse
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from middleground.core.pagination import BoundedLimitOffsetPagination
from middleground.network.services import resolve_institution

from . import selectors, services, stats
from .schemas import (
    AnswersIn,
    ExpertiseIn,
    InviteIn,
    ItemIn,
    ItemOut,
    MyAnswerOut,
    PanelInviteResult,
    RoundOut,
    StudyIn,
    StudyOut,
    StudyPatch,
    VersionIn,
)

router = Router()


class StudyQuery(Schema):
    q: str = ""
    status: str = ""


def _accept_base(request) -> str:
    return request.build_absolute_uri(reverse("accounts:invitations")) + "accept"


@router.get("/studies", response=list[StudyOut])
@paginate(BoundedLimitOffsetPagination)
def list_studies(request, filters: Query[StudyQuery]):
    return selectors.studies(request.auth, q=filters.q, status=filters.status)


@router.post("/studies", response={201: StudyOut})
def create_study(request, payload: StudyIn):
    return Status(201, services.create_study(actor=request.auth, data=payload.model_dump()))


@router.get("/studies/{int:study_id}", response=StudyOut)
def get_study(request, study_id: int):
    return selectors.get_study(request.auth, pk=study_id)


@router.patch("/studies/{int:study_id}", response=StudyOut)
def update_study(request, study_id: int, payload: StudyPatch):
    study = selectors.get_study_for_manage(request.auth, pk=study_id)
    return services.update_study(
        actor=request.auth, study=study, data=payload.model_dump(exclude_unset=True)
    )


@router.post("/studies/{int:study_id}/launch", response=StudyOut)
def launch_study(request, study_id: int):
    study = selectors.get_study_for_manage(request.auth, pk=study_id)
    return services.launch_study(actor=request.auth, study=study)


@router.post("/studies/{int:study_id}/versions", response={201: StudyOut})
def new_version(request, study_id: int, payload: VersionIn):
    study = selectors.get_study_for_manage(request.auth, pk=study_id)
    return Status(
        201,
        services.new_version(
            actor=request.auth, study=study, rules=payload.rules.model_dump(), note=payload.note
        ),
    )


@router.post("/studies/{int:study_id}/publish", response=StudyOut)
def publish(request, study_id: int):
    study = selectors.get_study_for_manage(request.auth, pk=study_id)
    return services.publish_results(actor=request.auth, study=study)


@router.get("/studies/{int:study_id}/items", response=list[ItemOut])
def list_items(request, study_id: int):
    return selectors.items(selectors.get_study(request.auth, pk=study_id))


@router.post("/studies/{int:study_id}/items", response={201: ItemOut})
def add_item(request, study_id: int, payload: ItemIn):
    study = selectors.get_study_for_manage(request.auth, pk=study_id)
    return Status(
        201,
        services.add_item(
            actor=request.auth,
            study=study,
            kind=payload.kind,
            text=payload.text,
            config=payload.config,
        ),
    )


@router.post("/studies/{int:study_id}/panel", response={201: PanelInviteResult})
def invite(request, study_id: int, payload: InviteIn):
    """Invite addresses and experts picked by id. The good entries are invited and the bad
    ones listed in ``rejected`` (201); a list with nothing to invite is a 400."""
    study = selectors.get_study_for_invite(request.auth, pk=study_id)
    institution = resolve_institution(payload.institution) if payload.institution else None
    outcome = services.add_to_panel(
        actor=request.auth,
        study=study,
        emails=payload.emails,
        expert_ids=payload.experts,
        accept_url_base=_accept_base(request),
        institution=institution,
    )
    return Status(201, outcome)


@router.put("/studies/{int:study_id}/expertise", response={204: None})
def set_expertise(request, study_id: int, payload: ExpertiseIn):
    study, _panellist = selectors.get_study_for_answering(request.auth, pk=study_id)
    services.set_expertise(actor=request.auth, study=study, ratings=payload.ratings)
    return Status(204, None)


@router.get("/studies/{int:study_id}/rounds", response=list[RoundOut])
def list_rounds(request, study_id: int):
    return selectors.get_study(request.auth, pk=study_id).rounds.order_by("number")


@router.post("/studies/{int:study_id}/rounds", response={201: RoundOut})
def open_round(request, study_id: int):
    study = selectors.get_study_for_manage(request.auth, pk=study_id)
    return Status(201, services.open_next_round(actor=request.auth, study=study))


@router.post("/rounds/{int:round_id}/close", response=RoundOut)
def close_round(request, round_id: int):
    round = selectors.get_round(request.auth, round_id)
    selectors.get_study_for_manage(request.auth, pk=round.study_id)
    return services.close_round(actor=request.auth, round=round)


@router.post("/rounds/{int:round_id}/answers", response={201: list[MyAnswerOut]})
def submit_answers(request, round_id: int, payload: AnswersIn):
    round = selectors.get_round(request.auth, round_id)
    study, _panellist = selectors.get_study_for_answering(request.auth, pk=round.study_id)
    answers = services.submit_answers(
        actor=request.auth,
        study=study,
        round=round,
        answers=[a.model_dump() for a in payload.answers],
    )
    return Status(201, answers)


@router.get("/rounds/{int:round_id}/answers/mine", response=list[MyAnswerOut])
def my_answers(request, round_id: int):
    round = selectors.get_round(request.auth, round_id)
    _study, panellist = selectors.get_study_for_answering(request.auth, pk=round.study_id)
    return list(selectors.own_answers(panellist, round).values())


@router.get("/studies/{int:study_id}/results", response=dict[str, Any])
def results(request, study_id: int):
    study = selectors.get_study_results(request.auth, pk=study_id)
    return {
        "study": study.pk,
        "title": study.title,
        "rules": study.rules,
        "is_simulated": study.is_simulated,
        "min_group_size": stats.MIN_GROUP_SIZE,
        "rounds": stats.study_results(study),
    }


@router.get("/studies/{int:study_id}/answers", response=dict[str, Any])
def export_answers(request, study_id: int):
    """Anonymised answers of closed rounds: pseudonyms only."""
    study = selectors.get_study_results(request.auth, pk=study_id)
    return {"study": study.pk, "is_simulated": study.is_simulated, "answers": _export(study)}


def _export(study) -> list[dict[str, Any]]:
    return stats.export_rows(study)
