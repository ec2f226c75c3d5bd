"""The public endorsements page in a browser: tables by group and bloc, the chart, the form."""

import os
from pathlib import Path

import pytest
from django.test import Client

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
