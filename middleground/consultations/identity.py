"""Anonymous participants: a signed random id in a cookie, and the client's address."""

import secrets

from django.http import HttpRequest, HttpResponse

from middleground.core.client import client_address

COOKIE = "mg_participant"
SALT = "middleground.consultations.participant"
MAX_AGE = 365 * 24 * 3600


def cookie_id(request: HttpRequest) -> str:
    """The anonymous identity of this browser, if it has one (set by :func:`ensure_cookie_id`)."""
    cached = getattr(request, "_mg_participant_id", None)
    if cached:
        return cached
    value = request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=MAX_AGE)
    return value if isinstance(value, str) and 16 <= len(value) <= 64 else ""


def ensure_cookie_id(request: HttpRequest) -> str:
    """The identity, created when missing; :func:`store_cookie_id` writes it to the response."""
    value = cookie_id(request)
    if not value:
        value = secrets.token_urlsafe(24)
        request._mg_participant_id = value  # type: ignore[attr-defined]
        request._mg_participant_new = True  # type: ignore[attr-defined]
    return value


def store_cookie_id(request: HttpRequest, response: HttpResponse) -> None:
    if getattr(request, "_mg_participant_new", False):
        response.set_signed_cookie(
            COOKIE,
            request._mg_participant_id,  # type: ignore[attr-defined]
            salt=SALT,
            max_age=MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )


def client_ip(request: HttpRequest) -> str:
    return client_address(request) or "unknown"
