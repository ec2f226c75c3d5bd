"""The live room's pages: join by code, the phone page, the projector, moderation, the stream.

The stream (server-sent events) has a bounded lifetime, ``FORUM_LIVE_STREAM_SECONDS``
(30 s by default): it sends the figures when they change, then ends, and the browser's
EventSource reconnects (``retry`` 1.5 s). A projector thus holds one worker thread for at
most that long at a time: with gunicorn sync workers, run a few more workers (or threads,
``--threads``) than projectors; the dev server is threaded. The page falls back to polling
``GET /api/v1/live/<code>`` every few seconds when the stream fails.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from middleground.consultations import permissions as consultation_permissions
from middleground.consultations.identity import (
    client_ip,
    cookie_id,
    ensure_cookie_id,
    store_cookie_id,
)
from middleground.consultations.models import STATEMENT_MAX_LENGTH, StatementStatus
from middleground.core.errors import ServiceError

from . import live, permissions, selectors
from .models import LiveRoom

POLL_SECONDS = 4


def _room(request: HttpRequest, code: str) -> LiveRoom:
    """The room of this code, if the person may see its session and its consultation."""
    room = (
        LiveRoom.objects.select_related("session__event", "session__parent", "consultation")
        .filter(code=live.normalise_code(code))
        .first()
    )
    if room is None:
        raise Http404
    if not permissions.can_view_event(request.user, room.session.event):
        raise Http404
    if not consultation_permissions.can_view(request.user, room.consultation):
        raise Http404
    return room


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def join_url(request: HttpRequest, room: LiveRoom) -> str:
    return request.build_absolute_uri(reverse("live:audience", args=[room.code]))


def qr_svg(url: str) -> str:
    """The join address as an inline SVG QR code, made here (no outside service)."""
    return segno.make(url, error="m").svg_inline(
        scale=8, border=2, dark="#000", light="#fff", svgclass="live-qr-svg", omitsize=True
    )


def join(request: HttpRequest) -> HttpResponse:
    """Enter a code (GET ?code=) to reach an open room; hosts POST ``session`` to open one."""
    if request.method == "POST":
        return _open_from_box(request)
    raw = request.GET.get("code", "")
    error = ""
    status = 200
    if raw:
        code = live.normalise_code(raw)
        room = (
            LiveRoom.objects.select_related("session__event", "consultation")
            .filter(code=code)
            .first()
        )
        if room is None or not permissions.can_view_event(request.user, room.session.event):
            error = _("No live room has the code %(code)s. Check the code on the screen.") % {
                "code": code or raw[:12]
            }
            status = 404
        elif not room.is_open:
            error = _("The live room %(code)s is closed.") % {"code": code}
            status = 410
        else:
            return redirect("live:audience", code=room.code)
    return render(
        request, "forum/live_join.html", {"error": error, "code": raw[:12]}, status=status
    )


def _open_from_box(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    try:
        pk = int(request.POST.get("session", ""))
    except ValueError:
        raise Http404 from None
    session = selectors.get_session(request.user, pk)
    if not permissions.can_host(request.user, session):
        raise PermissionDenied
    try:
        room = live.open_room(
            actor=request.user,
            session=session,
            allow_anonymous=request.POST.get("allow_anonymous", "1") != "0",
            question=request.POST.get("question", ""),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(session)
    messages.success(request, _("The live room is open: code %(code)s.") % {"code": room.code})
    return redirect("live:moderate", code=room.code)


def _closed(request: HttpRequest, room: LiveRoom) -> HttpResponse:
    return render(
        request,
        "forum/live_closed.html",
        {
            "room": room,
            "session": room.session,
            "host": permissions.can_host(request.user, room.session),
        },
    )


def _identity(request: HttpRequest, room: LiveRoom, *, create: bool) -> str:
    if request.user.is_authenticated:
        return ""
    return ensure_cookie_id(request) if create else cookie_id(request)


def audience(request: HttpRequest, code: str) -> HttpResponse:
    """The phone page: one statement at a time, and a form for a statement of one's own.

    With JavaScript votes and statements post through ``fetch`` (JSON answers) and only the
    statement card changes, so a half-typed statement is never lost; without it the forms
    post and the page comes back.
    """
    room = _room(request, code)
    if not room.is_open:
        if _wants_json(request):
            return JsonResponse(
                {"detail": _("This live room is closed."), "open": False}, status=409
            )
        return _closed(request, room)
    consultation = room.consultation
    anonymous_ok = room.allow_anonymous and consultation.allows_anonymous
    if not request.user.is_authenticated and not anonymous_ok:
        if _wants_json(request):
            return JsonResponse({"detail": _("Sign in to take part in this room.")}, status=401)
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    if request.user.is_authenticated and not consultation_permissions.can_participate(
        request.user, consultation
    ):
        raise PermissionDenied
    if request.method == "POST":
        return _audience_post(request, room)
    ident = _identity(request, room, create=False)
    if _wants_json(request):
        response: HttpResponse = JsonResponse(
            live.next_statement(room, actor=request.user, cookie_id=ident)
        )
        return response
    context = {
        "room": room,
        "session": room.session,
        "consultation": consultation,
        "next": live.next_statement(room, actor=request.user, cookie_id=ident),
        "max_length": STATEMENT_MAX_LENGTH,
        "poll_seconds": getattr(settings, "FORUM_LIVE_PHONE_POLL_SECONDS", POLL_SECONDS * 2),
    }
    response = render(request, "forum/live_audience.html", context)
    store_cookie_id(request, response)
    return response


def _audience_post(request: HttpRequest, room: LiveRoom) -> HttpResponse:
    action = request.POST.get("action", "vote")
    ident = _identity(request, room, create=True)
    ip = client_ip(request)
    payload: dict[str, Any] = {}
    try:
        if action == "statement":
            statement = live.submit_statement(
                actor=request.user,
                room=room,
                text=request.POST.get("text", ""),
                cookie_id=ident,
                ip=ip,
            )
            pending = statement.status == StatementStatus.PENDING
            payload["message"] = (
                _("Thank you: your statement awaits the moderator.")
                if pending
                else _("Thank you: your statement is published.")
            )
        else:
            live.vote(
                actor=request.user,
                room=room,
                statement_id=request.POST.get("statement"),
                value=request.POST.get("vote"),
                cookie_id=ident,
                ip=ip,
            )
            payload["message"] = _("Vote recorded.")
    except ServiceError as exc:
        if _wants_json(request):
            response: HttpResponse = JsonResponse(
                {"detail": exc.message, "field": exc.field}, status=exc.status
            )
        else:
            messages.error(request, exc.message)
            response = redirect("live:audience", code=room.code)
        store_cookie_id(request, response)
        return response
    if _wants_json(request):
        payload.update(live.next_statement(room, actor=request.user, cookie_id=ident))
        response = JsonResponse(payload)
    else:
        messages.success(request, payload["message"])
        response = redirect("live:audience", code=room.code)
    store_cookie_id(request, response)
    return response


def screen(request: HttpRequest, code: str) -> HttpResponse:
    """The projector: code and QR always shown, figures updated by the stream."""
    room = _room(request, code)
    if not room.is_open:
        return _closed(request, room)
    url = join_url(request, room)
    short = url.split("://", 1)[-1]
    _mark, figures = live.cached_figures(room)
    context = {
        "room": room,
        "session": room.session,
        "figures": figures,
        "join_url": url,
        "short_url": short,
        # the address breaks between host and path on a narrow screen, never inside the code
        "short_host": short.split("/", 1)[0],
        "short_path": "/" + short.split("/", 1)[1] if "/" in short else "",
        "qr": mark_safe(qr_svg(url)),  # noqa: S308 - segno's SVG of our own URL
        "stream_url": reverse("live:stream", args=[room.code]),
        "api_url": f"/api/v1/live/{room.code}",
        "poll_seconds": POLL_SECONDS,
        "min_group_size": live.MIN_GROUP_SIZE,
    }
    return render(request, "forum/live_screen.html", context)


@login_required
def moderate(request: HttpRequest, code: str) -> HttpResponse:
    """Hosts: the queue of submitted statements, and opening or closing the room."""
    room = _room(request, code)
    if not permissions.can_host(request.user, room.session):
        raise PermissionDenied
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "close":
                live.close_room(actor=request.user, room=room)
                messages.success(request, _("The live room is closed."))
            elif action == "open":
                live.open_room(
                    actor=request.user, session=room.session, allow_anonymous=room.allow_anonymous
                )
                messages.success(request, _("The live room is open again."))
            elif action in ("accept", "reject"):
                live.moderate(
                    actor=request.user,
                    room=room,
                    statement_id=request.POST.get("statement"),
                    accept=action == "accept",
                )
                messages.success(
                    request,
                    _("Statement accepted.") if action == "accept" else _("Statement rejected."),
                )
            else:
                messages.error(request, _("Unknown action."))
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("live:moderate", code=room.code)
    statements = list(
        room.consultation.statements.order_by("status", "-created_at").only(
            "pk", "number", "text", "status", "created_at", "is_seed"
        )[:300]
    )
    return render(
        request,
        "forum/live_moderate.html",
        {
            "room": room,
            "session": room.session,
            "pending": [s for s in statements if s.status == StatementStatus.PENDING],
            "decided": [s for s in statements if s.status != StatementStatus.PENDING][:100],
            "figures": live.cached_figures(room)[1],
            "join_url": join_url(request, room),
        },
    )


def _event(name: str, data: Any) -> str:
    return f"event: {name}\ndata: {json.dumps(data, cls=DjangoJSONEncoder)}\n\n"


def stream(request: HttpRequest, code: str) -> StreamingHttpResponse:
    """Server-sent events: the figures now, then whenever they change, for a bounded time."""
    room = _room(request, code)
    lifetime = float(getattr(settings, "FORUM_LIVE_STREAM_SECONDS", 30))
    interval = float(getattr(settings, "FORUM_LIVE_STREAM_INTERVAL", 1.0))

    def events() -> Iterator[str]:
        deadline = time.monotonic() + lifetime
        yield "retry: 1500\n\n"
        last: tuple[Any, ...] | None = None
        quiet = 0.0
        while True:
            current = (
                LiveRoom.objects.filter(pk=room.pk).values_list("closed_at", flat=True).first()
            )
            room.closed_at = current
            if not room.is_open:
                yield _event("closed", {"code": room.code})
                return
            mark = live.change_mark(room)
            if mark != last:
                last = mark
                _mark, figures = live.cached_figures(room, mark)
                yield _event("figures", figures)
                quiet = 0.0
            elif quiet >= 10:
                yield ": keep-alive\n\n"
                quiet = 0.0
            if time.monotonic() + interval > deadline:
                return
            time.sleep(interval)
            quiet += interval

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response
