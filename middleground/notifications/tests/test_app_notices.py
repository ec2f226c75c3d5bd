"""Every app's notices: invitations that say what they are for, panels, reminders,
application decisions, task forces and saved searches, all through ``notify``."""

import datetime as dt

from django.core import mail
from django.utils import timezone

from middleground.accounts.models import User
from middleground.consultations import services as consultations
from middleground.consultations.models import Consultation, Status, Visibility
from middleground.delphi import services as delphi
from middleground.delphi.models import PanelSeat
from middleground.delphi.tests.factories import make_panellist, running_study
from middleground.network import services as network
from middleground.notifications.models import Notification, OutgoingMail


def _consultation(world, **overrides):
    data = {
        "title": "Water sharing in Central Asia (test)",
        "slug": "water-sharing",
        "question": "How should the Aral basin countries share water?",
        "visibility": Visibility.INVITED,
        "status": Status.OPEN,
        "created_by": world.users["alice"],
        "closes_at": timezone.now() + dt.timedelta(days=10),
    }
    data.update(overrides)
    return Consultation.objects.create(**data)


def test_an_existing_member_invited_to_a_consultation_is_notified_with_its_deadline(world):
    consultation = _consultation(world)
    alice, bob = world.users["alice"], world.users["bob"]
    alice.first_name, alice.last_name = "Alice", "Aliyeva"
    alice.save(update_fields=["first_name", "last_name"])
    reached = consultations.invite(
        actor=alice, consultation=consultation, emails=[bob.email], accept_url_base="x"
    )
    assert [i.email for i in reached] == [bob.email]
    notice = Notification.objects.get(recipient=bob, kind="consultation.invited")
    assert "Alice Aliyeva" in notice.title and consultation.title in notice.title
    assert notice.action_required and notice.due_at == consultation.closes_at
    assert notice.url == consultation.get_absolute_url()
    assert OutgoingMail.objects.filter(to=bob.email).exists()  # action required: mailed at once


def test_inviting_again_reaches_and_counts_nobody_twice(world, as_persona):
    consultation = _consultation(world)
    alice = world.users["alice"]
    emails = ["bob@example.org", "carol@example.org"]
    assert (
        len(
            consultations.invite(
                actor=alice, consultation=consultation, emails=emails, accept_url_base="x"
            )
        )
        == 2
    )
    response = as_persona("alice").post(
        f"/consultations/{consultation.slug}/invite/",
        {"emails": "bob@example.org dave@example.org"},
        follow=True,
    )
    assert "1 people invited." in response.content.decode()
    assert Notification.objects.filter(kind="consultation.invited").count() == 3


def test_the_invitation_mail_says_what_who_why_by_when_and_the_way_in(
    world, django_capture_on_commit_callbacks
):
    consultation = _consultation(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consultations.invite(
            actor=world.users["alice"],
            consultation=consultation,
            emails=["newcomer@example.org"],
            accept_url_base="http://testserver/accounts/invitations/accept",
        )
    [message] = [m for m in mail.outbox if m.to == ["newcomer@example.org"]]
    assert consultation.title in message.subject and "alice" in message.subject
    assert "How should the Aral basin countries share water?" in message.body  # why
    assert f"Deadline: {consultation.closes_at.astimezone(dt.UTC):%Y-%m-%d}" in message.body
    assert "http://testserver/accounts/invitations/accept/" in message.body
    assert consultation.get_absolute_url() in message.body  # straight to it after sign-up


def _study(world):
    """A running study whose panel is one other expert (bob is not on it yet)."""
    return running_study(world.users["alice"], [make_panellist("expert1", world.astana)])


def test_an_existing_member_added_to_a_panel_is_notified_and_counted(world, as_persona):
    study = _study(world)
    response = as_persona("alice").post(
        f"/delphi/{study.slug}/panel/", {"emails": "bob@example.org"}, follow=True
    )
    assert "1 invitation sent." in response.content.decode()
    bob = world.users["bob"]
    assert PanelSeat.objects.filter(study=study, user=bob).exists()
    notice = Notification.objects.get(recipient=bob, kind="delphi.invited")
    assert study.title in notice.title and notice.action_required
    assert notice.due_at == study.open_round().closes_at
    assert OutgoingMail.objects.filter(to=bob.email).count() == 1


def test_delphi_reminders_are_action_required_notices_due_at_the_round_close(world):
    study = _study(world)
    bob = world.users["bob"]
    delphi.invite_panel(
        actor=world.users["alice"], study=study, emails=[bob.email], accept_url_base="x"
    )
    assert delphi.send_reminders() == 2  # bob and expert1 have not answered
    assert delphi.send_reminders() == 0  # once a day
    reminder = Notification.objects.get(recipient=bob, kind="delphi.reminder")
    assert reminder.action_required and reminder.due_at == study.open_round().closes_at
    assert reminder.url == f"/delphi/{study.slug}/answer/"


def test_the_applicant_learns_the_secretariats_decision(world):
    network.decide_application(
        actor=world.users["alice"],
        application=world.application,
        approve=False,
        note="Please send your statutes.",
    )
    notice = Notification.objects.get(recipient=world.users["dave"])
    assert notice.kind == "network.application_decided" and not notice.action_required
    assert "not approved" in notice.title and notice.body == "Please send your statutes."


def test_an_institution_added_to_a_task_force_hears_it_through_its_focal_point(world):
    focal = User.objects.create_user("focal", "focal@example.org", "pw", institution=world.seoul)
    world.seoul.focal_point = focal
    world.seoul.save(update_fields=["focal_point"])
    network.save_task_force(
        actor=world.users["alice"],
        data={
            "name": "Digital trust (test)",
            "mandate": "Trust online.",
            "focus_area": world.security.slug,
            "chair": world.astana.pk,
            "members": [world.seoul.pk],
        },
    )
    notice = Notification.objects.get(recipient=focal, kind="network.task_force_added")
    assert notice.institution == world.seoul and "Digital trust (test)" in notice.title
    notices = Notification.objects.filter(kind="network.task_force_added")
    # editing without adding anyone notifies nobody again
    tf = world.task_force
    network.save_task_force(actor=world.users["alice"], data={"mandate": "More."}, task_force=tf)
    assert Notification.objects.filter(kind="network.task_force_added").count() == notices.count()
