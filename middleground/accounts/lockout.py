from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """What a locked-out sign-in gets: the page for browsers, the API's JSON error for scripts."""
    if request.path.startswith("/api/"):
        detail = _("Too many failed sign-in attempts; try again in 15 minutes.")
        return JsonResponse({"detail": detail}, status=429)
    return render(request, "accounts/locked_out.html", status=429)
