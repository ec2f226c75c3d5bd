"""A digest run killed half-way and run again mails each person once (issue 21, faults).

The fast, deterministic part of ``benchmarks/faults.py`` case (d): there the run and the
worker get SIGKILL; here the run dies inside one person's digest with an exception that
nothing catches (what a kill leaves is what a rolled-back transaction leaves).
"""

import datetime as dt

import pytest

from middleground.notifications import digests
from middleground.notifications.digests import send_due_digests
from middleground.notifications.models import Notification, OutgoingMail
from middleground.notifications.services import notify

UTC = dt.UTC
MORNING = dt.datetime(2030, 3, 5, 6, 30, tzinfo=UTC)  # a Tuesday: the daily digest is due


class Killed(BaseException):
    """The process stops here: no ``except Exception`` sees it, nothing after it runs."""


def _pending(user, title):
    [made] = notify(kind="library.saved_search", title=title, url="/library/", recipients=[user])
    Notification.objects.filter(pk=made.pk).update(created_at=MORNING - dt.timedelta(hours=2))


def test_a_digest_run_killed_half_way_then_run_again_mails_each_person_once(
    world, monkeypatch, smtp_server, django_capture_on_commit_callbacks
):
    people = [world.users["bob"], world.users["carol"]]
    for person in people:
        _pending(person, f"News for {person.username}")
    real = digests._render
    rendered: list[int] = []

    def dies_at_the_second(user, items, unsubscribe_url):
        rendered.append(user.pk)
        if len(rendered) == 2:
            raise Killed
        return real(user, items, unsubscribe_url)

    monkeypatch.setattr(digests, "_render", dies_at_the_second)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Killed):
        send_due_digests(now=MORNING)
    first, second = (next(p for p in people if p.pk == pk) for pk in rendered)
    # the first digest is whole (mail and marks), the second left nothing behind
    assert OutgoingMail.objects.filter(to=first.email).count() == 1
    assert OutgoingMail.objects.filter(to=second.email).count() == 0
    assert not Notification.objects.filter(recipient=first, digested_at=None).exists()
    assert Notification.objects.filter(recipient=second, digested_at=None).count() == 1

    monkeypatch.setattr(digests, "_render", real)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_digests(now=MORNING + dt.timedelta(minutes=10)) == 1
        assert send_due_digests(now=MORNING + dt.timedelta(minutes=20)) == 0
    for person in people:
        assert OutgoingMail.objects.filter(to=person.email).count() == 1
        assert not Notification.objects.filter(recipient=person, digested_at=None).exists()
    received = sorted(message["To"] for message in smtp_server)
    assert received == sorted(p.email for p in people)
