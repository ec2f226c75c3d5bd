"""Two-factor authentication (allauth.mfa's TOTP): who must have it, and whether a session
passed it."""

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest

#: set in the session when TOTP was set up in it (the code was just checked)
SET_UP_IN_SESSION = "mg_totp_set_up"


def has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def requires_two_factor(user: Any) -> bool:
    """The secretariat and institution representatives (``MFA_REQUIRED_ROLES``) need it."""
    roles = set(settings.MFA_REQUIRED_ROLES)
    if not roles or not user.is_active:
        return False
    return user.role in roles or ("secretariat" in roles and user.is_superuser)


def must_set_up_totp(user: Any) -> bool:
    return requires_two_factor(user) and not has_totp(user)


def passed_second_factor(request: HttpRequest) -> bool:
    if request.session.get(SET_UP_IN_SESSION):
        return True
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


def check_totp_code(user: Any, code: str) -> bool:
    """The person's current TOTP code (each code works once)."""
    from allauth.mfa.totp.internal.auth import TOTP

    authenticator = Authenticator.objects.filter(
        user_id=user.pk, type=Authenticator.Type.TOTP
    ).first()
    return bool(code and authenticator and TOTP(authenticator).validate_code(code.strip()))
