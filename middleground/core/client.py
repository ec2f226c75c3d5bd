"""The client's network address, the same for sign-in throttling and per-address limits."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent this request ("" when unknown).

    Behind ``TRUSTED_PROXY_COUNT`` proxies, each of which appends the address it saw to
    ``X-Forwarded-For``, the client is the N-th entry from the right: entries further left
    were written by the client itself and are ignored. Without trusted proxies the header is
    ignored, since anyone can send it.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < count:
        return remote  # the request skipped a proxy: nothing in the header is trusted
    candidate = forwarded[-count]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate
