"""notify(): people and institutions as recipients, preferences, reminders and escalation,
and each person sees only their own notices (pages and API)."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from conftest import client_for
from middleground.accounts.models import Role, User
from middleground.core.errors import ServiceError
from middleground.network import services as network_services
from middleground.notifications import periodic, selectors, services
from middleground.notifications.models import Frequency, Notification, OutgoingMail


@pytest.fixture
def seoul_reps(world):
    """carol is Seoul's focal point; erin, another representative, its deputy."""
    erin = User.objects.create_user(
        "erin", "erin@example.org", "x", role=Role.REPRESENTATIVE, institution=world.seoul
    )
    seoul = network_services.update_institution(
        actor=world.users["alice"],
        institution=world.seoul,
        data={"focal_point": world.users["carol"].pk, "deputy": erin.pk},
    )
    return seoul, world.users["carol"], erin


def _action(institution, due_in=dt.timedelta(hours=30), **kwargs):
    return services.notify(
        kind="consultation.invited",
        title="Endorse the statement",
        url="/consultations/",
        institution=institution,
        action_required=True,
        due_at=timezone.now() + due_in,
        **kwargs,
    )


def test_an_institutions_notice_reaches_its_focal_point_and_after_the_reminder_its_deputy(
    seoul_reps, django_capture_on_commit_callbacks
):
    seoul, carol, erin = seoul_reps
    with django_capture_on_commit_callbacks(execute=True):
        made = _action(seoul, due_in=dt.timedelta(days=5))
    assert [n.recipient for n in made] == [carol]
    assert made[0].institution == seoul
    assert [m.to[0] for m in mail.outbox] == ["carol@example.org"]  # action required: at once

    # days before the deadline: no reminder, no copy yet
    with django_capture_on_commit_callbacks(execute=True):
        assert periodic.remind_and_escalate() == (0, 0)
    assert not Notification.objects.filter(recipient=erin).exists()

    # within 48 h of the deadline and carol has not acted: a reminder, and erin gets a copy
    soon = timezone.now() + dt.timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True):
        assert periodic.remind_and_escalate(now=soon) == (1, 1)
    notice = Notification.objects.get(pk=made[0].pk)
    assert notice.reminded_at and notice.escalated_at
    copy = Notification.objects.get(recipient=erin)
    assert copy.action_required and copy.due_at == notice.due_at
    assert seoul.name in copy.title
    assert sorted(m.to[0] for m in mail.outbox) == [
        "carol@example.org",
        "carol@example.org",
        "erin@example.org",
    ]
    assert "Reminder" in mail.outbox[1].subject

    # once only
    with django_capture_on_commit_callbacks(execute=True):
        assert periodic.remind_and_escalate(now=soon) == (0, 0)
    assert Notification.objects.filter(recipient=erin).count() == 1


def test_a_notice_done_before_the_reminder_is_neither_reminded_nor_escalated(
    seoul_reps, django_capture_on_commit_callbacks
):
    seoul, carol, erin = seoul_reps
    made = _action(seoul, due_in=dt.timedelta(days=5))
    services.mark_done(user=carol, notification_id=made[0].pk)
    soon = timezone.now() + dt.timedelta(days=4)
    assert periodic.remind_and_escalate(now=soon) == (0, 0)
    assert not Notification.objects.filter(recipient=erin).exists()


def test_an_institution_without_focal_point_notifies_its_representatives(world):
    made = services.notify(
        kind="network.task_force_added", title="Added", url="/", institution=world.seoul
    )
    assert [n.recipient.username for n in made] == ["carol"]


def test_never_for_information_still_lets_action_required_notices_through(
    world, django_capture_on_commit_callbacks
):
    bob = world.users["bob"]
    services.update_preference(user=bob, information_mail=Frequency.NEVER)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(kind="library.saved_search", title="News", url="/", recipients=[bob])
        services.notify(
            kind="delphi.round_open",
            title="Answer round 2",
            url="/delphi/",
            recipients=[bob],
            action_required=True,
            due_at=timezone.now() + dt.timedelta(days=3),
        )
    assert [m.subject for m in mail.outbox] == ["Answer round 2"]
    assert Notification.objects.filter(recipient=bob).count() == 2  # both in-app


