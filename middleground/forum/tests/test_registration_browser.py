"""Screenshots of the registration, delegation and check-in pages (looked at by hand)."""

import os

import pytest

from middleground.accounts.models import User
from middleground.forum import registration
from middleground.forum.models import RegistrationType

from .factories import event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/shots/forum-registration"  # noqa: S108 - screenshots looked at by hand


def _login(page, _client, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    cookie = client.cookies["sessionid"]
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": cookie.value,
                "url": page.url.split("/forum/")[0] if "/forum/" in page.url else page.url,
            }
        ]
    )


def test_registration_pages_render(world, browser_page, live_server, client):
    forum = event(world)
    RegistrationType.objects.create(
        event=forum, name="Delegations", capacity=6, delegates_only=True
    )
    mine = registration.register(
        actor=world.users["bob"], event=forum, registration_type=forum.registration_types.first()
    )
    seoul = registration.set_delegation(
        actor=world.users["alice"],
        event=forum,
        institution=world.seoul,
        quota=2,
        substitutes_quota=1,
        head=world.users["carol"],
    )
    kr = User.objects.create_user(
        "kr", first_name="Ji-woo", last_name="Park", institution=world.seoul
    )
    registration.name_delegate(actor=world.users["carol"], delegation=seoul, user=kr)
    os.makedirs(SHOTS, exist_ok=True)
    page = browser_page
    page.goto(live_server.url + "/")
    _login(page, client, world.users["bob"])
    page.goto(f"/forum/{forum.slug}/registration/")
    assert page.locator("figure svg").count() == 1
    page.screenshot(path=f"{SHOTS}/registration.png", full_page=True)
    _login(page, client, world.users["carol"])
    page.goto(f"/forum/{forum.slug}/delegations/{seoul.pk}/")
    page.screenshot(path=f"{SHOTS}/delegation.png", full_page=True)
    _login(page, client, world.users["alice"])
    page.goto(f"/forum/{forum.slug}/check-in/")
    page.fill("#id_code", mine.code)
    page.click("text=Check in >> nth=-1")
    page.screenshot(path=f"{SHOTS}/check_in.png", full_page=True)
    assert page.csp_errors == []
