"""The public endorsements page in a browser: tables by group and bloc, the chart, the form."""

import os
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from middleground.strategies import endorsements
from middleground.strategies.tests.factories import open_strategy
from middleground.strategies.tests.test_endorse_services import member

SHOTS = Path(os.environ.get("MG_SHOTS", "/tmp/shots/endorsement"))  # noqa: S108 - screenshots to look at


def _sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.mark.django_db(transaction=True)
def test_endorsements_page_shows_groups_blocs_chart_and_the_form(world, browser_page, live_server):
    strategy = open_strategy(world)
    strategy.breadth_min_per_group, strategy.breadth_min_groups = 1, 3
    strategy.save(update_fields=["breadth_min_per_group", "breadth_min_groups"])
    _, br = member("Instituto Rio Branco", "BR")
    _, de = member("Berlin Centre for Water", "DE")
    _, ng = member("Lagos Policy Forum", "NG")
    endorsements.endorse(actor=br, strategy=strategy, position="endorse")
    endorsements.endorse(
        actor=de,
        strategy=strategy,
        position="endorse_with_reservation",
        reservation="Monthly publication is beyond what our basin authorities can do.",
        reservation_paragraphs=[3],
    )
    endorsements.endorse(actor=ng, strategy=strategy, position="dissociate")

    page = browser_page
    page.goto(f"/strategies/{strategy.slug}/endorsements/")
    assert page.locator("h1").inner_text().startswith("Endorsements")
    map_table = page.locator("table.breadth-map")
    assert map_table.locator("tbody tr").count() == 5
    assert "Monthly publication is beyond" in map_table.inner_text()
    assert "not met yet" in page.locator(".breadth-summary").inner_text()
    assert page.locator("canvas[data-chart='breadth-chart']").count() == 1
    assert "Your answer for" not in page.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "endorsements-public.png"), full_page=True)

    _sign_in(page, live_server, world.users["carol"])
    page.goto(f"/strategies/{strategy.slug}/endorsements/")
    page.get_by_label("Endorse", exact=True).check()
    page.get_by_role("button", name="Send the answer").click()
    page.wait_for_url(f"**/strategies/{strategy.slug}/endorsements/")
    assert "Your institution's current answer" in page.locator("#answer-h + p").inner_text()
    assert "The breadth rule is met" in page.locator(".breadth-summary").inner_text()
    page.screenshot(path=str(SHOTS / "endorsements-carol.png"), full_page=True)
    page.goto(f"/strategies/{strategy.slug}/endorse/")
    page.screenshot(path=str(SHOTS / "endorse-form.png"), full_page=True)
    assert not page.csp_errors


@pytest.mark.django_db(transaction=True)
def test_an_open_call_page_brings_in_new_answers_by_itself(world, browser_page, settings):
    """Someone watching the public page sees another institution's answer arrive without
    reloading: the tables, the counts and the history are swapped in, and a status says so."""
    settings.STRATEGIES_LIVE_SECONDS = 1
    strategy = open_strategy(world)
    _, br = member("Instituto Rio Branco", "BR")
    page = browser_page
    page.goto(f"/strategies/{strategy.slug}/endorsements/")
    grulac = page.locator("table.breadth-map").get_by_role(
        "row", name=re.compile("Latin American and Caribbean Group")
    )
    assert grulac.locator("td").first.inner_text().strip() == "0"
    assert page.locator("#breadth-live-status").inner_text() == ""
    page.evaluate("window.__same_page = true")

    endorsements.endorse(actor=br, strategy=strategy, position="endorse")

    page.get_by_text("New answers have come in").wait_for(timeout=10_000)
    assert grulac.locator("td").first.inner_text().strip() == "1"
    assert "Instituto Rio Branco" in page.locator("#history-h + table").inner_text()
    assert page.locator("canvas[data-chart='breadth-chart']").count() == 1
    assert page.evaluate("window.__same_page") is True  # not a reload
    assert not page.csp_errors


def test_a_closed_call_page_does_not_poll(world, as_persona):
    strategy = open_strategy(world)
    call = strategy.endorsement_calls.get()
    html = as_persona("dave").get(f"/strategies/{strategy.slug}/endorsements/").content.decode()
    assert 'data-live-seconds="30"' in html and 'id="breadth-live-status"' in html
    call.closed_at, call.adopted = timezone.now(), False
    call.save(update_fields=["closed_at", "adopted"])
    html = as_persona("dave").get(f"/strategies/{strategy.slug}/endorsements/").content.decode()
    assert "data-live-seconds" not in html and "breadth-live-status" not in html
