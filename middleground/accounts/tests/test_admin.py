"""The Django admin: the secretariat runs it without being superuser; the audit log is
read-only there."""

import pytest
from django.contrib.auth.models import Group

from middleground.accounts.models import SECRETARIAT_GROUP, AuditEvent, Role, User
from middleground.accounts.services import accept_invitation
from middleground.accounts.tests.test_accounts import invite, token_of

PROMISED = [
    "/admin/accounts/user/",
    "/admin/accounts/invitation/",
    "/admin/accounts/auditevent/",
    "/admin/network/institution/",
    "/admin/network/expert/",
    "/admin/network/focusarea/",
    "/admin/network/taskforce/",
    "/admin/network/membershipapplication/",
    "/admin/library/document/",
    "/admin/delphi/study/",
]


def test_the_secretariat_sees_the_platform_in_the_admin(world, as_persona):
    alice = world.users["alice"]
    assert alice.is_staff and not alice.is_superuser
    client = as_persona("alice")
    index = client.get("/admin/")
    assert index.status_code == 200
    for changelist in PROMISED:
        assert changelist.encode() in index.content, changelist
    assert client.get("/admin/network/institution/").status_code == 200
    assert client.get(f"/admin/accounts/user/{world.users['bob'].pk}/change/").status_code == 200


@pytest.mark.parametrize("persona", ["anonymous", "dave", "bob", "carol"])
def test_others_are_sent_to_the_admin_sign_in(world, as_persona, persona):
    response = as_persona(persona).get("/admin/network/institution/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_accepted_secretariat_invitation_joins_the_group(world):
    _, link = invite(world, email="sec@example.org", role=Role.SECRETARIAT, institution=None)
    user = accept_invitation(token=token_of(link), username="newsec", password="a-long-Pass-42")
    assert user.groups.filter(name=SECRETARIAT_GROUP).exists() and user.is_staff


def test_a_role_change_moves_a_person_in_and_out_of_the_group(world):
    bob = world.users["bob"]
    group = Group.objects.get(name=SECRETARIAT_GROUP)
    bob.role = Role.SECRETARIAT
    bob.save(update_fields=["role"])
    assert group.user_set.filter(pk=bob.pk).exists()
    bob.role = Role.EXPERT
    bob.save(update_fields=["role"])
    assert not group.user_set.filter(pk=bob.pk).exists()


def test_the_secretariat_cannot_make_itself_superuser_in_the_admin(world, as_persona):
    alice = world.users["alice"]
    page = as_persona("alice").get(f"/admin/accounts/user/{alice.pk}/change/")
    assert b'name="is_superuser"' not in page.content and b'name="groups"' not in page.content
    root = User.objects.create_superuser("root", "root@example.org", "a-long-Pass-42")
    assert as_persona("alice").get(f"/admin/accounts/user/{root.pk}/password/").status_code == 403


@pytest.mark.parametrize("superuser", [False, True])
def test_audit_events_cannot_be_added_changed_or_deleted_in_the_admin(world, as_persona, superuser):
    alice = world.users["alice"]
    if superuser:
        User.objects.filter(pk=alice.pk).update(is_superuser=True)
    client = as_persona("alice")
    event = AuditEvent.objects.create(actor=alice, action="statement.create")
    assert client.get("/admin/accounts/auditevent/").status_code == 200  # readable
    assert client.get("/admin/accounts/auditevent/add/").status_code == 403
    forged = client.post("/admin/accounts/auditevent/add/", {"action": "forged", "details": "{}"})
    assert forged.status_code == 403
    change = f"/admin/accounts/auditevent/{event.pk}/change/"
    client.post(change, {"action": "edited", "details": "{}"})
    assert (
        client.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["statement.create"]