def test_immediately_mails_information_at_once_and_daily_waits_for_the_digest(
    world, django_capture_on_commit_callbacks
):
    bob = world.users["bob"]
    services.update_preference(
        user=bob, information_mail="daily", per_kind={"library.saved_search": "immediately"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        quick = services.notify(kind="library.saved_search", title="Now", url="/", recipients=[bob])
        later = services.notify(kind="delphi.reminder", title="Later", url="/", recipients=[bob])
    assert [m.subject for m in mail.outbox] == ["Now"]
    quick[0].refresh_from_db()
    later[0].refresh_from_db()
    assert quick[0].emailed_at is not None and later[0].emailed_at is None


def test_a_followed_targets_frequency_overrides_the_default(world):
    bob, task_force = world.users["bob"], world.task_force
    services.update_preference(user=bob, information_mail="never")
    services.follow(user=bob, target=task_force, frequency="immediately")
    key = ("network.taskforce", str(task_force.pk))
    assert selectors.information_frequency(bob, "network.task_force_added", *key) == "immediately"
    assert selectors.information_frequency(bob, "network.task_force_added") == "never"
    made = services.notify(
        kind="network.task_force_added", title="News", url="/", recipients=[bob], target=task_force
    )
    assert OutgoingMail.objects.filter(to="bob@example.org").count() == 1
    assert made[0].target_type == "network.taskforce"


def test_each_person_gets_one_notice_and_the_actor_none(world):
    bob, carol = world.users["bob"], world.users["carol"]
    made = services.notify(
        kind="x.y",
        title="t",
        url="/",
        recipients=[bob, bob, carol],
        institution=world.seoul,
        actor=carol,
    )
    assert [n.recipient for n in made] == [bob]


def test_no_one_sees_or_marks_another_persons_notifications(world):
    bob, carol = world.users["bob"], world.users["carol"]
    (notice,) = services.notify(kind="x.y", title="For bob", url="/", recipients=[bob])
    assert list(selectors.notifications_for(carol)) == []
    carol_client = client_for(world, "carol")
    assert b"For bob" not in carol_client.get("/notifications/").content
    assert carol_client.post(f"/notifications/{notice.pk}/read/").status_code == 404
    listed = carol_client.get("/api/v1/notifications").json()
    assert listed["count"] == 0
    assert carol_client.post(f"/api/v1/notifications/{notice.pk}/read").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_list_puts_open_action_required_notices_first_with_their_due_date(world):
    bob = world.users["bob"]
    services.notify(kind="a", title="Old news", url="/", recipients=[bob])
    services.notify(
        kind="b",
        title="Act soon",
        url="/",
        recipients=[bob],
        action_required=True,
        due_at=timezone.now() + dt.timedelta(days=2),
    )
    services.notify(kind="a", title="Fresh news", url="/", recipients=[bob])
    titles = [n.title for n in selectors.notifications_for(bob)]
    assert titles == ["Act soon", "Fresh news", "Old news"]
    page = client_for(world, "bob").get("/notifications/").content.decode()
    assert page.index("Act soon") < page.index("Fresh news") < page.index("Old news")
    assert "Action required" in page and "Due" in page


def test_marking_read_and_done_updates_the_bell(world):
    bob = world.users["bob"]
    client = client_for(world, "bob")
    (notice,) = services.notify(
        kind="b", title="Act", url="/", recipients=[bob], action_required=True
    )
    assert 'class="bell-count"' in client.get("/notifications/preferences/").content.decode()
    response = client.post(f"/notifications/{notice.pk}/done/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"Done" in response.content
    notice.refresh_from_db()
    assert notice.done_at and notice.read_at
    assert 'class="bell-count"' not in client.get("/notifications/preferences/").content.decode()
    assert selectors.unread_count(bob) == 0


def test_the_bell_costs_one_query_and_only_for_signed_in_people(world, django_assert_num_queries):
    from django.test import RequestFactory

    from middleground.accounts.models import Visitor
    from middleground.notifications.context_processors import bell

    request = RequestFactory().get("/")
    request.user = Visitor()
    assert bell(request) == {}
    request.user = world.users["bob"]
    services.notify(kind="a", title="t", url="/", recipients=[world.users["bob"]])
    context = bell(request)
    with django_assert_num_queries(1):
        assert str(context["unread_notifications"]) == "1"


def test_the_api_lists_the_callers_notices_with_their_fields_and_marks_read(world):
    bob = world.users["bob"]
    due = timezone.now() + dt.timedelta(days=1)
    (notice,) = services.notify(
        kind="delphi.round_open",
        title="Round",
        url="/delphi/x/",
        recipients=[bob],
        action_required=True,
        due_at=due,
    )
    client = client_for(world, "bob")
    body = client.get("/api/v1/notifications?limit=10").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["kind"] == "delphi.round_open" and item["action_required"] is True
    assert item["url"] == "/delphi/x/" and item["read_at"] is None and item["due_at"]
    assert client.post(f"/api/v1/notifications/{notice.pk}/read").json()["read_at"]


def test_preferences_page_saves_frequency_kind_time_zone_and_hour(world):
    client = client_for(world, "bob")
    response = client.post(
        "/notifications/preferences/",
        {
            "information_mail": "weekly",
            "time_zone": "Asia/Almaty",
            "digest_hour": "7",
            "kind:delphi.reminder": "never",
        },
    )
    assert response.status_code == 302
    preference = selectors.preference_for(world.users["bob"])
    assert (preference.information_mail, preference.time_zone, preference.digest_hour) == (
        "weekly",
        "Asia/Almaty",
        7,
    )
    assert preference.per_kind == {"delphi.reminder": "never"}
    assert preference.frequency_for("delphi.reminder") == "never"
    bad = client.post(
        "/notifications/preferences/",
        {"information_mail": "weekly", "time_zone": "Mars/Base", "digest_hour": "7"},
    )
    assert bad.status_code == 200 and b'role="alert"' in bad.content


def test_follows_are_listed_with_their_frequency_and_can_be_unfollowed(world):
    bob = world.users["bob"]
    follow = services.follow(user=bob, target=world.task_force)
    client = client_for(world, "bob")
    page = client.get("/notifications/preferences/").content.decode()
    assert world.task_force.name in page
    client.post(f"/notifications/follows/{follow.pk}/", {"frequency": "weekly"})
    follow.refresh_from_db()
    assert follow.frequency == "weekly"
    client.post(f"/notifications/follows/{follow.pk}/unfollow/")
    assert not selectors.follows_for(bob).exists()


def test_focal_point_and_deputy_must_be_representatives_of_the_institution(world):
    alice, bob, carol = world.users["alice"], world.users["bob"], world.users["carol"]
    with pytest.raises(ServiceError) as refused:
        network_services.update_institution(
            actor=alice, institution=world.seoul, data={"focal_point": bob.pk}
        )
    assert refused.value.field == "focal_point"
    with pytest.raises(ServiceError):
        network_services.update_institution(
            actor=alice, institution=world.astana, data={"deputy": carol.pk}
        )
    # carol names herself on her institution's edit page
    client = client_for(world, "carol")
    page = client.get(f"/network/institutions/{world.seoul.slug}/edit/").content.decode()
    assert "Focal point" in page and "Deputy" in page
    response = client.patch(
        f"/api/v1/network/institutions/{world.seoul.pk}",
        {"focal_point": carol.pk},
        content_type="application/json",
    )
    assert response.status_code == 200
    world.seoul.refresh_from_db()
    assert world.seoul.focal_point == carol


def test_an_institutions_people_each_get_the_notice_in_their_own_language(world):
    from django.utils.translation import gettext as _

    seoul = world.seoul
    carol = world.users["carol"]
    User.objects.filter(pk=carol.pk).update(preferred_language="ru")
    colleague = User.objects.create_user(
        "minji", "minji@example.org", "x", role=Role.REPRESENTATIVE, institution=seoul
    )
    made = services.notify(
        kind="test.language",
        title=lambda: _("Institutions"),
        body=lambda: _("Sign in"),
        url="/",
        institution=seoul,
    )
    titles = {n.recipient.username: (n.title, n.body) for n in made}
    assert titles["minji"] == ("Institutions", "Sign in")
    assert titles["carol"][0] != "Institutions" and titles["carol"][1] != "Sign in"
    assert colleague.pk in {n.recipient_id for n in made}


def test_information_mailed_at_once_offers_one_click_unsubscribe_and_a_request_to_act_does_not(
    world, django_capture_on_commit_callbacks
):
    bob = world.users["bob"]
    services.update_preference(user=bob, information_mail="immediately")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(kind="library.saved_search", title="News", url="/", recipients=[bob])
        services.notify(
            kind="delphi.reminder",
            title="Act",
            url="/",
            recipients=[bob],
            action_required=True,
            due_at=timezone.now() + dt.timedelta(days=3),
        )
    headers = {m.subject: m.extra_headers for m in mail.outbox}
    assert headers["News"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/unsubscribe/" in headers["News"]["List-Unsubscribe"]
    assert "List-Unsubscribe" not in headers["Act"]
