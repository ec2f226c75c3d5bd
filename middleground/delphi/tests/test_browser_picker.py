"""The secretariat picks two water-security experts of Central Asia for a Delphi panel, by
keyboard only, in a real browser (Chromium via Playwright)."""

import re

import pytest

from conftest import PASSWORD
from middleground.delphi.models import PanelSeat
from middleground.network.tests.picker_world import build

from .factories import draft_study

pytestmark = pytest.mark.browser


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def _tab_to(page, element_id: str, limit: int = 30) -> None:
    for _ in range(limit):
        if _focused_id(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def test_picking_two_central_asian_water_experts_by_keyboard(transactional_db, world, browser_page):
    directory = build(world)
    study = draft_study(world.users["alice"], title="Aral basin panel")
    page = browser_page
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto(f"/delphi/{study.slug}/panel/")
    page.focus("#picker-focus-area")
    page.keyboard.type("Water")  # type-ahead picks "Water security (6)"; htmx refreshes
    page.wait_for_url(re.compile(r"focus_area=water-security"))
    page.get_by_role("group", name=re.compile("6 experts match")).wait_for()
    assert _focused_id(page) == "picker-focus-area"  # the swap kept the focus where it was
    page.keyboard.press("Tab")
    assert _focused_id(page) == "picker-regional-group"
    page.keyboard.type("Asia")
    page.wait_for_url(re.compile(r"regional_group=APG"))
    page.get_by_role("group", name=re.compile("5 experts match")).wait_for()
    assert page.locator("#picker-country option:checked").inner_text() == "All countries"
    assert "Kazakhstan (3)" in page.locator("#picker-country").inner_text()

    _tab_to(page, f"pick-{directory.aigerim.pk}")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert _focused_id(page) == f"pick-{directory.bakhrom.pk}"
    page.keyboard.press("Space")
    # narrowing to Uzbekistan hides Aigerim (Kazakhstan) but keeps her ticked below the list
    page.focus("#picker-country")
    page.keyboard.type("Uzbek")
    page.wait_for_url(re.compile(r"country=UZ"))
    page.get_by_role("group", name=re.compile("1 expert matches")).wait_for()
    elsewhere = page.get_by_role("list", name=re.compile("1 more selected"))
    assert elsewhere.get_by_label(re.compile("Aigerim Abenova")).is_checked()
    assert page.locator(f"#pick-{directory.bakhrom.pk}").is_checked()
    _tab_to(page, "picker-add")
    page.keyboard.press("Enter")
    page.get_by_text("2 invitations sent.").wait_for()

    seated = PanelSeat.objects.filter(study=study).values_list("user__username", flat=True)
    assert sorted(seated) == ["aigerim", "bakhrom"]
    # back on the same filters (without the ticks), the one shown is marked as on the panel
    assert "focus_area=water-security" in page.url and "experts=" not in page.url
    assert page.locator(f"#pick-{directory.bakhrom.pk}").is_disabled()
    assert page.get_by_role("list", name=re.compile("more selected")).count() == 0
    assert page.csp_errors == []
