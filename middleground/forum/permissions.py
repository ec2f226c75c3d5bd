"""Who may do what in the forum: one predicate per rule, for selectors and services.

Published public events are seen by everyone, network events by network members; drafts by
the secretariat only. The secretariat organises events; a session's hosts (and the
secretariat) run its live room; a head of delegation names their institution's delegates.
"""

from typing import Any

from django.db.models import Q
from django.utils import timezone

from .models import Delegation, Event, EventStatus, EventVisibility, Session


def can_manage_event(user: Any, event: Event | None = None) -> bool:
    """Create and edit events, sessions, speakers, registration types; see registrations."""
    return user.is_authenticated and user.is_secretariat


def can_view_event(user: Any, event: Event) -> bool:
    if can_manage_event(user, event):
        return True
    if event.status != EventStatus.PUBLISHED:
        return False
    return event.visibility == EventVisibility.PUBLIC or (
        user.is_authenticated and user.is_network_member
    )


def visible_events_q(user: Any) -> Q:
    """``can_view_event`` in SQL, for lists."""
    if user.is_authenticated and user.is_secretariat:
        return Q()
    published = Q(status=EventStatus.PUBLISHED)
    if user.is_authenticated and user.is_network_member:
        return published
    return published & Q(visibility=EventVisibility.PUBLIC)


def can_register(user: Any, event: Event) -> bool:
    """Registration is open, and the event has not ended (an open flag left on after it)."""
    return (
        user.is_authenticated
        and event.registration_open
        and event.ends_at > timezone.now()
        and event.status == EventStatus.PUBLISHED
        and can_view_event(user, event)
    )


def can_lead_delegation(user: Any, delegation: Delegation) -> bool:
    """The head of delegation, the institution's representatives, and the secretariat."""
    return user.is_authenticated and (
        user.is_secretariat
        or delegation.head_id == user.pk
        or user.represents(delegation.institution_id)
    )


def can_check_in(user: Any, event: Event) -> bool:
    """Staff at the door: the secretariat."""
    return can_manage_event(user, event)


def can_host(user: Any, session: Session) -> bool:
    """Open and close the session's live room, moderate its queue."""
    return user.is_authenticated and (
        user.is_secretariat or session.hosts.filter(pk=user.pk).exists()
    )


def hides_attribution(session: Session) -> bool:
    """Chatham House rule: outputs of the session (minutes, statements, exports, API) name
    no speaker, author or institution."""
    if session.chatham_house:
        return True
    parent = session.parent if session.parent_id is not None else None
    return parent is not None and parent.chatham_house
