"""The bell, the notifications page and the preferences in a real browser (strict CSP)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import PASSWORD
from middleground.notifications import services

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    folder = os.environ.get("MG_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_the_bell_counts_unread_and_marking_done_with_the_keyboard_clears_it(world, browser_page):
    bob = world.users["bob"]
    services.notify(
        kind="library.saved_search",
        title="Three new documents",
        url="/library/",
        recipients=[bob],
        body="Water security in Central Asia",
    )
    services.notify(
        kind="delphi.round_open",
        title="Answer round 2 of the water panel",
        url="/delphi/",
        recipients=[bob],
        action_required=True,
        due_at=timezone.now() + dt.timedelta(days=3),
    )
    services.follow(user=bob, target=world.task_force)
    page = browser_page
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    bell = page.locator("a.bell")
    assert "2" in bell.inner_text()
    bell.click()
    page.wait_for_url("**/notifications/")
    items = page.locator("li.notification")
    assert "Answer round 2" in items.nth(0).inner_text()  # action required first
    _shot(page, "notifications")
    done = items.nth(0).get_by_role("button", name="Mark done")
    done.focus()
    page.keyboard.press("Enter")
    page.locator("#notifications li.notification").first.get_by_text("Done").wait_for()
    page.reload()
    assert "1" in page.locator("a.bell").inner_text()
    page.goto("/notifications/preferences/")
    assert world.task_force.name in page.content()
    _shot(page, "preferences")
    assert page.csp_errors == []  # type: ignore[attr-defined]
