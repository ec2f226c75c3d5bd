"""Permission-checked reads of the accounts app."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from .models import AuditEvent, Invitation, User


def require_secretariat(user: User) -> None:
    if not (user.is_authenticated and user.is_secretariat):
        raise PermissionDenied


def audit_events_for(user: User) -> QuerySet[AuditEvent]:
    require_secretariat(user)
    return AuditEvent.objects.select_related("actor")


def invitations_for(user: User) -> QuerySet[Invitation]:
    require_secretariat(user)
    return Invitation.objects.select_related("institution", "created_by")
