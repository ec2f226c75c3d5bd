from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from middleground.accounts.models import Visitor

from .two_factor import has_totp, must_set_up_totp, passed_second_factor

#: URL names a person who must set up two-factor authentication may still open
TWO_FACTOR_SETUP_URLS = (
    "mfa_activate_totp",
    "mfa_reauthenticate",
    "account_reauthenticate",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "accounts:logout",
    "account_logout",
    "set_language",
)


def visitor_middleware(get_response):
    """Give anonymous requests a Visitor, so permission helpers work the same for everyone."""

    def middleware(request):
        if not request.user.is_authenticated:
            request.user = Visitor()
        return get_response(request)

    return middleware


def two_factor_required_middleware(get_response):
    """Two-factor authentication that no URL can skip.

    A signed-in session of a person with TOTP that did not pass the code (a session opened
    by another sign-in form, such as the admin's) is signed out. A person whose role requires
    two-factor authentication (``MFA_REQUIRED_ROLES``) and has none set up is sent to the
    set-up page from every page but that page's own steps, sign-out and static files. API
    calls with a bearer token carry no session and are not concerned.
    """
    allowed_paths: set[str] = set()

    def allowed(path: str) -> bool:
        if not allowed_paths:
            allowed_paths.update(reverse(name) for name in TWO_FACTOR_SETUP_URLS)
        return path in allowed_paths or path.startswith(settings.STATIC_URL)

    def middleware(request):
        user = request.user
        if not user.is_authenticated:
            return get_response(request)
        is_api = request.path.startswith("/api/")
        if has_totp(user):
            if not passed_second_factor(request):
                logout(request)
                if is_api:
                    return JsonResponse({"detail": _("Sign in again.")}, status=401)
                return redirect(
                    f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}"
                )
        elif must_set_up_totp(user) and not allowed(request.path):
            if is_api:
                detail = _("Set up two-factor authentication on the site first.")
                return JsonResponse({"detail": detail}, status=403)
            return redirect("mfa_activate_totp")
        return get_response(request)

    return middleware
