"""Live-room endpoints: the projector's figures (public where the consultation is), and
opening and closing a room for its hosts."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router, Schema, Status

from middleground.consultations import permissions as consultation_permissions

from . import live, permissions, selectors
from .models import LiveRoom

router = Router()


class OpenIn(Schema):
    allow_anonymous: bool = True
    question: str = ""
    statements: list[str] = []


class RoomOut(Schema):
    code: str
    session: int
    consultation: int
    open: bool
    allow_anonymous: bool
    url: str


def _room_out(room: LiveRoom) -> dict[str, Any]:
    return {
        "code": room.code,
        "session": room.session_id,
        "consultation": room.consultation_id,
        "open": room.is_open,
        "allow_anonymous": room.allow_anonymous,
        "url": room.get_absolute_url(),
    }


def _room(user: Any, code: str) -> LiveRoom:
    room = (
        LiveRoom.objects.select_related("session__event", "session__parent", "consultation")
        .filter(code=live.normalise_code(code))
        .first()
    )
    if (
        room is None
        or not permissions.can_view_event(user, room.session.event)
        or not consultation_permissions.can_view(user, room.consultation)
    ):
        raise Http404
    return room


@router.get("/{code}", response=dict)
def figures(request, code: str):
    """The projector's figures of an open room (404 for a closed or unknown code)."""
    room = _room(request.auth, code)
    if not room.is_open:
        raise Http404
    return live.cached_figures(room)[1]


@router.post("/sessions/{int:session_id}/open", response={201: RoomOut})
def open_room(request, session_id: int, payload: OpenIn):
    session = selectors.get_session(request.auth, session_id)
    if not permissions.can_host(request.auth, session):
        raise PermissionDenied
    room = live.open_room(
        actor=request.auth,
        session=session,
        allow_anonymous=payload.allow_anonymous,
        question=payload.question,
        statements=payload.statements,
    )
    return Status(201, _room_out(room))


@router.post("/{code}/close", response=RoomOut)
def close_room(request, code: str):
    room = _room(request.auth, code)
    if not permissions.can_host(request.auth, room.session):
        raise PermissionDenied
    return _room_out(live.close_room(actor=request.auth, room=room))
