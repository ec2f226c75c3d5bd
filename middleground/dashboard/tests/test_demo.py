"""The demo gives each demo person something waiting, something followed, a preference."""

from django.core.management import call_command
from django.test import Client

from middleground.accounts.models import User
from middleground.notifications.models import Follow, Notification, Preference


def test_the_demo_gives_demo_people_pending_items_follows_and_preferences_once(db):
    call_command("demo", verbosity=0)
    people = {u.username: u for u in User.objects.filter(username__in=["bob", "carol", "dave"])}
    kinds = {
        name: set(Notification.objects.filter(recipient=user).values_list("kind", flat=True))
        for name, user in people.items()
    }
    assert {"delphi.round_open", "consultation.invited", "library.saved_search"} <= kinds["bob"]
    assert {"consultation.invited", "network.task_force_added"} <= kinds["carol"]
    assert "network.application_decided" in kinds["dave"]
    bob_round = Notification.objects.get(recipient=people["bob"], kind="delphi.round_open")
    assert bob_round.action_required and bob_round.due_at is not None
    carol_notice = Notification.objects.get(
        recipient=people["carol"], kind="network.task_force_added"
    )
    assert carol_notice.institution_id == people["carol"].institution_id  # as focal point
    for user in people.values():
        assert Follow.objects.filter(user=user).exists()
        assert Preference.objects.filter(user=user).exists()

    counts = (Notification.objects.count(), Follow.objects.count())
    call_command("demo", verbosity=0)
    assert (Notification.objects.count(), Follow.objects.count()) == counts  # nothing twice

    client = Client()
    client.force_login(people["bob"])
    page = client.get("/me/").content.decode()
    assert "Trusted cross-border data flows (demo)" in page  # his round to answer
    assert "Digital trust in public services (demo)" in page  # his invitation
    assert "No notice asks you to act." not in page
    assert "You follow nothing yet." not in page
