"""The REST API at /api/v1/: one NinjaAPI, routers from each app, JSON errors."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from middleground.accountability.api import commitments_router, compliance_router
from middleground.accountability.io_api import io_router as compliance_io_router
from middleground.accounts.api import router as accounts_router
from middleground.accounts.models import Visitor
from middleground.accounts.services import user_for_api_token
from middleground.consultations.api import router as consultations_router
from middleground.core.errors import ServiceError
from middleground.delphi.api import router as delphi_router
from middleground.forum.api import events_router, sessions_router
from middleground.forum.live_api import router as live_router
from middleground.forum.registration_api import router as registrations_router
from middleground.library.api import router as library_router
from middleground.network.api import router as network_router
from middleground.notifications.api import router as notifications_router
from middleground.reformlab.api import router as reformlab_router
from middleground.strategies.api import router as strategies_router
from middleground.strategies.endorsement_api import router as endorsements_router
from middleground.translations.api import router as translations_router


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` from POST /api/v1/auth/token."""

    openapi_description = (
        "A token from `POST /api/v1/auth/token` (for scripts). Tokens expire, and a password "
        "change revokes them; list and revoke yours at `/api/v1/auth/tokens`."
    )

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_api_token(token)
        if user is None:
            raise AuthenticationError(message="Invalid or revoked token.")
        return user


def _no_response(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def _fails_csrf(request: HttpRequest) -> bool:
    # The API view is csrf-exempt (tokens need no CSRF), so session requests are checked here.
    middleware = CsrfViewMiddleware(_no_response)
    return middleware.process_view(request, _no_response, (), {}) is not None


def session_user(request: HttpRequest):
    """The signed-in browser user; unsafe methods must carry the CSRF token."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if request.method not in ("GET", "HEAD", "OPTIONS") and _fails_csrf(request):
        raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
    return user


class SessionCookie(APIKeyCookie):
    """The session of a browser signed in on the pages (the pages' own htmx and scripts)."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = (
        "Django's session cookie, set by signing in at `/accounts/login/`. Unsafe methods "
        "(POST, PUT, PATCH, DELETE) must also send the CSRF token in the `X-CSRFToken` header."
    )

    def __init__(self) -> None:
        super().__init__(csrf=False)  # session_user checks CSRF, and only for a signed-in user

    def authenticate(self, request: HttpRequest, key: str | None):
        return session_user(request)


def anonymous(request: HttpRequest):
    # Public records are readable without signing in; services decide what anonymous may do.
    return Visitor()


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "title": "Detail"},
        "field": {"type": "string", "title": "Field", "description": "the input at fault"},
    },
    "required": ["detail"],
}
ERROR_RESPONSES = {
    401: "Not signed in, or the token is invalid, expired or revoked.",
    403: "Signed in but not allowed (or a session request without the CSRF header).",
    404: "No such record, or not one you may see.",
    413: "The request body is too large.",
    422: "Invalid input; `field` names the parameter at fault.",
}


class MiddleGroundAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any):
        """ninja's schema plus what it cannot infer: anonymous access and the error shape."""
        schema = super().get_openapi_schema(**kwargs)
        schema["components"].setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                security = operation.get("security")
                if security and {} not in security:
                    security.append({})  # the `anonymous` fallback: no credentials at all
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():  # ninja's keys are ints
                    if status == 413 and "requestBody" not in operation:
                        continue
                    responses.setdefault(status, {"description": description, **ref})
        return schema


api = MiddleGroundAPI(
    title="Middle Ground API",
    version="1",
    description=(
        "Registry, consultations and analysis of the Middle Ground expert alliance. Public "
        "records are readable without credentials; scripts send a bearer token, pages use "
        'their session cookie. Errors answer `{"detail": ..., "field": ...}`.'
    ),
    auth=[BearerToken(), SessionCookie(), anonymous],
    urls_namespace="api",
)
api.add_router("/auth", accounts_router, tags=["accounts"])
api.add_router("/network", network_router, tags=["network"])
api.add_router("/consultations", consultations_router, tags=["consultations"])
api.add_router("/delphi", delphi_router, tags=["delphi"])
api.add_router("/library", library_router, tags=["library"])
api.add_router("/reformlab", reformlab_router, tags=["reformlab"])
api.add_router("/notifications", notifications_router, tags=["notifications"])
api.add_router("/strategies", strategies_router, tags=["strategies"])
api.add_router("/strategies", endorsements_router, tags=["strategies"])
api.add_router("/events", events_router, tags=["forum"])
api.add_router("/events", registrations_router, tags=["forum"])
api.add_router("/sessions", sessions_router, tags=["forum"])
api.add_router("/live", live_router, tags=["forum"])
api.add_router("/commitments", commitments_router, tags=["accountability"])
api.add_router("/compliance", compliance_router, tags=["accountability"])
api.add_router("/compliance", compliance_io_router, tags=["accountability"])
api.add_router("/translations", translations_router, tags=["translations"])


def _error(request, status: int, detail: str, field: str | None = None, **extra):
    body = {"detail": detail, **({"field": field} if field else {}), **extra}
    return api.create_response(request, body, status=status)


def _is_anonymous(request) -> bool:
    user = getattr(request, "auth", None)
    return user is None or not user.is_authenticated


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    if exc.status == 403 and _is_anonymous(request):
        return _error(request, 401, "Sign in or send a bearer token.")
    return _error(request, exc.status, exc.message, exc.field)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    if _is_anonymous(request):
        return _error(request, 401, "Sign in or send a bearer token.")
    return _error(request, 403, "You are not allowed to do this.")


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "Not found.")


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    first = exc.errors[0] if exc.errors else {}
    # ninja prefixes locations with where the value came from ("body", "query", ...).
    loc = [str(p) for p in first.get("loc", []) if p not in ("body", "query", "path", "payload")]
    message = first.get("msg", "Invalid input.")
    return _error(request, 422, message, ".".join(loc) or None, errors=exc.errors)


@api.exception_handler(RequestDataTooBig)
def request_too_big(request, exc):
    # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB by default).
    return _error(request, 413, "The request body is too large.")


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return _error(request, 401, str(exc) or "Not authenticated.")


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, str(exc))
