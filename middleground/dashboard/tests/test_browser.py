"""The home page and "My page" in a real browser (headless Chromium)."""

import os
import re
from pathlib import Path

import pytest

from conftest import PASSWORD
from middleground.delphi.tests.factories import make_panellist, running_study

pytestmark = pytest.mark.browser

#: Set MG_SCREENSHOTS=<dir> to keep screenshots of the pages (to look at them).
SHOTS = os.environ.get("MG_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_it_shows_the_home_page_in_russian_when_the_browser_asks(world, browser_page):
    page = browser_page
    page.context.set_extra_http_headers({"Accept-Language": "ru"})
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ru"
    page.locator("canvas[data-chart][data-drawn]").wait_for()  # the chart drew under the CSP
    assert page.csp_errors == []


def test_bob_signs_in_lands_on_my_page_and_opens_his_round(world, browser_page):
    study = running_study(
        world.users["alice"],
        [world.users["bob"], make_panellist("expert1", world.astana)],
        title="Basin study (test)",
    )
    page = browser_page
    page.goto("/")
    page.locator("canvas[data-chart][data-drawn]").wait_for()
    shot(page, "home-anonymous")
    page.goto("/me/")
    page.wait_for_url(re.compile(r"/accounts/login/"))  # anonymous: sign in first
    shot(page, "me-anonymous")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/me/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "My page"
    shot(page, "me-bob")

    page.get_by_role("link", name="Answer Basin study (test)").click()
    page.wait_for_url(re.compile(rf"/delphi/{study.slug}/answer/$"))
    page.get_by_role("link", name="Middle Ground").first.click()
    page.locator("canvas[data-chart][data-drawn]").wait_for()
    assert page.get_by_role("link", name="Basin study (test)").is_visible()
    shot(page, "home-bob")
    assert page.csp_errors == []
