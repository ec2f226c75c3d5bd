"""Registration endpoints under /api/v1/events/{id}/registrations: register yourself, read
and cancel your registration, and the organisers' list. The same services as the pages
(``registration.py``)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from middleground.core.errors import ServiceError
from middleground.core.pagination import BoundedLimitOffsetPagination

from . import registration, selectors
from .models import Registration, RegistrationStatus

router = Router()


class RegisterIn(Schema):
    type: int


class RegistrationOut(Schema):
    id: int
    event: int
    type: int
    type_name: str
    status: str
    code: str
    waiting_position: int | None
    delegation: int | None
    is_substitute: bool
    queued_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    checked_in_at: datetime | None
    certificate_issued_at: datetime | None
    agenda: list[int]


class RegistrationRow(Schema):
    id: int
    user: int
    username: str
    name: str
    type: int
    status: str
    code: str
    delegation: int | None
    is_substitute: bool
    queued_at: datetime
    checked_in_at: datetime | None

    @staticmethod
    def resolve_user(obj: Registration) -> int:
        return obj.user_id

    @staticmethod
    def resolve_username(obj: Registration) -> str:
        return obj.user.username

    @staticmethod
    def resolve_name(obj: Registration) -> str:
        return obj.user.display_name

    @staticmethod
    def resolve_type(obj: Registration) -> int:
        return obj.type_id

    @staticmethod
    def resolve_delegation(obj: Registration) -> int | None:
        return obj.delegation_id


class ListQuery(Schema):
    status: str = ""
    type: int | None = None
    q: str = ""


def _out(reg: Registration) -> dict:
    return {
        "id": reg.pk,
        "event": reg.event_id,
        "type": reg.type_id,
        "type_name": reg.type.name,
        "status": reg.status,
        "code": reg.code,
        "waiting_position": registration.waiting_position(reg),
        "delegation": reg.delegation_id,
        "is_substitute": reg.is_substitute,
        "queued_at": reg.queued_at,
        "confirmed_at": reg.confirmed_at,
        "cancelled_at": reg.cancelled_at,
        "checked_in_at": reg.checked_in_at,
        "certificate_issued_at": reg.certificate_issued_at,
        "agenda": list(reg.agenda.values_list("pk", flat=True)),
    }


def _mine(request, event_id: int) -> Registration:
    event = selectors.get_event(request.auth, pk=event_id)
    if not request.auth.is_authenticated:
        raise PermissionDenied
    found = registration.current_registration(request.auth, event)
    if found is None:
        raise Http404
    return found


@router.post("/{int:event_id}/registrations", response={201: RegistrationOut})
def register(request, event_id: int, payload: RegisterIn):
    """Register yourself with a type: ``status`` is ``confirmed`` or ``waiting`` (with your
    ``waiting_position``). Types for delegations are refused (a head of delegation names
    delegates)."""
    event = selectors.get_event(request.auth, pk=event_id)
    chosen = event.registration_types.filter(pk=payload.type).first()
    if chosen is None:
        if not request.auth.is_authenticated:
            raise PermissionDenied
        raise ServiceError("Choose a registration type of this event.", field="type")
    made = registration.register(actor=request.auth, event=event, registration_type=chosen)
    return Status(201, _out(made))


@router.get("/{int:event_id}/registrations/me", response=RegistrationOut)
def my_registration(request, event_id: int):
    """Your live (confirmed or waiting) registration; 404 when you have none."""
    return _out(_mine(request, event_id))


@router.delete("/{int:event_id}/registrations/me", response=RegistrationOut)
def cancel_delete(request, event_id: int):
    """Cancel your registration; your place goes to the first person waiting."""
    return _out(registration.cancel(actor=request.auth, registration=_mine(request, event_id)))


@router.post("/{int:event_id}/registrations/me/cancel", response=RegistrationOut)
def cancel_post(request, event_id: int):
    """The same as ``DELETE .../registrations/me``, for clients that only POST."""
    return _out(registration.cancel(actor=request.auth, registration=_mine(request, event_id)))


@router.get("/{int:event_id}/registrations", response=list[RegistrationRow])
@paginate(BoundedLimitOffsetPagination)
def list_registrations(request, event_id: int, filters: Query[ListQuery]):
    """The organisers' list, filtered by ``status``, ``type`` and ``q`` (name, e-mail, code)."""
    event = selectors.get_event_for_manage(request.auth, pk=event_id)
    status = filters.status if filters.status in RegistrationStatus.values else ""
    found = registration.registrations_for(
        event, status=status, type_id=filters.type, q=filters.q[:100]
    )
    return found
