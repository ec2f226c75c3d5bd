"""iCalendar files of the programme, and each person's private agenda feed.

Every VEVENT is written in its event's own time zone (DTSTART/DTEND with a TZID) and the
calendar carries the matching VTIMEZONE, built from ``zoneinfo`` by icalendar: calendar
programs that ignore TZIDs without a VTIMEZONE would otherwise show wrong times. UIDs are
stable (``forum-session-<pk>@<host>``), so a re-imported file updates rather than duplicates.

A private feed's URL carries a random token; only its SHA-256 is stored, so the token is shown
once, and a revoked or unknown token is a 404.
"""

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from middleground.accounts.services import record_audit
from middleground.core.errors import ServiceError

from .models import CalendarFeed, Event, RegistrationStatus, Session
from .permissions import can_view_event, hides_attribution

PRODID = "-//Middle Ground//Forum programme//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "middleground"


def _absolute(path: str, base_url: str) -> str:
    return (base_url or settings.SITE_URL).rstrip("/") + path


def _new_calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _location(session_or_event: Any, event: Event) -> str:
    room = getattr(session_or_event, "room", "")
    parts = [room, event.venue, event.city]
    return ", ".join(p for p in parts if p)


def session_vevent(
    session: Session, *, base_url: str = "", stamp: dt.datetime | None = None
) -> VEvent:
    event = session.event
    zone = ZoneInfo(event.time_zone)
    vevent = VEvent()
    vevent.add("uid", f"forum-session-{session.pk}@{_host()}")
    vevent.add("dtstamp", stamp or timezone.now())
    vevent.add("dtstart", session.starts_at.astimezone(zone))
    vevent.add("dtend", session.ends_at.astimezone(zone))
    vevent.add("summary", session.title)
    location = _location(session, event)
    if location:
        vevent.add("location", location)
    vevent.add("url", _absolute(session.get_absolute_url(), base_url))
    lines = [str(event.name)]
    if session.chatham_house or hides_attribution(session):
        lines.append(_("Chatham House rule: what is said may be used, but not attributed."))
    speakers = ", ".join(s.name for s in session.speakers.all())
    if speakers:
        lines.append(_("Speakers: %(names)s") % {"names": speakers})
    if session.description:
        lines.append(session.description)
    vevent.add("description", "\n\n".join(lines))
    if session.track:
        vevent.add("categories", [session.track])
    vevent.add("x-middleground-chatham-house", "TRUE" if hides_attribution(session) else "FALSE")
    return vevent


def event_vevent(event: Event, *, base_url: str = "", stamp: dt.datetime | None = None) -> VEvent:
    zone = ZoneInfo(event.time_zone)
    vevent = VEvent()
    vevent.add("uid", f"forum-event-{event.pk}@{_host()}")
    vevent.add("dtstamp", stamp or timezone.now())
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    vevent.add("summary", event.name)
    location = _location(event, event)
    if location:
        vevent.add("location", location)
    vevent.add("url", _absolute(event.get_absolute_url(), base_url))
    description = "\n\n".join(p for p in (event.theme, event.description) if p)
    if description:
        vevent.add("description", description)
    return vevent


def _finish(calendar: Calendar, spans: list[tuple[dt.datetime, dt.datetime]]) -> bytes:
    if spans:
        first = min(s for s, _e in spans) - dt.timedelta(days=1)
        last = max(e for _s, e in spans) + dt.timedelta(days=1)
        calendar.add_missing_timezones(first_date=first.date(), last_date=last.date())
    return calendar.to_ical()


def event_calendar(event: Event, sessions: Iterable[Session], *, base_url: str = "") -> bytes:
    """The event's programme: one VEVENT per session (agenda items included), or the event
    itself when it has no session yet."""
    calendar = _new_calendar(event.name)
    calendar.add("x-wr-timezone", event.time_zone)
    stamp = timezone.now()
    spans = [(event.starts_at, event.ends_at)]
    sessions = list(sessions)
    for session in sessions:
        calendar.add_component(session_vevent(session, base_url=base_url, stamp=stamp))
    if not sessions:
        calendar.add_component(event_vevent(event, base_url=base_url, stamp=stamp))
    return _finish(calendar, spans)


def session_calendar(session: Session, *, base_url: str = "") -> bytes:
    calendar = _new_calendar(session.title)
    calendar.add("x-wr-timezone", session.event.time_zone)
    calendar.add_component(session_vevent(session, base_url=base_url))
    return _finish(calendar, [(session.starts_at, session.ends_at)])


def agenda_sessions(user: Any) -> list[Session]:
    """The sessions on the person's agendas of live registrations, in events they may see."""
    sessions = (
        Session.objects.filter(
            agenda_of__user=user,
            agenda_of__status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING],
        )
        .select_related("event", "parent")
        .prefetch_related("speakers")
        .distinct()
        .order_by("starts_at", "position", "pk")
    )
    return [s for s in sessions if can_view_event(user, s.event)]


def agenda_calendar(user: Any, *, base_url: str = "") -> bytes:
    """The person's own agenda: the sessions they picked; for a confirmed registration with
    no session picked, the event itself. Each event's zone gets its VTIMEZONE."""
    from .models import Registration

    calendar = _new_calendar(_("My forum agenda"))
    stamp = timezone.now()
    spans = []
    sessions = agenda_sessions(user)
    for session in sessions:
        calendar.add_component(session_vevent(session, base_url=base_url, stamp=stamp))
        spans.append((session.starts_at, session.ends_at))
    with_sessions = {s.event_id for s in sessions}
    registrations = Registration.objects.filter(
        user=user, status=RegistrationStatus.CONFIRMED
    ).select_related("event")
    for registration in registrations:
        event = registration.event
        if event.pk in with_sessions or not can_view_event(user, event):
            continue
        calendar.add_component(event_vevent(event, base_url=base_url, stamp=stamp))
        spans.append((event.starts_at, event.ends_at))
    return _finish(calendar, spans)


# --- private feeds ------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_feed(*, user: Any) -> str:
    """A new private feed for ``user``; returns the token (shown once, stored hashed)."""
    if not user.is_authenticated:
        raise ServiceError.forbidden()
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token_hash=hash_token(token))
    record_audit(actor=user, action="forum.feed.create", target=feed)
    return token


@transaction.atomic
def revoke_feed(*, user: Any, feed: CalendarFeed) -> CalendarFeed:
    if not user.is_authenticated or feed.user_id != user.pk:
        raise ServiceError.forbidden()
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        record_audit(actor=user, action="forum.feed.revoke", target=feed)
    return feed


def feed_user(token: str) -> Any:
    """The owner of a live feed token; Http404 for an unknown or revoked one."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None or not feed.user.is_active:
        raise Http404
    return feed.user


def feeds_of(user: Any):
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")
