"""The drafting pages in a real browser: the lead accepts one of two competing amendments,
and the comparison shows the one changed word. Screenshots go to /tmp/shots/drafting/."""

import os
import re

import pytest

from conftest import PASSWORD
from middleground.strategies import services

from .factories import drafting_strategy

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("MG_SHOTS", "/tmp/shots/drafting")  # noqa: S108


def _sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_lead_decides_competing_amendments_and_compares(transactional_db, world, browser_page):
    os.makedirs(SHOTS, exist_ok=True)
    strategy = drafting_strategy(world)
    carol, alice = world.users["carol"], world.users["alice"]
    rec = strategy.paragraphs.get(text__startswith="Publish river-flow")
    services.comment(actor=carol, strategy=strategy, paragraph=rec, text="Monthly may be hard.")
    a1 = services.propose_amendment(
        actor=carol,
        strategy=strategy,
        paragraph=rec,
        kind="replace",
        text="Publish river-flow data of every shared basin weekly.",
        explanation="Floods need faster data.",
    )
    services.propose_amendment(
        actor=alice,
        strategy=strategy,
        paragraph=rec,
        kind="replace",
        text="Publish river-flow and water-quality data of every shared basin monthly.",
    )
    page = browser_page
    _sign_in(page, "bob")
    page.goto(strategy.get_absolute_url())
    page.get_by_text("2 open amendments").wait_for()
    page.screenshot(path=f"{SHOTS}/drafting_page.png", full_page=True)

    page.get_by_role("link", name=re.compile("Discuss and amend.*paragraph 3")).click()
    page.get_by_role("button", name=f"Accept #{a1.pk}").click()
    page.get_by_text("Amendment accepted").wait_for()
    page.get_by_text("The paragraph changed since this amendment was written.").wait_for()
    page.screenshot(path=f"{SHOTS}/paragraph_competing.png", full_page=True)
    rec.refresh_from_db()
    assert rec.text.endswith("weekly.")

    page.goto(f"/strategies/{strategy.slug}/compare/")
    page.get_by_text("1 paragraph changed").wait_for()
    assert page.locator(".change del").all_inner_texts() == ["monthly"]
    assert page.locator(".change ins").all_inner_texts() == ["weekly"]
    page.screenshot(path=f"{SHOTS}/compare.png", full_page=True)
    assert page.csp_errors == []
