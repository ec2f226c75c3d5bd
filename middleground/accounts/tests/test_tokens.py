"""Bearer tokens record when they were last used, at most once a minute."""

from datetime import timedelta

from django.test import Client

from middleground.accounts.models import ApiToken
from middleground.accounts.services import issue_api_token


def _me(raw: str) -> int:
    return Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def test_a_token_records_its_use_at_most_once_a_minute(world):
    raw = issue_api_token(user=world["users"]["bob"], name="script")
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
    bob = world["users"]["bob"]
    raw = issue_api_token(user=bob)
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    assert _me(raw) == 401
