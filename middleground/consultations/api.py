"""Consultation endpoints: parse, authorise through selectors, call one service."""

from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from middleground.core.pagination import BoundedLimitOffsetPagination

from . import permissions, selectors, services
from .identity import client_ip, cookie_id, ensure_cookie_id, store_cookie_id
from .schemas import (
    ConsultationIn,
    ConsultationOut,
    ConsultationPatch,
    InvitationResult,
    InviteIn,
    ModerationIn,
    StatementIn,
    StatementOut,
    VoteIn,
    VoteOut,
)

router = Router()


class ListQuery(Schema):
    q: str = ""
    status: str = ""


def _no_response(request) -> HttpResponse:
    return HttpResponse()


def _identity(request, consultation) -> str:
    """The cookie identity of an anonymous participant; its writes must pass the CSRF check.

    A cookie identity lives in a browser, so another site could otherwise make a visitor's
    browser vote; signed-in sessions are checked by the API's own authentication.
    """
    if request.auth.is_authenticated or not consultation.allows_anonymous:
        return ""
    if CsrfViewMiddleware(_no_response).process_view(request, _no_response, (), {}) is not None:
        raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
    return ensure_cookie_id(request)


@router.get("", response=list[ConsultationOut])
@paginate(BoundedLimitOffsetPagination)
def list_consultations(request, filters: Query[ListQuery]):
    return selectors.consultations(request.auth, q=filters.q, status=filters.status)


@router.post("", response={201: ConsultationOut})
def create_consultation(request, payload: ConsultationIn):
    return Status(201, services.create_consultation(actor=request.auth, data=payload.model_dump()))


@router.get("/{int:consultation_id}", response=ConsultationOut)
def get_consultation(request, consultation_id: int):
    return selectors.get_consultation(request.auth, pk=consultation_id)


@router.patch("/{int:consultation_id}", response=ConsultationOut)
def update_consultation(request, consultation_id: int, payload: ConsultationPatch):
    consultation = selectors.get_consultation_for_manage(request.auth, pk=consultation_id)
    return services.update_consultation(
        actor=request.auth, consultation=consultation, data=payload.model_dump(exclude_unset=True)
    )


@router.post("/{int:consultation_id}/invitations", response={201: InvitationResult})
def invite(request, consultation_id: int, payload: InviteIn):
    """Invite addresses and experts picked by id. The good entries are invited and the bad
    ones listed in ``rejected`` (201); a list with nothing to invite is a 400."""
    consultation = selectors.get_consultation_for_manage(request.auth, pk=consultation_id)
    outcome = services.invite_people(
        actor=request.auth,
        consultation=consultation,
        emails=payload.emails,
        expert_ids=payload.experts,
        accept_url_base=request.build_absolute_uri("/accounts/invitations/accept/"),
    )
    return Status(201, outcome)


@router.get("/{int:consultation_id}/statements", response=list[StatementOut])
@paginate(BoundedLimitOffsetPagination)
def list_statements(request, consultation_id: int):
    consultation = selectors.get_consultation(request.auth, pk=consultation_id)
    if permissions.can_manage(request.auth, consultation):
        return consultation.statements.all()
    return selectors.visible_statements(consultation)


@router.post("/{int:consultation_id}/statements", response={201: StatementOut})
def add_statement(request, response: HttpResponse, consultation_id: int, payload: StatementIn):
    consultation = selectors.get_consultation(request.auth, pk=consultation_id)
    statement = services.add_statement(
        actor=request.auth,
        consultation=consultation,
        text=payload.text,
        cookie_id=_identity(request, consultation),
        ip=client_ip(request),
    )
    store_cookie_id(request, response)
    return Status(201, statement)


@router.post(
    "/{int:consultation_id}/statements/{int:statement_id}/moderation", response=StatementOut
)
def moderate_statement(request, consultation_id: int, statement_id: int, payload: ModerationIn):
    consultation = selectors.get_consultation_for_manage(request.auth, pk=consultation_id)
    statement = selectors.get_statement_for_moderation(request.auth, consultation, statement_id)
    return services.moderate_statement(
        actor=request.auth, statement=statement, accept=payload.accept
    )


@router.get("/{int:consultation_id}/next", response={200: StatementOut, 204: None})
def next_statement(request, consultation_id: int):
    consultation = selectors.get_consultation(request.auth, pk=consultation_id)
    participant = services.get_participant(
        consultation=consultation, user=request.auth, cookie_id=cookie_id(request), create=False
    )
    statement = selectors.next_statement(consultation=consultation, participant=participant)
    if statement is None:
        return Status(204, None)
    return statement


@router.post("/{int:consultation_id}/votes", response=VoteOut)
def vote(request, response: HttpResponse, consultation_id: int, payload: VoteIn):
    consultation = selectors.get_consultation(request.auth, pk=consultation_id)
    result = services.cast_vote(
        actor=request.auth,
        consultation=consultation,
        statement_id=payload.statement,
        value=payload.vote,
        cookie_id=_identity(request, consultation),
        ip=client_ip(request),
    )
    store_cookie_id(request, response)
    return result


@router.get("/{int:consultation_id}/results", response=dict)
def results(request, consultation_id: int):
    consultation = selectors.get_consultation(request.auth, pk=consultation_id)
    return selectors.results_payload(
        consultation, full=permissions.can_manage(request.auth, consultation)
    )
