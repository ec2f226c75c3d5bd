"""After an event has ended its registrations are a record: nobody cancels, registers,
changes an agenda or a delegation any more, and the pages offer none of it."""

import datetime as dt

import pytest
from django.utils import timezone

from middleground.core.errors import ServiceError
from middleground.forum import registration
from middleground.forum.models import Event, Registration, RegistrationType
from middleground.notifications.models import Notification

from .factories import event


@pytest.fixture
def ended(world):
    """An event with bob confirmed, carol waiting, and a Seoul delegation (a delegate and a
    substitute), which then ends: its dates move a day into the past."""
    forum = event(world, capacity=1)
    general = forum.registration_types.get()
    delegates = RegistrationType.objects.create(
        event=forum, name="Delegations", capacity=10, delegates_only=True, position=1
    )
    delegates.sessions.set(forum.sessions.all())
    bob = registration.register(actor=world.users["bob"], event=forum, registration_type=general)
    carol = registration.register(
        actor=world.users["carol"], event=forum, registration_type=general
    )
    seoul = registration.set_delegation(
        actor=world.users["alice"],
        event=forum,
        institution=world.seoul,
        quota=2,
        substitutes_quota=1,
        head=world.users["carol"],
    )
    from middleground.accounts.models import User

    people = [User.objects.create_user(f"kr{i}", institution=world.seoul) for i in range(3)]
    head = world.users["carol"]
    dele = registration.name_delegate(actor=head, delegation=seoul, user=people[0])
    sub = registration.name_delegate(actor=head, delegation=seoul, user=people[1], substitute=True)
    return forum, bob, carol, seoul, dele, sub, people


def _end(forum):
    now = timezone.now()
    Event.objects.filter(pk=forum.pk).update(
        starts_at=now - dt.timedelta(days=2), ends_at=now - dt.timedelta(minutes=1)
    )
    forum.refresh_from_db()


def _state(forum):
    return sorted(
        Registration.objects.filter(event=forum).values_list(
            "pk", "status", "is_substitute", "cancelled_at"
        )
    )


def test_nothing_changes_after_the_end_with_a_clear_error(world, ended):
    forum, bob, carol, seoul, dele, sub, people = ended
    _end(forum)
    before = _state(forum)
    agenda = set(bob.agenda.values_list("pk", flat=True))
    notes = Notification.objects.count()
    for attempt in (
        lambda: registration.cancel(actor=world.users["bob"], registration=bob),
        lambda: registration.cancel(actor=world.users["alice"], registration=bob),  # secretariat
        lambda: registration.cancel(actor=world.users["carol"], registration=dele),  # the head
        lambda: registration.set_agenda(
            actor=world.users["bob"], registration=bob, sessions=list(forum.sessions.all())
        ),
        lambda: registration.name_delegate(
            actor=world.users["carol"], delegation=seoul, user=people[2]
        ),
        lambda: registration.swap_substitute(
            actor=world.users["carol"], delegation=seoul, substitute=sub, delegate=dele
        ),
    ):
        with pytest.raises(ServiceError, match="has ended"):
            attempt()
    with pytest.raises(ServiceError, match="closed"):
        registration.register(
            actor=world.users["dave"],
            event=forum,
            registration_type=forum.registration_types.get(name="General"),
        )
    assert _state(forum) == before
    assert set(bob.agenda.values_list("pk", flat=True)) == agenda
    assert Notification.objects.count() == notes


def test_the_pages_and_the_api_offer_and_do_nothing_after_the_end(world, ended, as_persona):
    forum, bob, carol, seoul, dele, sub, people = ended
    mine = f"/forum/{forum.slug}/registration/"
    team = f"/forum/{forum.slug}/delegations/{seoul.pk}/"
    open_page = as_persona("bob").get(mine).content.decode()
    assert "Cancel my registration" in open_page and "Choose my sessions" in open_page
    open_team = as_persona("carol").get(team).content.decode()
    assert 'value="remove"' in open_team and 'value="swap"' in open_team
    _end(forum)
    before = _state(forum)
    page = as_persona("bob").get(mine).content.decode()
    assert "Cancel my registration" not in page and "Choose my sessions" not in page
    assert "can no longer be changed" in page
    team_page = as_persona("carol").get(team).content.decode()
    assert 'value="remove"' not in team_page and 'value="swap"' not in team_page
    assert 'value="name"' not in team_page and "can no longer be changed" in team_page
    # posting anyway: refused with the reason, nothing stored
    refused = as_persona("bob").post(f"/forum/{forum.slug}/registration/cancel/", follow=True)
    assert "has ended" in refused.content.decode()
    removed = as_persona("carol").post(
        team, {"action": "remove", "registration": dele.pk}, follow=True
    )
    assert "has ended" in removed.content.decode()
    gone = as_persona("bob").delete(f"/api/v1/events/{forum.pk}/registrations/me")
    assert gone.status_code == 400 and "has ended" in gone.json()["detail"]
    assert _state(forum) == before
