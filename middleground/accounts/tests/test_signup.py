"""Getting in: self-service sign-up with e-mail verification, and two-factor authentication
(TOTP, required for the secretariat and institution representatives)."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.mfa.totp.internal.auth import hotp_value
from django.core import mail
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from middleground.accounts.models import AuditEvent, User

NEW_PASSWORD = "a-long-river-crossing-7"  # noqa: S105 - test account only


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts mails per address in the cache (one verification mail per 3 minutes)."""
    from django.core.cache import cache

    cache.clear()


def sign_up(client: Client, *, username="newcomer", email="newcomer@example.org", **extra):
    data = {
        "username": username,
        "email": email,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **extra,
    }
    return client.post("/accounts/signup/", data)


def verification_link() -> str:
    body = str(mail.outbox[-1].body)
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+/", body)
    assert match, body
    return match.group(0).split("testserver", 1)[-1]


def totp_code(secret: str) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_sign_up_mails_a_link_that_verifies_the_address(world, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(username="newcomer")
    assert not user.email_verified and user.role == "public"
    assert mail.outbox[-1].to == ["newcomer@example.org"]

    # Until the link is opened, the password alone does not sign in.
    with django_capture_on_commit_callbacks(execute=True):
        refused = Client().post("/accounts/login/", {"login": "newcomer", "password": NEW_PASSWORD})
    assert refused.status_code == 302 and refused["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in Client().session

    link = verification_link()
    page = client.get(link)  # a page with a button: mail scanners fetching it change nothing
    assert page.status_code == 200 and b"Verify my address" in page.content
    user.refresh_from_db()
    assert not user.email_verified
    confirmed = client.post(link)
    assert confirmed.status_code == 302
    user.refresh_from_db()
    assert user.email_verified
    assert EmailAddress.objects.get(user=user).verified
    assert AuditEvent.objects.filter(action="account.email_verified", actor=user).exists()

    signed_in = Client().post("/accounts/login/", {"login": "newcomer", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/me/"


def test_sign_up_with_an_address_already_in_use_says_so(world):
    # bob@example.org belongs to bob, who joined by invitation (no allauth row of it).
    response = sign_up(Client(), email="BOB@example.org")
    assert response.status_code == 200
    assert (
        b"already" in response.content
        and b"e-mail" in response.content.lower()
        or (b"email" in response.content.lower())
    )
    assert "email" in response.context["form"].errors
    assert not User.objects.filter(username="newcomer").exists()


def test_sign_up_applies_our_username_rules(world):
    look_alike = sign_up(Client(), username="B0b")  # bob with a zero
    assert "username" in look_alike.context["form"].errors
    reserved = sign_up(Client(), username="deleted-42")
    assert "reserved" in str(reserved.context["form"].errors["username"])
    cyrillic = sign_up(Client(), username="алиса")
    assert "username" in cyrillic.context["form"].errors
    weak = sign_up(Client(), password1="password", password2="password")
    assert "password1" in weak.context["form"].errors
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_an_expired_verification_link_says_so(world, django_capture_on_commit_callbacks, settings):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    user = User.objects.get(username="newcomer")
    address = EmailAddress.objects.get(user=user)
    key = EmailConfirmationHMAC(address).key
    assert verification_link() == f"/accounts/confirm-email/{key}/"
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
    later = timezone.now() + timedelta(days=4)
    from unittest import mock

    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        page = client.get(f"/accounts/confirm-email/{key}/")
        posted = client.post(f"/accounts/confirm-email/{key}/")
    assert b"expired" in page.content
    assert posted.status_code in (200, 404) and b"expired" in posted.content
    user.refresh_from_db()
    assert not user.email_verified


def test_apply_for_membership_offers_sign_up_and_comes_back(
    world, django_capture_on_commit_callbacks
):
    client = Client()
    to_login = client.get("/network/apply/")
    assert to_login.status_code == 302
    login_page = client.get(to_login["Location"])
    assert b"/accounts/signup/?next=%2Fnetwork%2Fapply%2F" in login_page.content
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, next="/network/apply/")
    confirmed = client.post(verification_link())
    assert confirmed.status_code == 302 and confirmed["Location"] == "/network/apply/"
    assert client.get("/network/apply/").status_code == 200


def test_sign_in_is_still_locked_out_by_axes(world):
    client = Client()
    for attempt in range(5):
        failed = client.post("/accounts/login/", {"login": "dave", "password": "wrong"})
        assert failed.status_code == (200 if attempt < 4 else 429)
    locked = client.post("/accounts/login/", {"login": "dave", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED_ROLES = ["secretariat", "representative"]


def sign_in(client: Client, username: str) -> None:
    response = client.post("/accounts/login/", {"login": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


def set_up_totp(client: Client) -> str:
    # Setting up a second factor asks for the password again (allauth's reauthentication).
    first = client.get("/accounts/2fa/totp/activate/")
    assert first.status_code == 302 and first["Location"].startswith("/accounts/reauthenticate/")
    again = client.post(first["Location"], {"password": PASSWORD})
    assert again.status_code == 302 and again["Location"] == "/accounts/2fa/totp/activate/"
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302, response.content[:500]
    return secret


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_secretariat_and_representatives_must_set_up_totp_before_any_page(
    world, mfa_required, persona
):
    client = Client()
    sign_in(client, persona)
    for path in ("/", "/accounts/profile/", "/network/institutions/", "/admin/", "/accounts/2fa/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/2fa/totp/activate/", path
    api = client.get("/api/v1/auth/me")
    assert api.status_code == 403
    set_up_totp(client)
    assert client.get("/accounts/profile/").status_code == 200


def test_experts_and_visitors_are_not_asked_for_totp(world, mfa_required):
    for persona in ("bob", "dave"):
        client = Client()
        sign_in(client, persona)
        assert client.get("/accounts/profile/").status_code == 200


def test_once_set_up_sign_in_asks_for_the_code_and_a_wrong_one_is_refused(
    world, mfa_required, django_capture_on_commit_callbacks
):
    first = Client()
    sign_in(first, "alice")
    with django_capture_on_commit_callbacks(execute=True):
        secret = set_up_totp(first)
    recovery = first.get("/accounts/2fa/recovery-codes/")
    assert recovery.status_code == 200 and recovery.context["unused_codes"]

    client = Client()
    response = client.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    # The code step cannot be skipped by going to another page.
    assert client.get("/accounts/profile/").status_code == 302
    assert "_auth_user_id" not in client.session

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "code" in wrong.context["form"].errors
    assert b"Incorrect code" in wrong.content
    assert "_auth_user_id" not in client.session

    right = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert right.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200


def test_a_session_that_skipped_the_code_is_signed_out(world, mfa_required):
    """The admin's sign-in form (or any other) does not ask for the code: such a session of a
    person with TOTP is ended at its first request."""
    setup = Client()
    sign_in(setup, "alice")
    set_up_totp(setup)

    client = Client()
    admin_login = client.post(
        "/admin/login/?next=/admin/", {"username": "alice", "password": PASSWORD}
    )
    assert admin_login.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_an_api_token_needs_the_code_once_totp_is_set_up(world, mfa_required):
    def token(**extra):
        body = {"username": "carol", "password": PASSWORD, **extra}
        return Client().post("/api/v1/auth/token", body, content_type="application/json")

    not_set_up = token()
    assert not_set_up.status_code == 401
    assert "two-factor" in not_set_up.json()["detail"] and not_set_up.json()["field"] == "code"
    client = Client()
    sign_in(client, "carol")
    secret = set_up_totp(client)
    assert token().json()["detail"] == "Wrong or missing authenticator code."
    assert token(code="000000").status_code == 401
    response = token(code=totp_code(secret))
    assert response.status_code == 200 and response.json()["token"]
