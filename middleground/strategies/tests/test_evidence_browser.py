"""Evidence in a browser: cite a statement, see the drift flag and the citation's page."""

import os
import re
from pathlib import Path

from conftest import PASSWORD
from middleground.strategies.models import Evidence, ParagraphKind

from .factories import drafting_strategy
from .test_evidence_helpers import more_disagreement, voted_consultation


def _sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_cite_then_the_live_result_moves(transactional_db, world, browser_page, tmp_path):
    shots = Path(os.environ.get("MG_SHOTS_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    strategy = drafting_strategy(world)
    consultation = voted_consultation(world)
    rec = strategy.paragraphs.filter(kind=ParagraphKind.RECOMMENDATION).first()
    page = browser_page
    _sign_in(page, "bob")
    page.goto(f"/strategies/{strategy.slug}/paragraphs/{rec.key}/cite/")
    page.get_by_label("Consultation statement").check()
    page.get_by_role("button", name="List the sources").click()
    page.get_by_role("button", name="Show its statements").click()
    page.get_by_label("Flow data should be published monthly.", exact=False).check()
    page.get_by_label("Note (optional)").fill("Unanimous in the basin consultation.")
    page.screenshot(path=str(shots / "cite_form.png"), full_page=True)
    page.get_by_role("button", name="Cite and freeze these figures").click()
    page.wait_for_selector("text=Evidence cited; its figures are frozen.")
    cited = Evidence.objects.get()
    assert cited.snapshot["figures"]["agreement"] == 1.0

    more_disagreement(consultation, people=4)
    page.goto(f"/strategies/{strategy.slug}/evidence/{cited.pk}/")
    assert page.get_by_text("The live result has moved:").first.is_visible()
    page.screenshot(path=str(shots / "evidence_detail.png"), full_page=True)
    page.goto(f"/strategies/{strategy.slug}/")
    flag = page.locator(".evidence-moved")
    assert "agreement 100 % → 75 %" in flag.first.inner_text()
    page.screenshot(path=str(shots / "strategy_drift.png"), full_page=True)
