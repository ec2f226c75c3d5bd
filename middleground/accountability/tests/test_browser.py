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


def test_upload_a_file_and_watch_a_background_import_finish(
    transactional_db, world, browser_page, tmp_path
):
    from middleground.accountability import interop, jobs
    from middleground.accountability.models import Assessment, ImportJob

    from .test_interop import _edit, _full

    strategy, _cycle, _final = _full(world)
    where = {"cycle_kind": "final", "commitment": "R1", "member": "partner:UN-Water"}
    text, _n = _edit(interop.export_csv(strategy), "assessment", where, score="-1")
    bad_text, bad = _edit(text, "assessment", where, score="7")
    (tmp_path / "bad.csv").write_text(bad_text)
    page = browser_page
    _sign_in(page, "alice")
    page.goto(f"/accountability/{strategy.slug}/commitments/")
    page.get_by_role("link", name="Import a file (CSV or JSON)").click()
    page.get_by_label("File to import").set_input_files(str(tmp_path / "bad.csv"))
    page.get_by_role("button", name="Check and import").click()
    page.get_by_role("status").filter(has_text="Rejected, nothing stored").wait_for()
    row = page.get_by_role("row").filter(has_text="A score is")
    assert row.get_by_role("rowheader").inner_text() == str(bad)
    assert "score" in row.inner_text()
    assert not Assessment.objects.filter(score=7).exists()

    # a large import waits for the task; its page follows it without a reload
    job = interop.start_import(
        actor=world.users["alice"],
        strategy=strategy,
        rows=interop.parse_csv(text),
        background=True,
        queue=False,
    )
    page.goto(f"/accountability/imports/{job.pk}/")
    status = page.get_by_role("status")
    assert "Waiting to start" in status.inner_text()
    page.evaluate("window.__same_page = true")
    jobs.run_import_job(job_id=job.pk)
    status.filter(has_text="Imported:").wait_for(timeout=10_000)
    assert page.evaluate("window.__same_page") is True  # updated in place, not reloaded
    assert page.get_by_role("table").filter(has_text="What the import stored").is_visible()
    assert ImportJob.objects.get(pk=job.pk).status == "done"
