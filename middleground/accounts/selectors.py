"""Permission-checked reads of the accounts app."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import ApiToken, AuditEvent, Invitation, User


def require_secretariat(user: User) -> None:
    if not (user.is_authenticated and user.is_secretariat):
        raise PermissionDenied


def audit_events_for(user: User) -> QuerySet[AuditEvent]:
    require_secretariat(user)
    return AuditEvent.objects.select_related("actor")


def invitations_for(user: User) -> QuerySet[Invitation]:
    require_secretariat(user)
    return Invitation.objects.select_related("institution", "created_by")


def api_tokens_for(user: User) -> QuerySet[ApiToken]:
    """The person's own tokens; nobody lists anyone else's, the secretariat included."""
    if not user.is_authenticated:
        raise PermissionDenied
    return ApiToken.objects.filter(user=user)


def api_token_for(user: User, token_id: int) -> ApiToken:
    token = api_tokens_for(user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    return token
