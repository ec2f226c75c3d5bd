"""The notifications API: the caller's own notices, and marking them read or done."""

from ninja import Router
from ninja.pagination import paginate

from middleground.core.errors import ServiceError
from middleground.core.pagination import BoundedLimitOffsetPagination

from . import selectors, services
from .schemas import NotificationOut

router = Router()


def _signed_in(request):
    user = request.auth
    if not user.is_authenticated:
        raise ServiceError("Sign in or send a bearer token.", status=401)
    return user


@router.get("", response=list[NotificationOut], summary="Your notifications")
@paginate(BoundedLimitOffsetPagination)
def list_notifications(request):
    """The caller's notices only: open action-required ones first (soonest due), then newest."""
    return selectors.notifications_for(_signed_in(request))


@router.post(
    "/{int:notification_id}/read", response=NotificationOut, summary="Mark a notification read"
)
def mark_read(request, notification_id: int):
    return services.mark_read(user=_signed_in(request), notification_id=notification_id)


@router.post(
    "/{int:notification_id}/done", response=NotificationOut, summary="Mark a notification done"
)
def mark_done(request, notification_id: int):
    return services.mark_done(user=_signed_in(request), notification_id=notification_id)
