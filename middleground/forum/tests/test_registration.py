"""Registration through the pages and the services: waiting list, promotion, check-in,
certificates issued once, the organisers' CSV."""

import datetime as dt

import pytest
from django.utils import timezone

from middleground.accounts.models import User
from middleground.core.errors import ServiceError
from middleground.forum import registration
from middleground.forum.models import Registration, RegistrationType
from middleground.notifications.models import Notification

from .factories import event


def test_it_confirms_then_queues_and_promotes_on_cancel(world, as_persona):
    forum = event(world, capacity=1)
    general = forum.registration_types.get()
    bob, carol = world.users["bob"], world.users["carol"]
    first = registration.register(actor=bob, event=forum, registration_type=general)
    second = registration.register(actor=carol, event=forum, registration_type=general)
    assert (first.status, second.status) == ("confirmed", "waiting")
    assert registration.waiting_position(second) == 1
    assert Notification.objects.filter(recipient=carol, kind="forum.waiting").count() == 1
    page = as_persona("carol").get(f"/forum/{forum.slug}/registration/")
    assert b"number 1 on the waiting list" in page.content and second.code.encode() in page.content
    assert b"You leave the waiting list" in page.content
    assert (
        b"You leave the waiting list"
        not in as_persona("bob").get(page.request["PATH_INFO"]).content
    )
    assert as_persona("bob").post(f"/forum/{forum.slug}/registration/cancel/").status_code == 302
    second.refresh_from_db()
    assert second.status == "confirmed"
    assert Notification.objects.filter(recipient=carol, kind="forum.promoted").count() == 1


def test_raising_capacity_promotes_the_first_waiting(world):
    forum = event(world, capacity=0)
    general = forum.registration_types.get()
    made = registration.register(actor=world.users["dave"], event=forum, registration_type=general)
    assert made.status == "waiting"
    registration.set_capacity(actor=world.users["alice"], registration_type=general, capacity=1)
    made.refresh_from_db()
    assert made.status == "confirmed"


def test_delegates_only_type_is_refused_on_the_register_page(world, as_persona):
    forum = event(world)
    delegates = RegistrationType.objects.create(event=forum, name="Delegates", delegates_only=True)
    response = as_persona("bob").post(f"/forum/{forum.slug}/register/", {"type": delegates.pk})
    assert response.status_code == 200
    assert Registration.objects.count() == 0
    with pytest.raises(ServiceError) as err:
        registration.register(actor=world.users["bob"], event=forum, registration_type=delegates)
    assert err.value.field == "type"


def test_second_registration_is_refused_and_nothing_stored(world):
    forum = event(world)
    general = forum.registration_types.get()
    registration.register(actor=world.users["bob"], event=forum, registration_type=general)
    with pytest.raises(ServiceError, match="already registered"):
        registration.register(actor=world.users["bob"], event=forum, registration_type=general)
    assert Registration.objects.count() == 1


def test_agenda_only_from_the_sessions_of_the_type(world):
    forum = event(world)
    general = forum.registration_types.get()
    opening = forum.sessions.get(title="Opening plenary")
    general.sessions.set([opening])
    other = forum.sessions.exclude(pk=opening.pk).get()
    mine = registration.register(actor=world.users["bob"], event=forum, registration_type=general)
    with pytest.raises(ServiceError) as err:
        registration.set_agenda(actor=world.users["bob"], registration=mine, sessions=[other])
    assert err.value.field == "sessions" and mine.agenda.count() == 0
    registration.set_agenda(actor=world.users["bob"], registration=mine, sessions=[opening])
    assert list(mine.agenda.all()) == [opening]


