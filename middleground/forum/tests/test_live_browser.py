"""Two browser pages: a phone joins by code and votes, the projector view follows within a
few seconds; a half-typed statement survives the votes, the page's own updates and a reload."""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from middleground.consultations import services as consultation_services
from middleground.consultations.models import Statement, Vote
from middleground.forum import live, live_views

from .factories import event

pytestmark = pytest.mark.browser

SEEDS = [
    "Upstream and downstream states should publish river flow data daily.",
    "A joint commission should approve every new dam on shared rivers.",
    "Water quotas agreed in the 1990s are still fair today.",
]
DRAFT = "Half-typed idea about glacier monitoring that I have not sent"


def shot(page, name):
    folder = os.environ.get("MG_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_phone_votes_and_the_projector_follows(world, browser_page, live_server, settings):
    cache.clear()
    settings.FORUM_LIVE_STREAM_SECONDS = 2  # short streams: the test server's threads end soon
    settings.FORUM_LIVE_PHONE_POLL_SECONDS = 3
    created = event(world, name="Browser live forum")
    panel = created.sessions.get(title__startswith="Central Asia")
    room = live.open_room(
        actor=world.users["bob"],
        session=panel,
        question="How should Central Asia share its rivers?",
        statements=SEEDS,
    )

    # the projector: a page of its own browser context (another device)
    projector = browser_page.context.browser.new_page(
        base_url=live_server.url, viewport={"width": 1600, "height": 900}
    )
    projector.goto(f"/live/{room.code}/screen/")
    assert projector.locator("[data-live-code]").inner_text() == room.code
    assert projector.locator(".live-qr svg").is_visible()
    assert projector.locator("[data-fig='votes']").inner_text() == "0"

    phone = browser_page
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto("/live/")
    phone.get_by_label("Code").fill(room.code.lower())
    phone.get_by_role("button", name="Join").click()
    phone.wait_for_url(re.compile(rf"/live/{room.code}/$"))

    textarea = phone.get_by_label("Your statement")
    textarea.fill(DRAFT)
    first = phone.locator("[data-live-statement]").inner_text()
    phone.get_by_role("button", name="Agree", exact=True).click()
    phone.wait_for_function(
        "t => document.querySelector('[data-live-statement]').innerText !== t", arg=first
    )
    assert textarea.input_value() == DRAFT  # the vote changed the card, not the form
    # the projector shows the vote within a few seconds (server-sent events)
    projector.wait_for_function(
        "() => document.querySelector(\"[data-fig='votes']\").innerText === '1'", timeout=6000
    )
    assert projector.locator("[data-fig='participants']").inner_text() == "1"

    second = phone.locator("[data-live-statement]").inner_text()
    phone.get_by_role("button", name="Disagree").click()
    phone.wait_for_function(
        "t => document.querySelector('[data-live-statement]').innerText !== t", arg=second
    )
    projector.wait_for_function(
        "() => document.querySelector(\"[data-fig='votes']\").innerText === '2'", timeout=6000
    )
    phone.wait_for_timeout(3500)  # one of the phone page's own updates
    assert textarea.input_value() == DRAFT
    phone.reload()  # and a reload: the draft comes back from sessionStorage
    assert phone.get_by_label("Your statement").input_value() == DRAFT
    assert Vote.objects.filter(consultation=room.consultation).count() == 2

    shot(phone, "phone")
    phone.get_by_role("button", name="Send statement").click()
    phone.get_by_text("your statement awaits the moderator").wait_for()
    assert phone.get_by_label("Your statement").input_value() == ""
    assert Statement.objects.get(text=DRAFT).status == "pending"
    phone.reload()
    assert phone.get_by_label("Your statement").input_value() == ""  # the draft was cleared

    # a fuller room: two camps of six, analysed; the projector shows groups and tables
    ids = list(room.consultation.statements.filter(status="accepted").values_list("pk", flat=True))
    for i in range(12):
        camp = [1, 1, -1] if i % 2 else [-1, 1, 1]
        for pk, value in zip(ids, camp, strict=True):
            consultation_services.cast_vote(
                actor=AnonymousUser(),
                consultation=room.consultation,
                statement_id=pk,
                value=value,
                cookie_id=f"browser-test-identity-{i:03d}",
                ip="10.2.0.1",
            )
    consultation_services.run_analysis(consultation_id=room.consultation_id)
    projector.wait_for_function(
        "() => document.querySelector(\"[data-fig='votes']\").innerText === '38'", timeout=8000
    )
    # the engine decides the groups; the projector shows them only if all reach the minimum
    if live.screen_figures(room)["groups"]["opinion"]:
        projector.locator("[data-groups-table]").wait_for(state="visible", timeout=8000)
    else:
        assert projector.locator("[data-groups-note]").is_visible()
    assert projector.locator("[data-list='consensus'] tr").count() >= 1
    assert projector.locator("[data-list='divisive'] tr").count() >= 1
    shot(projector, "projector")
    assert not phone.csp_errors  # type: ignore[attr-defined]
    projector.close()
    phone.wait_for_timeout(2500)  # the last stream ends (its lifetime) before the server stops


def test_without_event_source_the_projector_polls_the_api(
    world, browser_page, live_server, settings
):
    """The fallback: a browser (or a proxy) that cannot stream gets the figures by polling
    ``GET /api/v1/live/<code>``, and learns there that the room closed."""
    cache.clear()
    created = event(world, name="Polling live forum")
    panel = created.sessions.get(title__startswith="Central Asia")
    room = live.open_room(actor=world.users["bob"], session=panel, statements=SEEDS)

    projector = browser_page.context.browser.new_page(
        base_url=live_server.url, viewport={"width": 1280, "height": 800}
    )
    projector.add_init_script("delete window.EventSource;")
    requested: list[str] = []
    projector.on("request", lambda r: requested.append(r.url))
    projector.goto(f"/live/{room.code}/screen/")
    assert projector.locator("[data-fig='votes']").inner_text() == "0"

    phone = browser_page
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"/live/{room.code}/")
    phone.get_by_role("button", name="Agree", exact=True).click()
    phone.get_by_text("Vote recorded.").wait_for()
    projector.wait_for_function(
        "() => document.querySelector(\"[data-fig='votes']\").innerText === '1'",
        timeout=live_views.POLL_SECONDS * 1000 + 4000,
    )
    assert any(f"/api/v1/live/{room.code}" in url for url in requested)
    assert not any("/stream/" in url for url in requested)  # it never tried to stream

    live.close_room(actor=world.users["bob"], room=room)
    projector.get_by_text("is closed").first.wait_for(timeout=live_views.POLL_SECONDS * 1000 + 6000)
    projector.close()
