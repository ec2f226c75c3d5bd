"""The bell's unread count in every page's header: one COUNT, only for a signed-in person."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import selectors


def bell(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # lazy: pages that never show the header (fragments) pay nothing
    return {"unread_notifications": SimpleLazyObject(lambda: selectors.unread_count(user))}
