"""Programme endpoints under /api/v1/events and /api/v1/sessions (read-only).

The same selectors as the pages; sessions carry the public speaker list and the Chatham
House flag, and no other attribution. Times are ISO 8601 in the event's own zone.
"""

from typing import Any

from django.http import HttpResponse
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from middleground.core.pagination import BoundedLimitOffsetPagination, Mapped

from . import calendars, selectors
from .programme import event_record, programme_sessions, session_record

events_router = Router()
sessions_router = Router()


class EventQuery(Schema):
    q: str = ""
    upcoming: bool | None = None


def _base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@events_router.get("", response=list[dict[str, Any]])
@paginate(BoundedLimitOffsetPagination)
def list_events(request, filters: Query[EventQuery]):
    """Events you may see, newest first: ``{"items": [...], "count": n}``."""
    found = selectors.events(request.auth, q=filters.q, upcoming=filters.upcoming).prefetch_related(
        "organisers"
    )
    base_url = _base(request)
    return Mapped(found, lambda e: event_record(e, base_url=base_url))


@events_router.get("/{int:event_id}", response=dict[str, Any])
def get_event(request, event_id: int):
    event = selectors.get_event(request.auth, pk=event_id)
    return event_record(event, base_url=_base(request))


@events_router.get("/{int:event_id}/sessions", response=dict[str, Any])
def list_sessions(request, event_id: int):
    """The programme, agenda items included (``parent`` names their session)."""
    event = selectors.get_event(request.auth, pk=event_id)
    sessions = programme_sessions(event)
    items = [session_record(s, base_url=_base(request)) for s in sessions]
    return {"items": items, "count": len(items)}


@events_router.get("/{int:event_id}/calendar.ics", response={200: None})
def event_calendar(request, event_id: int):
    event = selectors.get_event(request.auth, pk=event_id)
    body = calendars.event_calendar(event, programme_sessions(event), base_url=_base(request))
    return HttpResponse(body, content_type=calendars.CONTENT_TYPE)


@sessions_router.get("/{int:session_id}", response=dict[str, Any])
def get_session(request, session_id: int):
    session = selectors.get_session(request.auth, session_id)
    return session_record(session, base_url=_base(request))


@sessions_router.get("/{int:session_id}/calendar.ics", response={200: None})
def session_calendar(request, session_id: int):
    session = selectors.get_session(request.auth, session_id)
    body = calendars.session_calendar(session, base_url=_base(request))
    return HttpResponse(body, content_type=calendars.CONTENT_TYPE)
