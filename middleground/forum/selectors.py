"""Reads of events and sessions, checking permissions (404 for what the user may not see)."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from . import permissions
from .models import Event, Session


def events(user: Any, *, q: str = "", upcoming: bool | None = None) -> QuerySet[Event]:
    from django.utils import timezone

    found = Event.objects.filter(permissions.visible_events_q(user))
    if q:
        found = found.filter(name__icontains=q)
    if upcoming is True:
        found = found.filter(ends_at__gte=timezone.now())
    elif upcoming is False:
        found = found.filter(ends_at__lt=timezone.now())
    return found.order_by("-starts_at")


def get_event(user: Any, *, slug: str | None = None, pk: int | None = None) -> Event:
    lookup = {"slug": slug} if slug is not None else {"pk": pk}
    event = Event.objects.filter(**lookup).first()
    if event is None or not permissions.can_view_event(user, event):
        raise Http404
    return event


def get_event_for_manage(user: Any, **lookup: Any) -> Event:
    from django.core.exceptions import PermissionDenied

    event = get_event(user, **lookup)
    if not permissions.can_manage_event(user, event):
        raise PermissionDenied
    return event


def get_session(user: Any, pk: int, *, event: Event | None = None) -> Session:
    session = Session.objects.select_related("event", "parent").filter(pk=pk).first()
    if session is None or (event is not None and session.event_id != event.pk):
        raise Http404
    if not permissions.can_view_event(user, session.event):
        raise Http404
    return session
