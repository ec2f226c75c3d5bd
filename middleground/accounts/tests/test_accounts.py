"""Accounts: invitations, sign-in throttling, password reset, personal data, audit log."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from middleground.accounts.models import AuditEvent, Invitation, Role, User
from middleground.accounts.services import accept_invitation, create_invitation
from middleground.core.errors import ServiceError


def invite(world, **overrides):
    kwargs = {
        "actor": world.users["alice"],
        "email": "new.expert@example.org",
        "role": Role.EXPERT,
        "institution": world.astana,
        "accept_url_base": "http://testserver/accounts/invitations/accept",
    }
    kwargs.update(overrides)
    return create_invitation(**kwargs)


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


def test_an_invitation_link_creates_the_account_with_the_role_once(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, link = invite(world)
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body
    assert invitation.token_hash not in link  # only the hash is stored
    client = Client()
    response = client.post(
        link.replace("http://testserver", ""),
        {"username": "newexpert", "password": "a-long-Passphrase-42"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="newexpert")
    assert user.role == Role.EXPERT and user.institution == world.astana
    assert user.email == "new.expert@example.org"
    again = Client().get(link.replace("http://testserver", ""))
    assert again.status_code == 410
    assert b"already been used" in again.content


def test_an_expired_invitation_is_refused(world):
    invitation, link = invite(world)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ServiceError, match="expired"):
        accept_invitation(token=token_of(link), username="late", password="a-long-Passphrase-42")
    assert not User.objects.filter(username="late").exists()


def test_a_weak_password_is_refused_and_the_link_still_works(world):
    _, link = invite(world)
    with pytest.raises(ServiceError) as error:
        accept_invitation(token=token_of(link), username="weak", password="123")
    assert error.value.field == "password"
    assert not User.objects.filter(username="weak").exists()
    assert accept_invitation(
        token=token_of(link), username="strong", password="a-long-Passphrase-42"
    )


def test_only_the_secretariat_invites(world):
    with pytest.raises(ServiceError):
        invite(world, actor=world.users["carol"])
    assert not Invitation.objects.exists()


def test_an_expert_invitation_needs_an_institution(world):
    with pytest.raises(ServiceError) as error:
        invite(world, institution=None)
    assert error.value.field == "institution"


def test_the_invitations_page_sends_a_link(world, as_persona, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_persona("alice").post(
            "/accounts/invitations/",
            {
                "email": "panel@example.org",
                "role": "expert",
                "institution": world.astana.pk,
                "purpose": "Delphi",
            },
        )
    assert response.status_code == 200
    assert Invitation.objects.filter(email="panel@example.org").exists()
    assert mail.outbox[0].to == ["panel@example.org"]
    assert AuditEvent.objects.filter(action="invitation.create").exists()


def test_sign_in_is_locked_after_repeated_failures(world):
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"login": "bob", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "bob", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many attempts" in response.content


def test_api_tokens_are_throttled_like_the_login_form(world):
    client = Client()
    for _ in range(5):
        client.post(
            "/api/v1/auth/token",
            {"username": "bob", "password": "nope"},
            content_type="application/json",
        )
    response = client.post(
        "/api/v1/auth/token",
        {"username": "bob", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 429
    assert "Too many" in response.json()["detail"]


def test_password_reset_mails_a_link(world):
    response = Client().post("/accounts/password-reset/", {"email": "bob@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_a_person_downloads_all_their_data(world, as_persona):
    response = as_persona("bob").get("/accounts/profile/export.json")
    data = json.loads(response.content)
    assert data["account"]["username"] == "bob"
    assert data["expert_profile"]["name"] == "Bob Bekov"
    assert response["Content-Disposition"].startswith("attachment")


def test_deleting_an_account_de_identifies_it_and_keeps_contributions(world, as_persona):
    bob = world.users["bob"]
    event = AuditEvent.objects.create(actor=bob, action="statement.create")
    response = as_persona("bob").post("/accounts/profile/delete/", {"confirm": "on"})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert not bob.is_active and bob.username.startswith(f"deleted-{bob.pk}-") and bob.email == ""
    assert not bob.has_usable_password()
    event.refresh_from_db()
    assert event.actor_id == bob.pk  # the contribution stays, now linked to no name
    assert not User.objects.filter(username="bob").exists()


def test_the_profile_saves_the_preferred_language(world, as_persona):
    client = as_persona("bob")
    client.post(
        "/accounts/profile/",
        {
            "first_name": "Bob",
            "last_name": "B",
            "email": "bob@example.org",
            "preferred_language": "ru",
        },
    )
    world.users["bob"].refresh_from_db()
    assert world.users["bob"].preferred_language == "ru"
    assert client.get("/").headers["Content-Language"] == "ru"


def test_the_audit_log_records_who_did_what(world, as_persona):
    client = as_persona("alice")
    client.post(
        "/api/v1/network/focus-areas",
        {"name": "Energy", "sdgs": [7]},
        content_type="application/json",
    )
    response = client.get("/accounts/audit/")
    # a sentence, not the action code
    assert "alice created the focus area" in response.content.decode()
    assert b"focus_area.create" not in response.content


def test_a_task_force_chairs_representative_invites_experts_only(world):
    carol = world.users["carol"]
    world.task_force.chair = world.seoul
    world.task_force.save()
    invitation, _ = invite(world, actor=carol, institution=world.seoul)
    assert invitation.role == Role.EXPERT
    with pytest.raises(ServiceError) as error:
        invite(world, actor=carol, email="boss@example.org", role=Role.SECRETARIAT)
    assert error.value.field == "role"
