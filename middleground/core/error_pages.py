"""The site's own 404 page under DEBUG too (``./mg start``, the demo newcomers see).

With ``DEBUG`` on, Django answers a missing page with its technical page (the URL patterns
tried, settings hints). The demo runs with DEBUG (plain static files, no TOTP, no HTTPS
redirect), so this middleware gives a plain 404 the site's page, in its layout and language,
whether the address matched no route or a view raised Http404. Server errors keep Django's
debug page under DEBUG (it is what a developer needs); without DEBUG nothing here acts and
Django renders ``404.html`` itself. The API's own JSON 404s are responses, not exceptions,
and pass untouched.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404
from django.views.defaults import page_not_found


class SiteNotFoundPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # no route matched: Django has already made its technical page (resolver_match is
        # only set once a route matched, before the view runs)
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
        ):
            return page_not_found(request, Resolver404({"path": request.path_info}))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
