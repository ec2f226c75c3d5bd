"""Programme pages: events, their programme by day and room, sessions, speakers, calendars.

Each view: parse, authorise (selectors, permissions), call one service, render. Times are
shown in the event's own zone and labelled with it.
"""

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from middleground.accounts.http import SignedInRequest
from middleground.core.csv_export import csv_dicts
from middleground.core.errors import ServiceError
from middleground.core.forms import call_service

from . import calendars, permissions, selectors
from . import programme as services
from .forms import EventForm, PartnerForm, ProgrammeFilterForm, SessionForm, SpeakerForm
from .models import CalendarFeed, Event, Partner, Session, Speaker


def _zone(event: Event) -> ZoneInfo:
    return ZoneInfo(event.time_zone)


def utc_offset(moment: dt.datetime, zone: str) -> str:
    """``UTC+05:00``: the zone's offset at that moment, as a reader-friendly label."""
    offset = moment.astimezone(ZoneInfo(zone)).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def language_name(code: str) -> str:
    """The language's name in the reader's language ("Kazakh"), or the code if unknown."""
    from django.utils.translation import get_language_info

    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


# --- events -------------------------------------------------------------------------------


def event_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    upcoming = list(selectors.events(request.user, q=q, upcoming=True))
    past = list(selectors.events(request.user, q=q, upcoming=False))
    return render(
        request,
        "forum/event_list.html",
        {
            "upcoming": sorted(upcoming, key=lambda e: e.starts_at),
            "past": past,
            "q": q,
            "can_create": permissions.can_manage_event(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_event(request.user):
        raise PermissionDenied
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event = call_service(
            form,
            lambda: services.create_event(actor=request.user, data=form.data_for_service()),
        )
        if event:
            messages.success(request, _("Event created as a draft. Add speakers and sessions."))
            return redirect("forum:event_edit", slug=event.slug)
    return render(request, "forum/event_form.html", {"form": form, "title": _("New event")})


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.get_event(request.user, slug=slug)
    sessions = list(event.sessions.filter(parent__isnull=True).order_by("starts_at", "position"))
    return render(
        request,
        "forum/event_detail.html",
        {
            "event": event,
            "zone": _zone(event),
            "organisers": list(event.organisers.order_by("name")),
            "partner_groups": services.partners_by_kind(event),
            "speakers": list(event.speakers.select_related("institution").order_by("name")),
            "focus_areas": list(event.focus_areas.order_by("name")),
            "event_languages": [language_name(c) for c in event.languages],
            "utc_offset": utc_offset(event.starts_at, event.time_zone),
            "session_count": len(sessions),
            "first_sessions": sessions[:5],
            "can_manage": permissions.can_manage_event(request.user, event),
            "can_register": permissions.can_register(request.user, event),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.get_event_for_manage(request.user, slug=slug)
    action = request.POST.get("action", "event") if request.method == "POST" else ""
    form = EventForm(
        request.POST if action == "event" else None, initial=EventForm.initial_from(event)
    )
    speaker_form = SpeakerForm(request.POST if action == "speaker" else None, prefix="speaker")
    partner_form = PartnerForm(request.POST if action == "partner" else None, prefix="partner")
    if action == "event" and form.is_valid():
        if call_service(
            form,
            lambda: services.update_event(
                actor=request.user, event=event, data=form.data_for_service()
            ),
        ):
            messages.success(request, _("Event saved."))
            return redirect("forum:event_edit", slug=event.slug)
    elif action == "speaker" and speaker_form.is_valid():
        data = speaker_form.cleaned_data
        if call_service(
            speaker_form,
            lambda: services.add_speaker(
                actor=request.user,
                event=event,
                expert=data["expert"],
                name=data["name"],
                position=data["position"],
                affiliation=data["affiliation"],
                bio=data["bio"],
            ),
        ):
            messages.success(request, _("Speaker added."))
            return redirect("forum:event_edit", slug=event.slug)
    elif action == "partner" and partner_form.is_valid():
        data = partner_form.cleaned_data
        if call_service(
            partner_form,
            lambda: services.add_partner(
                actor=request.user,
                event=event,
                institution=data["institution"],
                name=data["partner_name"],
                kind=data["kind"],
                weight=data["weight"],
                url=data["url"],
            ),
        ):
            messages.success(request, _("Partner added."))
            return redirect("forum:event_edit", slug=event.slug)
    elif action == "remove_partner":
        partner = get_object_or_404(Partner, event=event, pk=request.POST.get("partner"))
        services.remove_partner(actor=request.user, partner=partner)
        messages.success(request, _("Partner removed."))
        return redirect("forum:event_edit", slug=event.slug)
    elif action in ("publish", "unpublish"):
        try:
            services.publish_event(actor=request.user, event=event, published=action == "publish")
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The event is published.")
                if action == "publish"
                else _("The event is a draft again."),
            )
        return redirect("forum:event_edit", slug=event.slug)
    return render(
        request,
        "forum/event_form.html",
        {
            "form": form,
            "speaker_form": speaker_form,
            "partner_form": partner_form,
            "event": event,
            "speakers": list(event.speakers.select_related("institution")),
            "partners": list(event.partners.select_related("institution")),
            "title": _("Edit %(name)s") % {"name": event.name},
        },
    )


# --- programme ----------------------------------------------------------------------------


def _filtered(event: Event, request: HttpRequest) -> tuple[ProgrammeFilterForm, list[Session]]:
    form = ProgrammeFilterForm(request.GET or None, event=event)
    sessions = services.programme_sessions(event).filter(parent__isnull=True)
    if form.is_valid():
        if form.cleaned_data["track"]:
            sessions = sessions.filter(track=form.cleaned_data["track"])
        if form.cleaned_data["room"]:
            sessions = sessions.filter(room=form.cleaned_data["room"])
        if form.cleaned_data["focus_area"]:
            sessions = sessions.filter(focus_areas__slug=form.cleaned_data["focus_area"])
    return form, list(sessions.distinct())


def programme_days(event: Event, sessions: list[Session]) -> list[dict[str, Any]]:
    """Per local day: the rooms (columns), and rows of (start time, [sessions per room])."""
    zone = _zone(event)
    by_day: dict[dt.date, list[Session]] = defaultdict(list)
    for session in sessions:
        by_day[session.starts_at.astimezone(zone).date()].append(session)
    days = []
    for day in sorted(by_day):
        day_sessions = by_day[day]
        rooms = sorted({s.room for s in day_sessions}, key=lambda r: (r == "", r))
        slots: dict[dt.time, dict[str, list[Session]]] = defaultdict(lambda: defaultdict(list))
        for session in day_sessions:
            slots[session.starts_at.astimezone(zone).time()][session.room].append(session)
        rows = [
            {"time": time, "cells": [slots[time].get(room, []) for room in rooms]}
            for time in sorted(slots)
        ]
        days.append({"date": day, "rooms": rooms, "rows": rows, "count": len(day_sessions)})
    return days


def programme(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.get_event(request.user, slug=slug)
    filter_form, sessions = _filtered(event, request)
    return render(
        request,
        "forum/programme.html",
        {
            "event": event,
            "zone": _zone(event),
            "filter_form": filter_form,
            "days": programme_days(event, sessions),
            "filtered": any(request.GET.get(k) for k in ("track", "room", "focus_area")),
            "can_manage": permissions.can_manage_event(request.user, event),
        },
    )


# --- sessions -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.get_event_for_manage(request.user, slug=slug)
    initial: dict[str, Any] = {}
    parent_id = request.GET.get("parent")
    if parent_id and parent_id.isdigit():
        initial["parent"] = event.sessions.filter(pk=parent_id).first()
    form = SessionForm(request.POST or None, event=event, initial=initial)
    if request.method == "POST" and form.is_valid():
        session = call_service(
            form,
            lambda: services.create_session(
                actor=request.user, event=event, data=form.data_for_service()
            ),
        )
        if session:
            messages.success(request, _("Session added to the programme."))
            return redirect(session.parent or session)
    return render(
        request,
        "forum/session_form.html",
        {"form": form, "event": event, "title": _("New session")},
    )


def session_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = selectors.get_event(request.user, slug=slug)
    session = selectors.get_session(request.user, pk, event=event)
    speakers = list(session.speakers.select_related("institution"))
    return render(
        request,
        "forum/session_detail.html",
        {
            "event": event,
            "session": session,
            "zone": _zone(event),
            "speakers": speakers,
            "moderator": session.moderator,
            "agenda_items": list(
                session.agenda_items.prefetch_related("speakers").order_by("starts_at", "position")
            ),
            "focus_areas": list(session.focus_areas.order_by("name")),
            "session_language": language_name(session.language),
            "utc_offset": utc_offset(session.starts_at, event.time_zone),
            "interpretation_into": [language_name(c) for c in session.interpretation],
            "chatham_house": permissions.hides_attribution(session),
            "can_manage": permissions.can_manage_event(request.user, event),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = selectors.get_event_for_manage(request.user, slug=slug)
    session = selectors.get_session(request.user, pk, event=event)
    form = SessionForm(
        request.POST or None,
        event=event,
        session=session,
        initial=SessionForm.initial_from(session),
    )
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.update_session(
                actor=request.user, session=session, data=form.data_for_service()
            ),
        )
        if saved:
            messages.success(request, _("Session saved."))
            return redirect(saved)
    return render(
        request,
        "forum/session_form.html",
        {
            "form": form,
            "event": event,
            "session": session,
            "title": _("Edit %(title)s") % {"title": session.title},
        },
    )


# --- speakers -----------------------------------------------------------------------------


def speaker_detail(request: HttpRequest, slug: str, speaker: str) -> HttpResponse:
    from middleground.library.selectors import documents_mentioning
    from middleground.network import selectors as registry

    event = selectors.get_event(request.user, slug=slug)
    person = get_object_or_404(
        Speaker.objects.select_related("institution", "expert"), event=event, slug=speaker
    )
    sessions = list(
        (person.sessions.all() | event.sessions.filter(moderator=person))
        .select_related("parent")
        .distinct()
        .order_by("starts_at", "position")
    )
    institution = None
    if person.institution_id:
        institution = registry.institutions(request.user).filter(pk=person.institution_id).first()
    expert = None
    documents: list = []
    if person.expert_id:
        expert = registry.experts(request.user).filter(pk=person.expert_id).first()
        if expert is not None:
            documents = list(documents_mentioning(request.user, expert=expert, limit=10))
    return render(
        request,
        "forum/speaker_detail.html",
        {
            "event": event,
            "speaker": person,
            "zone": _zone(event),
            "sessions": sessions,
            "institution": institution,
            "expert": expert,
            "documents": documents,
        },
    )


# --- exports ------------------------------------------------------------------------------


CSV_FIELDS = (
    "id",
    "parent",
    "title",
    "starts_at",
    "ends_at",
    "time_zone",
    "room",
    "track",
    "format",
    "language",
    "interpretation",
    "moderator",
    "speakers",
    "chatham_house",
    "url",
)


def programme_json(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.get_event(request.user, slug=slug)
    sessions = [
        services.session_record(s, base_url=_base(request))
        for s in services.programme_sessions(event)
    ]
    return JsonResponse(
        {"event": services.event_record(event, base_url=_base(request)), "sessions": sessions}
    )


def programme_csv(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.get_event(request.user, slug=slug)
    rows = []
    for session in services.programme_sessions(event):
        row = services.session_record(session, base_url=_base(request))
        row["interpretation"] = " ".join(row["interpretation"])
        row["speakers"] = "; ".join(row["speakers"])
        row["moderator"] = row["moderator"] or ""
        row["parent"] = row["parent"] or ""
        row["chatham_house"] = "yes" if row["chatham_house"] else "no"
        rows.append(row)
    response = HttpResponse(
        csv_dicts(rows, fieldnames=CSV_FIELDS), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-programme.csv"'
    return response


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=calendars.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.get_event(request.user, slug=slug)
    body = calendars.event_calendar(
        event, services.programme_sessions(event), base_url=_base(request)
    )
    return _ics(body, f"{event.slug}.ics")


def session_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = selectors.get_event(request.user, slug=slug)
    session = selectors.get_session(request.user, pk, event=event)
    return _ics(
        calendars.session_calendar(session, base_url=_base(request)), f"session-{session.pk}.ics"
    )


def agenda_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private agenda feed: no sign-in, the token is the key; revoked or unknown → 404."""
    user = calendars.feed_user(token)
    response = _ics(calendars.agenda_calendar(user, base_url=_base(request)), "agenda.ics")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feeds(request: SignedInRequest) -> HttpResponse:
    new_url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            feed = CalendarFeed.objects.filter(
                user=request.user, pk=request.POST.get("feed") or 0
            ).first()
            if feed is None:
                raise Http404
            calendars.revoke_feed(user=request.user, feed=feed)
            messages.success(request, _("The feed is revoked; its address no longer works."))
            return redirect("forum:calendar_feeds")
        token = calendars.create_feed(user=request.user)
        new_url = request.build_absolute_uri(reverse("forum:agenda_feed", args=[token]))
    return render(
        request,
        "forum/calendar_feeds.html",
        {
            "feeds": list(calendars.feeds_of(request.user)),
            "new_url": new_url,
            "sessions": calendars.agenda_sessions(request.user),
        },
    )
