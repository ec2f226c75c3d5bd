"""A signed-in expert builds a custom Security Council in a real browser (headless
Chromium): results are recomputed as they edit, and the council is saved."""

import re

import pytest

from conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_it_builds_a_council_with_two_african_seats_with_veto(lab, browser_page):
    page = browser_page
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto("/reformlab/scenarios/unsc-today/")
    page.locator("canvas[data-chart][data-drawn]").first.wait_for()  # charts draw under the CSP
    assert "421/2145" in page.locator("#results").inner_text()
    page.get_by_role("link", name="Edit a copy in the builder").click()
    page.wait_for_url(re.compile(r"/reformlab/builder/\?base=unsc-today"))
    results = page.locator("#builder-results")
    assert "15 seats" in results.inner_text()

    # Keyboard only: type the number of seats and move on with Tab; htmx posts the form.
    seats = page.get_by_label("African Group: new permanent seats with a veto")
    seats.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    results.get_by_text("17 seats").wait_for()
    text = results.inner_text()
    assert "AF-P1" in text and "AF-P2" in text
    assert "421/2145" not in text  # the permanent five lost power to the new vetoes

    threshold = page.get_by_label("Votes needed to pass a decision")
    threshold.fill("11")
    threshold.press("Tab")
    page.wait_for_function(
        "document.querySelector('#builder-results').innerText.includes('AF-P2')"
        " && !document.querySelector('#builder-results').classList.contains('htmx-request')"
    )
    page.get_by_label("Name").fill("Two African vetoes")
    page.get_by_role("button", name="Save as my scenario").click()
    page.wait_for_url(re.compile(r"/reformlab/scenarios/custom-"))
    assert page.get_by_role("heading", level=1).inner_text() == "Two African vetoes"
    assert "11 affirmative votes of 17" in page.content()
    page.locator("canvas[data-chart][data-drawn]").first.wait_for()
    assert page.csp_errors == []
