"""Bearer tokens: named, expiring, revoked by a password change, listed and revoked by
their owner; they record when they were last used, at most once a minute."""

import re
from datetime import timedelta

from django.core import mail
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from middleground.accounts.models import ApiToken, User
from middleground.accounts.services import issue_api_token

CAROLS = "carol's"


def _me(raw: str) -> int:
    return Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def test_a_token_records_its_use_at_most_once_a_minute(world):
    raw = issue_api_token(user=world.users["bob"], name="script")
    token = ApiToken.objects.get(name="script")
    assert token.last_used_at is None
    assert _me(raw) == 200
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    assert _me(raw) == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first  # within the minute: no write
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    assert _me(raw) == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_a_token_of_a_deactivated_user_is_refused(world):
    bob = world.users["bob"]
    raw = issue_api_token(user=bob)
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    assert _me(raw) == 401


def _token(name: str) -> ApiToken:
    return ApiToken.objects.get(name=name)


def test_a_token_gets_a_name_and_an_expiry(world, settings):
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "bob", "password": PASSWORD, "name": "nightly export"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = _token("nightly export")
    expected = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    assert abs(token.expires_at - expected) < timedelta(minutes=1)
    assert _me(response.json()["token"]) == 200


def test_an_expired_token_is_refused(world):
    raw = issue_api_token(user=world.users["bob"], name="old")
    ApiToken.objects.filter(name="old").update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _me(raw) == 401


def test_changing_the_password_revokes_every_token(world, as_persona):
    raw = issue_api_token(user=world.users["bob"], name="script")
    carols = issue_api_token(user=world.users["carol"], name="carol's")
    response = as_persona("bob").post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-Long-passphrase-7",
            "new_password2": "another-Long-passphrase-7",
        },
    )
    assert response.status_code == 302
    assert _me(raw) == 401
    assert not ApiToken.objects.filter(user=world.users["bob"]).exists()
    assert _me(carols) == 200  # only the person's own tokens


def test_a_password_reset_revokes_every_token(world):
    raw = issue_api_token(user=world.users["bob"], name="script")
    client = Client()
    client.post("/accounts/password-reset/", {"email": "bob@example.org"})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    form = client.get(
        link, follow=True
    )  # Django swaps the token for a session, then shows the form
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0],
        {
            "new_password1": "another-Long-passphrase-7",
            "new_password2": "another-Long-passphrase-7",
        },
    )
    assert response.status_code == 302
    assert _me(raw) == 401


def test_signing_in_with_a_rehashed_password_keeps_the_tokens(world, settings):
    # A password re-hashed on sign-in (a hasher upgrade) is not a new password.
    raw = issue_api_token(user=world.users["bob"], name="script")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    signed_in = Client().post("/accounts/login/", {"login": "bob", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert User.objects.get(username="bob").password.startswith("pbkdf2")  # re-hashed
    assert _me(raw) == 200


def test_the_tokens_page_lists_and_revokes_ones_own_tokens(world, as_persona):
    issue_api_token(user=world.users["bob"], name="grafana")
    issue_api_token(user=world.users["carol"], name="carol's")
    client = as_persona("bob")
    page = client.get("/accounts/tokens/")
    assert b"grafana" in page.content and b"carol&#x27;s" not in page.content
    response = client.post(f"/accounts/tokens/{_token('grafana').pk}/revoke/")
    assert response.status_code == 302
    assert not ApiToken.objects.filter(name="grafana").exists()
    assert client.post(f"/accounts/tokens/{_token(CAROLS).pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(name="carol's").exists()


def test_the_api_lists_and_revokes_ones_own_tokens(world):
    raw = issue_api_token(user=world.users["bob"], name="script")
    issue_api_token(user=world.users["carol"], name="carol's")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    listed = client.get("/api/v1/auth/tokens").json()
    assert [t["name"] for t in listed] == ["script"]
    assert set(listed[0]) == {"id", "name", "created_at", "last_used_at", "expires_at"}
    assert client.delete(f"/api/v1/auth/tokens/{_token(CAROLS).pk}").status_code == 404
    assert client.delete(f"/api/v1/auth/tokens/{_token('script').pk}").status_code == 204
    assert _me(raw) == 401
