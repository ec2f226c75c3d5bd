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
    _check_the_timeline()
    counts = (Event.objects.count(), Registration.objects.count(), SessionOutput.objects.count())
    demo.load_demo()
    assert (
        Event.objects.count(),
        Registration.objects.count(),
        SessionOutput.objects.count(),
    ) == counts


def _check_the_timeline():
    """Nothing in the demo happens at an impossible time (it is loaded after its events)."""
    from middleground.consultations.models import AnalysisResult, Vote, VoteEvent

    for event in Event.objects.filter(is_demo=True):
        for r in event.registrations.all():
            assert r.queued_at < event.starts_at, r
            if r.confirmed_at is not None:
                assert r.queued_at <= r.confirmed_at < event.starts_at, r
            if r.checked_in_at is not None:
                assert event.starts_at <= r.checked_in_at <= event.ends_at, r
                for session in r.agenda.all():
                    assert r.checked_in_at <= session.starts_at, (r, session)
            if r.certificate_issued_at is not None:
                assert r.checked_in_at is not None and r.certificate_issued_at >= event.ends_at
        for session in event.sessions.all():
            assert event.starts_at <= session.starts_at < session.ends_at <= event.ends_at
            if hasattr(session, "minutes"):
                assert session.minutes.updated_at >= session.ends_at
            for output in session.outputs.all():
                assert output.added_at >= session.ends_at
            room = getattr(session, "live_room", None)
            if room is None:
                continue
            assert room.opened_at == session.starts_at
            cid = room.consultation_id
            times = [
                *VoteEvent.objects.filter(consultation_id=cid).values_list("created_at", flat=True),
                *Vote.objects.filter(consultation_id=cid).values_list("updated_at", flat=True),
                *AnalysisResult.objects.filter(consultation_id=cid).values_list(
                    "computed_at", flat=True
                ),
                *room.consultation.participants.values_list("created_at", flat=True),
                *room.consultation.statements.values_list("created_at", flat=True),
            ]
            outside = [t for t in times if not session.starts_at <= t <= session.ends_at]
            assert times and not outside, outside
