"""The forum's demo: facts from the seed texts, a waiting list, a live room, minutes and
outputs; safe to run twice."""

import pytest
from django.core.management import call_command

from middleground.forum import demo
from middleground.forum.models import Event, Registration, SessionOutput

pytestmark = pytest.mark.django_db(transaction=False)


def test_demo_builds_the_seeded_events_and_is_safe_to_run_twice():
    call_command("demo", verbosity=0)
    attf = Event.objects.get(slug=demo.ATTF_SLUG)
    session = attf.sessions.get(title=demo.SESSION_TITLE)
    assert [s.name for s in session.speakers.all()] == ["Zhandos Shaimardanov"]
    assert "(demo)" in attf.description  # its dates are not in the seeds
    aif = Event.objects.get(slug=demo.AIF_SLUG)
    assert aif.theme == "Connecting Minds, Shaping the Future"
    assert aif.starts_at.date().isoformat() == "2025-05-29"
    statuses = dict(
        attf.registrations.filter(user__username__in=["bob", "carol"]).values_list(
            "user__username", "status"
        )
    )
    assert statuses == {"bob": "confirmed", "carol": "waiting"}
    assert attf.delegations.filter(head__username__startswith="rep-").count() >= 2
    room = session.live_room
    assert room.consultation.simulated and room.consultation.votes.count() > 0
    assert (
        session.minutes.attendance == attf.registrations.filter(checked_in_at__isnull=False).count()
    )
    assert set(session.outputs.values_list("kind", flat=True)) == {
        "statement",
        "document",
        "paragraph",
    }
    counts = (Event.objects.count(), Registration.objects.count(), SessionOutput.objects.count())
    demo.load_demo()
    assert (
        Event.objects.count(),
        Registration.objects.count(),
        SessionOutput.objects.count(),
    ) == counts