def test_check_in_is_staff_only_and_a_second_scan_says_when(world, as_persona):
    forum = event(world)
    mine = registration.register(
        actor=world.users["bob"], event=forum, registration_type=forum.registration_types.get()
    )
    with pytest.raises(ServiceError):
        registration.check_in(actor=world.users["carol"], event=forum, code=mine.code)
    alice = as_persona("alice")
    first = alice.post(f"/forum/{forum.slug}/check-in/", {"code": mine.code.lower()})
    assert b"Checked in" in first.content
    mine.refresh_from_db()
    stamp = mine.checked_in_at
    assert stamp is not None
    again = alice.post(f"/forum/{forum.slug}/check-in/", {"code": mine.code})
    assert b"Already checked in at" in again.content
    mine.refresh_from_db()
    assert mine.checked_in_at == stamp
    unknown = alice.post(f"/forum/{forum.slug}/check-in/", {"code": "ZZZZ9999"})
    assert b"No registration for this event has the code ZZZZ9999" in unknown.content


def test_waiting_person_is_not_admitted(world):
    forum = event(world, capacity=0)
    waiting = registration.register(
        actor=world.users["bob"], event=forum, registration_type=forum.registration_types.get()
    )
    result = registration.check_in(actor=world.users["alice"], event=forum, code=waiting.code)
    assert not result.checked_in and not result.already
    waiting.refresh_from_db()
    assert waiting.checked_in_at is None


def test_certificate_only_after_check_in_and_the_end_and_issued_once(world, as_persona):
    forum = event(world, name="Past forum", days_ahead=-5)
    bob = world.users["bob"]
    mine = Registration.objects.create(
        event=forum, type=forum.registration_types.get(), user=bob, status="confirmed"
    )
    client = as_persona("bob")
    url = f"/forum/{forum.slug}/registration/certificate.pdf"
    assert client.get(url).status_code == 403  # not checked in
    Registration.objects.filter(pk=mine.pk).update(checked_in_at=forum.starts_at)
    first = client.get(url)
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    mine.refresh_from_db()
    issued = mine.certificate_issued_at
    assert issued is not None
    second = client.get(url)
    mine.refresh_from_db()
    assert mine.certificate_issued_at == issued
    assert second.content == first.content
    assert Notification.objects.filter(recipient=bob, kind="forum.certificate").count() == 1


def test_certificate_waits_for_the_end_of_the_event(world):
    forum = event(world)
    mine = Registration.objects.create(
        event=forum,
        type=forum.registration_types.get(),
        user=world.users["bob"],
        status="confirmed",
        checked_in_at=timezone.now() - dt.timedelta(hours=1),
    )
    with pytest.raises(ServiceError, match="after the event ends"):
        registration.issue_certificate(actor=world.users["bob"], registration=mine)
    mine.refresh_from_db()
    assert mine.certificate_issued_at is None


def test_csv_is_for_organisers_and_injection_safe(world, as_persona):
    forum = event(world)
    evil = User.objects.create_user("evil", first_name="=HYPERLINK(1)", last_name="x")
    registration.register(actor=evil, event=forum, registration_type=forum.registration_types.get())
    assert as_persona("bob").get(f"/forum/{forum.slug}/registrations.csv").status_code == 403
    text = as_persona("alice").get(f"/forum/{forum.slug}/registrations.csv").content.decode()
    assert "'=HYPERLINK(1) x" in text
    assert ",=HYPERLINK" not in text


def test_badge_png_is_the_own_code(world, as_persona):
    forum = event(world)
    registration.register(
        actor=world.users["bob"], event=forum, registration_type=forum.registration_types.get()
    )
    response = as_persona("bob").get(f"/forum/{forum.slug}/registration/badge.png")
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_api_register_and_cancel(world, as_persona):
    from middleground.testing import api_post

    forum = event(world, capacity=1)
    general = forum.registration_types.get()
    client = as_persona("dave")
    made = api_post(client, f"/api/v1/events/{forum.pk}/registrations", {"type": general.pk})
    assert made.status_code == 201 and made.json()["status"] == "confirmed"
    bad = api_post(as_persona("carol"), f"/api/v1/events/{forum.pk}/registrations", {"type": 0})
    assert bad.status_code == 400 and bad.json()["field"] == "type"
    gone = client.delete(f"/api/v1/events/{forum.pk}/registrations/me")
    assert gone.status_code == 200 and gone.json()["status"] == "cancelled"
