"""A changed e-mail address counts only once the person follows the link mailed to it."""

import importlib
import re
import time

from django.apps import apps
from django.core import mail
from django.test import Client

from middleground.accounts.models import AuditEvent, Invitation, User
from middleground.accounts.services import accept_invitation
from middleground.accounts.tests.test_accounts import invite, token_of

NEW = "invitee@example.org"


def _profile(client: Client, email: str):
    return client.post(
        "/accounts/profile/",
        {"first_name": "Dave", "last_name": "D", "email": email, "preferred_language": "en"},
        follow=True,
    )


def _mailed_path() -> str:
    body = str(mail.outbox[-1].body)
    url = re.search(r"http://testserver(/accounts/profile/email/\S+/)", body)
    assert url, body
    return url.group(1)


def _dave(world) -> User:
    return User.objects.get(pk=world.users["dave"].pk)


def test_an_edited_address_is_not_taken_until_the_link_is_followed(
    world, as_persona, django_capture_on_commit_callbacks
):
    client = as_persona("dave")
    with django_capture_on_commit_callbacks(execute=True):
        response = _profile(client, NEW)
    assert b"We sent a confirmation link to invitee@example.org" in response.content
    dave = _dave(world)
    assert (dave.email, dave.email_verified) == ("dave@example.org", True)
    assert dave.verified_email == "dave@example.org"
    assert mail.outbox[-1].to == [NEW]

    path = _mailed_path()
    assert client.get(path).status_code == 200  # a page with a button: nothing changes yet
    assert _dave(world).email == "dave@example.org"
    assert client.post(path).status_code == 302
    dave = _dave(world)
    assert (dave.email, dave.email_verified, dave.verified_email) == (NEW, True, NEW)
    assert AuditEvent.objects.filter(action="account.email_change", actor=dave).exists()


def test_a_confirmation_link_works_once(world, as_persona, django_capture_on_commit_callbacks):
    client = as_persona("dave")
    with django_capture_on_commit_callbacks(execute=True):
        _profile(client, NEW)
    path = _mailed_path()
    client.post(path)
    with django_capture_on_commit_callbacks(execute=True):
        _profile(client, "third@example.org")
    again = client.post(path)  # replaying the first link would undo the second change
    assert again.status_code == 410
    assert _dave(world).email == NEW


def test_a_confirmation_link_works_only_for_its_user(
    world, as_persona, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _profile(as_persona("dave"), NEW)
    path = _mailed_path()
    assert as_persona("bob").post(path).status_code == 404
    assert User.objects.get(username="bob").email == "bob@example.org"
    assert Client().get(path).status_code == 302  # to the sign-in page


def test_a_confirmation_link_expires(
    world, as_persona, django_capture_on_commit_callbacks, settings, monkeypatch
):
    client = as_persona("dave")
    with django_capture_on_commit_callbacks(execute=True):
        _profile(client, NEW)
    later = time.time() + (settings.EMAIL_CONFIRMATION_DAYS + 1) * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert client.post(_mailed_path()).status_code == 410
    assert _dave(world).email == "dave@example.org"


def test_a_forged_confirmation_link_is_refused(world, as_persona):
    path = f"/accounts/profile/email/{'x' * 40}:1abc:sig/"
    assert as_persona("dave").post(path).status_code == 404


def test_accepting_an_invitation_verifies_its_address(world):
    _, link = invite(world)
    user = accept_invitation(
        token=token_of(link), username="newexpert", password="a-long-Passphrase-42"
    )
    assert user.verified_email == "new.expert@example.org"


def test_the_admin_resets_verification_when_it_edits_an_address(world):
    admin = User.objects.create_superuser("root", "root@example.org", "x-Long-passphrase-1")
    client = Client()
    client.force_login(admin)
    dave = world.users["dave"]
    response = client.post(
        f"/admin/accounts/user/{dave.pk}/change/",
        {
            "username": "dave",
            "email": NEW,
            "role": "public",
            "preferred_language": "en",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    dave = _dave(world)
    assert dave.email == NEW and not dave.email_verified and dave.verified_email == ""


def test_the_migration_verifies_addresses_that_accepted_their_invitation(world):
    migration = importlib.import_module("middleground.accounts.migrations.0003_user_email_verified")
    bob, dave = world.users["bob"], world.users["dave"]
    User.objects.filter(pk__in=[bob.pk, dave.pk]).update(email_verified=False)
    for person, address in ((bob, "BOB@example.org"), (dave, "someone-else@example.org")):
        Invitation.objects.create(
            email=address,
            role="expert",
            token_hash=person.username,
            expires_at="2030-01-01T00:00Z",
            used_by=person,
            used_at="2026-01-01T00:00Z",
        )
    migration.verify_invited_addresses(apps, None)
    assert User.objects.get(pk=bob.pk).email_verified
    assert not User.objects.get(pk=dave.pk).email_verified
