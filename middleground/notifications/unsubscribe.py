"""One-click unsubscribe (RFC 8058): a signed link that needs no session.

The token carries the person's id and a scope: ``"all"`` (all information mail), ``"kind:<kind>"``
(one kind of notice) or ``"follow:<type>:<id>"`` (one followed consultation, panel or task
force). ``GET`` shows a page that confirms; ``POST`` (a mail client's one-click request, or the
page's button) takes effect at once, without a session or CSRF token: the signature is the
authority. Action-required notices are never affected: they always arrive.
"""

from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from middleground.accounts.models import User

from .models import Follow, Frequency, Preference

SALT = "middleground.notifications.unsubscribe"
ALL = "all"

__all__ = ["ALL", "apply", "headers_for", "link_for", "make_token", "read_token", "view"]


def make_token(user: Any, scope: str = ALL) -> str:
    return signing.dumps({"u": user.pk, "s": scope}, salt=SALT, compress=True)


def read_token(token: str) -> tuple[User, str] | None:
    """The person and scope of a token, or None when it is forged, garbled or the person gone."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), str):
        return None
    if not isinstance(data.get("u"), int):
        return None
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    return (user, data["s"]) if user is not None else None


def link_for(user: Any, scope: str = ALL, *, base_url: str = "") -> str:
    base = (base_url or getattr(settings, "SITE_URL", "")).rstrip("/")
    return base + reverse("notifications:unsubscribe", args=[make_token(user, scope)])


def headers_for(user: Any, scope: str = ALL, *, base_url: str = "") -> dict[str, str]:
    """The List-Unsubscribe headers every mail with information carries (RFC 2369, 8058)."""
    return {
        "List-Unsubscribe": f"<{link_for(user, scope, base_url=base_url)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def describe(scope: str) -> str:
    if scope.startswith("kind:"):
        return _("mail about notices of the kind “%(k)s”") % {"k": scope[5:]}
    if scope.startswith("follow:"):
        return _("mail about a thing you follow")
    return _("information mail")


def apply(*, user: User, scope: str) -> None:
    """Stop the information mail of ``scope`` for ``user`` at once."""
    with transaction.atomic():
        preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
        if scope.startswith("kind:"):
            per_kind = dict(preference.per_kind or {})
            per_kind[scope[5:]] = Frequency.NEVER
            preference.per_kind = per_kind
            preference.save(update_fields=["per_kind"])
        elif scope.startswith("follow:"):
            target_type, _sep, target_id = scope[7:].rpartition(":")
            Follow.objects.update_or_create(
                user=user,
                target_type=target_type,
                target_id=target_id,
                defaults={"frequency": Frequency.NEVER},
            )
        else:
            # everything off: no per-kind or per-follow setting lets information through
            preference.information_mail = Frequency.NEVER
            preference.per_kind = {}
            preference.save(update_fields=["information_mail", "per_kind"])
            Follow.objects.filter(user=user).exclude(frequency__isnull=True).update(
                frequency=Frequency.NEVER
            )


@csrf_exempt  # the one view without CSRF: mail clients POST here with no session (RFC 8058)
@require_http_methods(["GET", "POST"])
def view(request: HttpRequest, token: str) -> HttpResponse:
    found = read_token(token)
    if found is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    user, scope = found
    done = False
    if request.method == "POST":
        apply(user=user, scope=scope)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"done": done, "what": describe(scope)},
    )
