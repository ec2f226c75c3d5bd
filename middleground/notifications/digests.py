"""One digest per person: a daily or weekly mail at a local hour, each notice in it once.

``manage.py run_periodic`` calls :func:`send_due_digests` every hour (``periodic.run``).

A person's digest carries their notices that have not reached them yet (neither mailed on
their own nor in an earlier digest, not read, not done), newest first, grouped into what
needs their action and what is for their information. Each notice's frequency is the one
of :func:`selectors.information_frequency` (a followed thing's own, then the kind's, then
the person's default); "never" keeps information out of mail (it stays on the notifications
page), while action-required notices always go.

When is it due? The daily slot is the latest ``digest_hour`` (the person's time zone) that
has passed; the weekly slot the latest such hour on a Monday. A digest goes out when the
person had none since the slot (the newest ``digested_at`` of their notices marks the last
one), so a missed hourly run catches up and a second run sends nothing. Someone who never had
a digest gets their first at the next run.
"""

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from middleground.accounts.models import User

from . import selectors, services, unsubscribe
from .models import Frequency, Notification

logger = logging.getLogger(__name__)

__all__ = ["digest_slots", "due_items", "send_due_digests"]

#: cron may start the hourly run a little early: 05:55 still counts as the 06:00 digest
SLACK = dt.timedelta(minutes=10)
WEEKLY_DAY = 0  # Monday
MAX_ITEMS = 100  # a digest lists at most this many notices; the rest waits for the next


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def digest_slots(now: dt.datetime, *, time_zone: str, hour: int) -> tuple[dt.datetime, dt.datetime]:
    """The latest daily and weekly digest times at or before ``now`` (+ slack), aware."""
    zone = _zone(time_zone)
    local = (now + SLACK).astimezone(zone)
    hour = min(max(int(hour), 0), 23)

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)

    day = local.date()
    daily = at(day) if at(day) <= local else at(day - dt.timedelta(days=1))
    back = (daily.weekday() - WEEKLY_DAY) % 7
    weekly = at(daily.date() - dt.timedelta(days=back))
    return daily, weekly


def _pending(user: Any):
    return Notification.objects.filter(
        recipient=user,
        emailed_at__isnull=True,
        digested_at__isnull=True,
        read_at__isnull=True,
        done_at__isnull=True,
    )


def due_items(user: Any, now: dt.datetime) -> list[Notification]:
    """The notices that this person's digest due at ``now`` carries, newest first."""
    preference = selectors.preference_for(user)
    daily, weekly = digest_slots(now, time_zone=preference.time_zone, hour=preference.digest_hour)
    last = Notification.objects.filter(recipient=user).aggregate(last=Max("digested_at"))["last"]
    daily_due = last is None or last < daily
    weekly_due = last is None or last < weekly
    if not daily_due:
        return []  # the weekly slot is never later than the daily one
    items = []
    for item in _pending(user).filter(created_at__lte=now).order_by("-created_at", "-id"):
        if item.action_required:
            items.append(item)  # not mailed at once (no address then): it goes now
            continue
        frequency = selectors.information_frequency(
            user, item.kind, item.target_type, item.target_id, preference=preference
        )
        if frequency in (Frequency.DAILY, Frequency.IMMEDIATELY) or (
            frequency == Frequency.WEEKLY and weekly_due
        ):
            items.append(item)
        if len(items) >= MAX_ITEMS:
            break
    return items


def _render(user: Any, items: list[Notification], unsubscribe_url: str) -> tuple[str, str, str]:
    action = [i for i in items if i.action_required]
    information = [i for i in items if not i.action_required]
    context = {
        "user": user,
        "time_zone": selectors.preference_for(user).time_zone or "UTC",
        "action": action,
        "information": information,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": services.absolute_url("/notifications/preferences/"),
        "site_url": services.absolute_url("/"),
        "absolute": {i.pk: services.absolute_url(i.url) if i.url else "" for i in items},
    }
    notices = ngettext("%(n)d new notice", "%(n)d new notices", len(items)) % {"n": len(items)}
    subject = _("Middle Ground: %(notices)s") % {"notices": notices}
    if action:
        needs = ngettext("%(a)d needs your action", "%(a)d need your action", len(action)) % {
            "a": len(action)
        }
        subject = _("Middle Ground: %(needs)s, %(notices)s") % {"needs": needs, "notices": notices}
    body = render_to_string("notifications/digest.txt", context)
    html = render_to_string("notifications/digest.html", context)
    return subject, body, html


def send_digest(*, user: Any, now: dt.datetime) -> bool:
    """Send this person's digest if one is due and has something new; True if queued."""
    if not user.email or not user.is_active:
        return False
    with transaction.atomic():
        # lock the person's row: two runs at once cannot both send the same items
        User.objects.select_for_update().filter(pk=user.pk).first()
        items = due_items(user, now)
        if not items:
            return False
        headers = unsubscribe.headers_for(user, unsubscribe.ALL)
        with translation.override(user.preferred_language or "en"):
            subject, body, html = _render(user, items, headers["List-Unsubscribe"][1:-1])
        services.queue_mail(
            to=user.email, subject=subject, body=body, html=html, headers=headers, user=user
        )
        Notification.objects.filter(pk__in=[i.pk for i in items]).update(digested_at=now)
    return True


def send_due_digests(now: dt.datetime | None = None) -> int:
    """Queue every digest that is due at ``now``; returns how many were queued."""
    now = now or timezone.now()
    people = (
        _pending_everyone()
        .filter(created_at__lte=now)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for user in User.objects.filter(pk__in=list(people), is_active=True).exclude(email=""):
        try:
            sent += send_digest(user=user, now=now)
        except Exception:  # one person's broken data must not stop everyone's digest
            logger.exception("digest for user %s failed", user.pk)
    return sent


def _pending_everyone():
    return Notification.objects.filter(
        emailed_at__isnull=True,
        digested_at__isnull=True,
        read_at__isnull=True,
        done_at__isnull=True,
    )
