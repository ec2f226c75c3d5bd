"""A person signs in and uses the directory in a real browser (headless Chromium)."""

import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_it_signs_in_and_finds_an_expert_through_the_directory(world, browser_page):
    page = browser_page
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("link", name="bob").is_visible()

    page.get_by_role("link", name="Experts").first.click()
    page.get_by_label("Focus area").select_option("water-security")
    page.get_by_role("button", name="Filter").click()
    # The unfiltered list also shows Bob: wait for the filtered one (htmx pushes its URL
    # with the swap), else a slow response is checked before it arrives.
    page.wait_for_url(re.compile(r"[?&]focus_area=water-security"))
    results = page.locator("#results")
    results.get_by_role("link", name="Bob Bekov").wait_for()
    expect(results).not_to_contain_text("Nari Network-Only")

    # Keyboard only: the site search box is reachable and submits with Enter.
    page.get_by_label("Search the site").fill("Seoul")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/me/search/\?q=Seoul"))
    page.get_by_role("link", name="Seoul Policy Centre (test)").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Seoul Policy Centre (test)"
    assert page.csp_errors == []
