"""Score, reply, finalise and see the dashboard change, in a real browser (Chromium)."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import PASSWORD
from middleground.accountability import services
from middleground.accountability.models import CellResult, Cycle, CycleStatus

from .factories import draft_cycle, score_all

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("MG_SHOTS", "")


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_score_reply_finalise_and_the_dashboard_changes(transactional_db, world, browser_page):
    cycle = draft_cycle(world)
    seoul = f"institution:{world.seoul.pk}"
    score_all(world, cycle, {("R2", seoul): 1, ("R1", "partner:UN-Water"): 0})
    cell = CellResult.objects.get(
        cycle=cycle, commitment__code="R1", member__institution=world.seoul
    )
    page = browser_page

    _sign_in(page, "bob")
    page.goto(f"/accountability/cells/{cell.pk}/")
    page.get_by_label("−1 · No compliance").check()
    page.get_by_label("Justification").fill("No data shared in the period.")
    page.get_by_label("Sources").fill("https://example.org/basin")
    _shot(page, "cell-scoring")
    page.get_by_role("button", name="Save my score").click()
    page.get_by_text("Your score is saved.").wait_for()
    cell.refresh_from_db()
    assert cell.draft_score == -1

    services.send_for_review(
        actor=world.users["alice"],
        cycle=cycle,
        reply_deadline=timezone.now() + dt.timedelta(days=5),
    )
    _sign_in(page, "carol")
    page.goto(f"/accountability/{cycle.strategy.slug}/")
    page.get_by_role("link", name=f"{world.seoul.name} × R1").click()
    page.get_by_label("We do not accept it: our reply").check()
    page.get_by_label("Counter-argument").fill("The data were shared in March.")
    page.get_by_role("button", name="Send my reply").click()
    page.get_by_text("Your reply is recorded.").wait_for()
    _shot(page, "cell-replied")

    # before the secretariat finalises, the public dashboard has nothing to show
    page.context.clear_cookies()
    page.goto(f"/accountability/{cycle.strategy.slug}/")
    page.get_by_text("No compliance report has been published yet").wait_for()
    assert page.locator("table.matrix").count() == 0

    _sign_in(page, "alice")
    page.goto(f"/accountability/cycles/{cycle.pk}/")
    _shot(page, "cycle")
    page.get_by_label("Final score").select_option("0")
    page.get_by_label("Why").fill("Shared late, in part.")
    page.get_by_role("button", name="Finalise").click()
    page.get_by_text("The cycle is final").wait_for()
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.FINAL

    page.context.clear_cookies()
    page.goto(f"/accountability/{cycle.strategy.slug}/")
    matrix = page.locator("table.matrix")
    # seoul: R1 0 (after the reply), R2 +1 -> 0.50 · 75%
    row = matrix.locator("tbody tr", has_text=world.seoul.name)
    assert "0 Partial" in row.inner_text() and "0.50 · 75%" in row.inner_text()
    _shot(page, "dashboard")
    page.goto(f"/accountability/members/institution/{world.seoul.pk}/")
    assert "The data were shared in March." in page.content()
    _shot(page, "member")
    assert page.csp_errors == []
