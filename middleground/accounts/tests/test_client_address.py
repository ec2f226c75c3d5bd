"""The client's address behind proxies: sign-in throttling and per-address limits use it."""

from django.test import Client, RequestFactory

from conftest import PASSWORD
from middleground.consultations.identity import client_ip
from middleground.core.client import client_address

PROXY = "10.0.0.2"


def _sign_in(forwarded_for: str, password: str) -> int:
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    return client.post("/accounts/login/", {"login": "bob", "password": password}).status_code


def test_two_clients_behind_one_proxy_are_locked_out_separately(world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        _sign_in("198.51.100.7", "wrong")
    assert _sign_in("198.51.100.7", PASSWORD) == 429
    assert _sign_in("203.0.113.9", PASSWORD) == 302  # another client: not locked out


def test_a_forged_forwarded_address_is_not_trusted_without_proxies(world, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for attempt in range(5):
        _sign_in(f"192.0.2.{attempt}", "wrong")  # a new made-up address each time
    assert _sign_in("192.0.2.200", PASSWORD) == 429


def test_the_client_is_the_nth_address_from_the_right(settings):
    def address(forwarded: str) -> str:
        request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
        return client_address(request)

    settings.TRUSTED_PROXY_COUNT = 1
    assert address("203.0.113.9") == "203.0.113.9"
    assert address("1.2.3.4, 203.0.113.9") == "203.0.113.9"  # a spoofed left-hand entry
    assert address("not-an-address") == PROXY
    settings.TRUSTED_PROXY_COUNT = 2
    assert address("1.2.3.4, 203.0.113.9, 10.0.0.1") == "203.0.113.9"
    assert address("203.0.113.9") == PROXY  # fewer entries than proxies: nothing trusted


def test_per_address_vote_limits_use_the_same_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "203.0.113.9"
