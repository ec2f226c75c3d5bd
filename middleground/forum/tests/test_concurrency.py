"""Registrations racing for places, in threads against the real database.

On PostgreSQL (``DATABASE_URL``) the RegistrationType row lock serialises the counts. On
SQLite the in-memory test database cannot take concurrent writers, so the test copies it
into a file database (WAL, IMMEDIATE transactions, the project's busy timeout) and points
the connections there for the test: writers then queue as in production.
"""

import sqlite3
import threading

import pytest
from django.db import connection, connections

from middleground.accounts.models import User
from middleground.core.errors import ServiceError
from middleground.forum import registration
from middleground.forum.models import Registration, RegistrationType
from middleground.notifications.models import Notification

from .factories import event

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def real_database(transactional_db, tmp_path):
    """The default database as concurrent threads see it (a file for SQLite)."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    settings_dict = connections.settings["default"]
    memory_name = settings_dict["NAME"]
    path = tmp_path / "race.sqlite3"
    connection.ensure_connection()
    # the in-memory database lives while a connection to it is open: keep one
    keeper = sqlite3.connect(memory_name, uri=True)
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    for d in {
        id(settings_dict): settings_dict,
        id(connection.settings_dict): connection.settings_dict,
    }.values():
        d["NAME"] = str(path)
    connection.close()  # a file database now: really closed, reopened on the file
    try:
        yield
    finally:
        connections.close_all()
        for d in (settings_dict, connection.settings_dict):
            d["NAME"] = memory_name
        connection.ensure_connection()  # back on the in-memory database, before the keeper goes
        keeper.close()


def race(functions):
    """Run the functions in threads released together; returns results or exceptions."""
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)

    def run(i, function):
        try:
            barrier.wait()
            results[i] = function()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_twelve_racing_for_five_places_gives_five_confirmed_and_seven_in_order(
    real_database, world
):
    forum = event(world, capacity=5)
    general = RegistrationType.objects.get(event=forum, name="General")
    people = [User.objects.create_user(f"racer{i}", f"racer{i}@example.org") for i in range(12)]

    results = race(
        [
            (lambda p=p: registration.register(actor=p, event=forum, registration_type=general))
            for p in people
        ]
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    rows = list(Registration.objects.filter(type=general).order_by("queued_at", "pk"))
    assert len(rows) == 12
    assert [r.status for r in rows] == ["confirmed"] * 5 + ["waiting"] * 7
    waiting = [r for r in rows if r.status == "waiting"]
    assert [registration.waiting_position(r) for r in waiting] == [1, 2, 3, 4, 5, 6, 7]

    first_confirmed, first_waiting = rows[0], waiting[0]
    registration.cancel(actor=first_confirmed.user, registration=first_confirmed)
    first_waiting.refresh_from_db()
    assert first_waiting.status == "confirmed"
    assert Registration.objects.filter(type=general, status="confirmed").count() == 5
    assert [
        registration.waiting_position(r.__class__.objects.get(pk=r.pk)) for r in waiting[1:]
    ] == [1, 2, 3, 4, 5, 6]
    assert (
        Notification.objects.filter(recipient=first_waiting.user, kind="forum.promoted").count()
        == 1
    )


def test_two_namings_at_once_never_exceed_the_quota(real_database, world):
    forum = event(world, capacity=5)
    RegistrationType.objects.create(
        event=forum, name="Delegations", capacity=10, delegates_only=True
    )
    alice, carol = world.users["alice"], world.users["carol"]
    seoul = registration.set_delegation(
        actor=alice, event=forum, institution=world.seoul, quota=1, substitutes_quota=0, head=carol
    )
    a = User.objects.create_user("seoul_a", institution=world.seoul)
    b = User.objects.create_user("seoul_b", institution=world.seoul)

    results = race(
        [
            lambda: registration.name_delegate(actor=carol, delegation=seoul, user=a),
            lambda: registration.name_delegate(actor=alice, delegation=seoul, user=b),
        ]
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ServiceError), results
    assert errors[0].field == "user"
    assert "1 of 1 delegates" in errors[0].message
    live = Registration.objects.filter(delegation=seoul, status__in=["confirmed", "waiting"])
    assert live.count() == 1


def test_a_place_freed_during_a_rush_goes_to_the_first_in_line(real_database, world):
    """A cancellation racing with newcomers: the freed place goes to the person who waited
    longest, never to a newcomer, and the newcomers queue behind those already waiting."""
    forum = event(world, capacity=2)
    general = RegistrationType.objects.get(event=forum, name="General")
    early = [User.objects.create_user(f"early{i}", f"early{i}@example.org") for i in range(4)]
    made = [registration.register(actor=p, event=forum, registration_type=general) for p in early]
    assert [r.status for r in made] == ["confirmed", "confirmed", "waiting", "waiting"]
    newcomers = [User.objects.create_user(f"new{i}", f"new{i}@example.org") for i in range(5)]

    results = race(
        [lambda: registration.cancel(actor=early[0], registration=made[0])]
        + [
            (lambda p=p: registration.register(actor=p, event=forum, registration_type=general))
            for p in newcomers
        ]
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    confirmed = Registration.objects.filter(type=general, status="confirmed")
    assert sorted(confirmed.values_list("user__username", flat=True)) == ["early1", "early2"]
    waiting = list(
        Registration.objects.filter(type=general, status="waiting").order_by("queued_at", "pk")
    )
    assert waiting[0].user.username == "early3"  # already waiting: first in line
    assert {r.user.username for r in waiting[1:]} == {f"new{i}" for i in range(5)}
    assert [registration.waiting_position(r) for r in waiting] == [1, 2, 3, 4, 5, 6]
