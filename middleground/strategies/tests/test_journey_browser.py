"""The whole strategy journey in a real browser: an expert proposes an amendment, the lead
accepts it, the two versions compare, the text goes to endorsement, a representative
endorses and the breadth table changes."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from conftest import PASSWORD
from middleground.strategies.models import Endorsement, Position, StrategyStatus

from .factories import drafting_strategy

pytestmark = pytest.mark.browser


def _sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def _asia_pacific_endorsing(page) -> str:
    """The 'Endorsing' cell of the Asia-Pacific row in the per-group data table."""
    row = page.locator("table", has_text="Needed").get_by_role(
        "row", name=re.compile("Asia-Pacific Group")
    )
    return row.locator("td").first.inner_text().strip()


def test_amend_accept_compare_endorse_and_see_the_breadth_change(
    transactional_db, world, browser_page
):
    strategy = drafting_strategy(world, lead=world.users["alice"])
    page = browser_page

    # bob, an expert of a task-force institution, proposes to replace recommendation 3
    _sign_in(page, "bob")
    page.goto(strategy.get_absolute_url())
    page.get_by_role("link", name=re.compile("Discuss and amend.*paragraph 3")).click()
    page.get_by_label("Replace the paragraph").check()
    page.get_by_label("Proposed text").fill("Publish river-flow data of every shared basin weekly.")
    page.get_by_role("button", name="Propose").click()
    page.get_by_text("Amendment proposed.").wait_for()

    # alice, the lead, accepts it: version 2
    _sign_in(page, "alice")
    page.goto(strategy.get_absolute_url())
    page.get_by_role("link", name=re.compile("Discuss and amend.*paragraph 3")).click()
    page.get_by_role("button", name=re.compile("^Accept")).click()
    page.get_by_text("Amendment accepted").wait_for()
    assert strategy.versions.count() == 2

    # the two versions compare word by word
    page.goto(f"/strategies/{strategy.slug}/compare/?a=1&b=2")
    page.get_by_text("1 paragraph changed").wait_for()
    assert page.locator(".change del").all_inner_texts() == ["monthly"]
    assert page.locator(".change ins").all_inner_texts() == ["weekly"]

    # alice puts version 2 to endorsement
    page.goto(strategy.get_absolute_url())
    page.get_by_role("link", name="Put to endorsement").click()
    deadline = timezone.localtime() + dt.timedelta(days=7)
    page.get_by_label("Deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Put to endorsement").click()
    page.get_by_text("open for endorsement").first.wait_for()
    strategy.refresh_from_db()
    assert strategy.status == StrategyStatus.ENDORSEMENT
    assert _asia_pacific_endorsing(page) == "0"

    # carol, representative of the Seoul centre (Asia-Pacific Group), endorses
    _sign_in(page, "carol")
    page.goto(f"/strategies/{strategy.slug}/endorsements/")
    page.get_by_label("Endorse", exact=True).check()
    page.get_by_role("button", name="Send the answer").click()
    page.get_by_text("Seoul Policy Centre (test)").first.wait_for()
    assert _asia_pacific_endorsing(page) == "1"
    current = Endorsement.objects.get(current=True)
    assert (current.institution, current.position) == (world.seoul, Position.ENDORSE)
    assert page.csp_errors == []
