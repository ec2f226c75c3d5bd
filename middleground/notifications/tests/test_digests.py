"""One digest per person, at a local hour, in their language; one-click unsubscribe."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.test import Client

from middleground.notifications import unsubscribe
from middleground.notifications.digests import send_due_digests
from middleground.notifications.models import Follow, Notification, OutgoingMail, Preference
from middleground.notifications.services import notify

UTC = dt.UTC
# a Tuesday, 06:30 UTC: the default digest (06:00 UTC, daily) is due
MORNING = dt.datetime(2030, 3, 5, 6, 30, tzinfo=UTC)


def _info(user, title, created_at, **kwargs):
    [made] = notify(kind="library.saved_search", title=title, url="/library/", recipients=[user])
    Notification.objects.filter(pk=made.pk).update(created_at=created_at, **kwargs)
    return made


def _had_digest(user, at):
    """The person had a digest at ``at`` (an older item sent in it)."""
    _info(user, "old news", at - dt.timedelta(hours=1), digested_at=at)


def _digests_to(user):
    return list(OutgoingMail.objects.filter(to=user.email, subject__contains="notice"))


def test_it_sends_one_digest_per_person_per_period_and_never_repeats_an_item(world):
    bob, carol = world.users["bob"], world.users["carol"]
    _info(bob, "First for bob", MORNING - dt.timedelta(hours=5))
    _info(bob, "Second for bob", MORNING - dt.timedelta(hours=3))
    _info(carol, "For carol", MORNING - dt.timedelta(hours=2))
    assert send_due_digests(now=MORNING) == 2
    assert send_due_digests(now=MORNING + dt.timedelta(minutes=5)) == 0  # idempotent
    [mail] = _digests_to(bob)
    assert mail.subject == "Middle Ground: 2 new notices"
    assert _digests_to(carol)[0].subject == "Middle Ground: 1 new notice"
    assert "First for bob" in mail.body and "Second for bob" in mail.body
    assert "For carol" not in mail.body
    # an item arriving after the digest waits for the next period, and comes alone
    _info(bob, "Third for bob", MORNING + dt.timedelta(hours=1))
    assert send_due_digests(now=MORNING + dt.timedelta(hours=2)) == 0
    assert send_due_digests(now=MORNING + dt.timedelta(days=1)) == 1
    latest = OutgoingMail.objects.filter(to=bob.email).order_by("-id").first()
    assert "Third for bob" in latest.body and "First for bob" not in latest.body


def test_it_lists_the_newest_first_and_groups_action_apart_from_information(world):
    bob = world.users["bob"]
    _info(bob, "Older information", MORNING - dt.timedelta(hours=4))
    _info(bob, "Newer information", MORNING - dt.timedelta(hours=1))
    [action] = notify(
        kind="delphi.reminder",
        title="Answer round 2",
        url="/delphi/",
        recipients=[bob],
        action_required=True,
        due_at=MORNING + dt.timedelta(days=2),
    )
    # it was not mailed on its own (no address at the time): the digest carries it
    Notification.objects.filter(pk=action.pk).update(
        emailed_at=None, created_at=MORNING - dt.timedelta(hours=2)
    )
    assert send_due_digests(now=MORNING) == 1
    [digest] = _digests_to(bob)
    assert digest.subject == "Middle Ground: 1 needs your action, 3 new notices"
    body = digest.body
    assert body.index("Needs your action") < body.index("Answer round 2")
    assert body.index("Answer round 2") < body.index("For your information")
    assert body.index("Newer information") < body.index("Older information")
    assert "due 2030-03-07" in body


def test_an_item_mailed_on_its_own_is_not_repeated_in_the_digest(world):
    bob = world.users["bob"]
    Preference.objects.create(user=bob, information_mail="immediately")
    notify(kind="library.saved_search", title="Sent at once", url="/x/", recipients=[bob])
    Notification.objects.update(created_at=MORNING - dt.timedelta(hours=1))
    assert OutgoingMail.objects.filter(to=bob.email, subject="Sent at once").exists()
    assert send_due_digests(now=MORNING) == 0


def test_it_writes_the_digest_in_the_persons_language(world):
    bob = world.users["bob"]
    bob.preferred_language = "ru"
    bob.save(update_fields=["preferred_language"])
    _info(bob, "Aral", MORNING - dt.timedelta(hours=1))
    assert send_due_digests(now=MORNING) == 1
    mail = OutgoingMail.objects.get(to=bob.email)
    assert "Aral" in mail.body
    assert '<html lang="ru">' in mail.html  # rendered under the person's language


def test_it_waits_for_the_local_digest_hour_in_the_persons_time_zone(world):
    bob = world.users["bob"]
    # Almaty is UTC+5: 06:00 there is 01:00 UTC
    Preference.objects.create(user=bob, time_zone="Asia/Almaty", digest_hour=6)
    _had_digest(bob, dt.datetime(2030, 3, 4, 1, 0, tzinfo=UTC))  # yesterday's
    _info(bob, "Water data", dt.datetime(2030, 3, 4, 12, 0, tzinfo=UTC))
    assert send_due_digests(now=dt.datetime(2030, 3, 5, 0, 30, tzinfo=UTC)) == 0  # 05:30 local
    assert send_due_digests(now=dt.datetime(2030, 3, 5, 1, 5, tzinfo=UTC)) == 1  # 06:05 local
    assert "Water data" in OutgoingMail.objects.get(to=bob.email).body


def test_a_weekly_digest_goes_out_on_monday_only(world):
    bob = world.users["bob"]
    Preference.objects.create(user=bob, information_mail="weekly")
    _had_digest(bob, dt.datetime(2030, 3, 4, 6, 0, tzinfo=UTC))  # Monday
    _info(bob, "Weekly news", dt.datetime(2030, 3, 4, 9, 0, tzinfo=UTC))
    assert send_due_digests(now=MORNING) == 0  # Tuesday
    assert send_due_digests(now=MORNING + dt.timedelta(days=5)) == 0  # Sunday
    assert send_due_digests(now=MORNING + dt.timedelta(days=6)) == 1  # the next Monday


def test_every_digest_carries_the_one_click_unsubscribe_headers(world, settings):
    settings.SITE_URL = "https://middleground.example"
    bob = world.users["bob"]
    _info(bob, "News", MORNING - dt.timedelta(hours=1))
    send_due_digests(now=MORNING)
    mail = OutgoingMail.objects.get(to=bob.email)
    link = mail.headers["List-Unsubscribe"]
    assert link.startswith("<https://middleground.example/notifications/unsubscribe/")
    assert link.endswith("/>")
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link[1:-1] in mail.body and link[1:-1] in mail.html


def test_unsubscribe_by_one_click_post_works_without_a_session_or_csrf_token(world):
    bob = world.users["bob"]
    url = unsubscribe.link_for(bob, base_url="http://testserver")
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and b"<form" in page.content
    assert Preference.objects.filter(user=bob).first() is None  # GET changes nothing
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Preference.objects.get(user=bob).information_mail == "never"


def test_a_forged_unsubscribe_token_changes_nothing(world):
    bob = world.users["bob"]
    token = unsubscribe.make_token(bob) + "x"
    response = Client().post(f"/notifications/unsubscribe/{token}/")
    assert response.status_code == 404
    assert not Preference.objects.filter(user=bob).exists()


def test_after_unsubscribing_no_information_mail_but_action_still_arrives(
    world, django_capture_on_commit_callbacks
):
    bob = world.users["bob"]
    _info(bob, "Queued before", MORNING - dt.timedelta(hours=2))
    Client().post(unsubscribe.link_for(bob, base_url="http://testserver"))
    assert send_due_digests(now=MORNING) == 0  # at once: what was waiting stays unsent
    notify(kind="consultation.invited", title="Info later", url="/c/", recipients=[bob])
    notify(
        kind="delphi.reminder",
        title="Round closes soon",
        url="/d/",
        recipients=[bob],
        action_required=True,
        due_at=MORNING + dt.timedelta(days=1),
    )
    subjects = list(OutgoingMail.objects.filter(to=bob.email).values_list("subject", flat=True))
    assert subjects == ["Round closes soon"]
    assert send_due_digests(now=MORNING + dt.timedelta(days=1)) == 0


def test_unsubscribing_from_a_followed_thing_mutes_only_that_follow(world):
    bob = world.users["bob"]
    follow = Follow.objects.create(
        user=bob, target_type="network.taskforce", target_id=str(world.task_force.pk)
    )
    url = unsubscribe.link_for(bob, f"follow:network.taskforce:{world.task_force.pk}")
    Client().post(url.replace("http://localhost:8000", ""))
    follow.refresh_from_db()
    assert follow.frequency == "never"
    assert not Preference.objects.filter(user=bob, information_mail="never").exists()


def test_run_periodic_twice_sends_the_second_time_nothing(world, settings):
    bob = world.users["bob"]
    _info(bob, "Pending", dt.datetime(2020, 1, 1, tzinfo=UTC))
    out = StringIO()
    call_command("run_periodic", stdout=out)
    assert OutgoingMail.objects.filter(to=bob.email).count() == 1
    call_command("run_periodic", stdout=out)
    assert OutgoingMail.objects.filter(to=bob.email).count() == 1
    assert "1 digests" in out.getvalue() and "0 digests" in out.getvalue()
