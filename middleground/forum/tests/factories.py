"""Builders for forum tests, from rows directly, so each part can be tested on its own."""

import datetime as dt

from django.utils import timezone

from middleground.forum.models import (
    Event,
    EventStatus,
    RegistrationType,
    Session,
    Speaker,
)


def event(world, *, name="Astana test forum", days_ahead=30, capacity=2, **fields) -> Event:
    """A published public event (Asia/Almaty) of two days with two sessions, a speaker, and
    one registration type with ``capacity`` places including both sessions."""
    start = (timezone.now() + dt.timedelta(days=days_ahead)).replace(
        hour=4, minute=0, second=0, microsecond=0
    )
    created = Event.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        starts_at=start,
        ends_at=start + dt.timedelta(days=1, hours=8),
        time_zone="Asia/Almaty",
        venue="Palace of Independence",
        city="Astana",
        status=EventStatus.PUBLISHED,
        registration_open=True,
        created_by=world.users["alice"],
        **fields,
    )
    created.organisers.set([world.astana])
    speaker = Speaker.objects.create(
        event=created,
        name="Bob Bekov",
        slug="bob-bekov",
        position="Research fellow",
        institution=world.astana,
        expert=world.bob_profile,
        user=world.users["bob"],
    )
    opening = Session.objects.create(
        event=created,
        title="Opening plenary",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1, minutes=30),
        room="Main hall",
        track="Plenary",
        format="plenary",
    )
    panel = Session.objects.create(
        event=created,
        title="Central Asia in the changing architecture of global security",
        starts_at=start + dt.timedelta(hours=2),
        ends_at=start + dt.timedelta(hours=3, minutes=30),
        room="Room B",
        track="Security",
        moderator=speaker,
    )
    panel.speakers.set([speaker])
    panel.hosts.set([world.users["bob"]])
    general = RegistrationType.objects.create(event=created, name="General", capacity=capacity)
    general.sessions.set([opening, panel])
    return created
