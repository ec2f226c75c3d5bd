"""The REST API at /api/v1/: one NinjaAPI, routers from each app, JSON errors."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from middleground.accounts.api import router as accounts_router
from middleground.accounts.models import Visitor
from middleground.accounts.services import user_for_api_token
from middleground.consultations.api import router as consultations_router
from middleground.consultations.delphi.api import router as delphi_router
from middleground.core.errors import ServiceError
from middleground.library.api import router as library_router
from middleground.network.api import router as network_router
from middleground.reformlab.api import router as reformlab_router


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` from POST /api/v1/auth/token."""

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


def anonymous(request: HttpRequest):
    # Public records are readable without signing in; services decide what anonymous may do.
    return Visitor()


api = NinjaAPI(
    title="Middle Ground API",
    version="1",
    description="Registry, consultations and analysis of the Middle Ground expert alliance.",
    auth=[BearerToken(), session_user, anonymous],
    urls_namespace="api",
)
api.add_router("/auth", accounts_router, tags=["accounts"])
api.add_router("/network", network_router, tags=["network"])
api.add_router("/consultations", consultations_router, tags=["consultations"])
api.add_router("/delphi", delphi_router, tags=["delphi"])
api.add_router("/library", library_router, tags=["library"])
api.add_router("/reformlab", reformlab_router, tags=["reformlab"])


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


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return _error(request, 401, str(exc) or "Not authenticated.")


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, str(exc))
