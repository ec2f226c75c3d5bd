"""A panellist answers two rounds in a real browser (Chromium via Playwright)."""

import re

import pytest

from conftest import PASSWORD
from middleground.delphi import services
from middleground.delphi.models import Answer, ItemKind

from .factories import draft_study

pytestmark = pytest.mark.browser


def _sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_panellist_answers_two_rounds_with_feedback(transactional_db, world, browser_page):
    alice, bob = world.users["alice"], world.users["bob"]
    study = draft_study(
        alice,
        title="Browser study",
        items=[
            (ItemKind.LIKERT, "Share basin data", {"points": 5}),
            (ItemKind.RANKING, "Rank the priorities", {"options": ["Data", "Irrigation"]}),
        ],
        rules={"min_answers": 3, "max_iqr": 0},
    )
    services.invite_panel(
        actor=alice, study=study, emails=[bob.email], accept_url_base="http://x/a"
    )
    services.launch_study(actor=alice, study=study)
    likert = study.items.get(kind=ItemKind.LIKERT)
    page = browser_page
    _sign_in(page, "bob")

    page.goto("/delphi/")
    page.get_by_role("link", name="Browser study").click()
    page.get_by_role("link", name="Answer round 1").click()
    page.get_by_label("2 · Disagree").check()
    page.get_by_label("Your reasons (optional, shown to the panel without your name)").first.fill(
        "Data are sensitive."
    )
    page.get_by_label("Data", exact=True).select_option("2")
    page.get_by_label("Irrigation", exact=True).select_option("1")
    page.get_by_role("button", name="Save my answers").click()
    page.get_by_text("Your answers are saved").wait_for()
    assert Answer.objects.filter(round__number=1).count() == 2

    services.close_round(actor=alice, round=study.open_round())
    services.open_next_round(actor=alice, study=study)

    page.goto(f"/delphi/{study.slug}/")
    page.get_by_role("link", name="Answer round 2").click()
    page.get_by_text("What the panel answered in round 1").first.wait_for()
    page.get_by_text("Pre-filled with your answer from the previous round").first.wait_for()
    assert page.get_by_label("2 · Disagree").is_checked()
    assert page.locator("canvas[data-chart]").count() >= 1
    page.get_by_label("4 · Agree").check()
    page.get_by_role("button", name="Save my answers").click()
    page.get_by_text("Your answers are saved").wait_for()
    assert Answer.objects.get(round__number=2, item=likert).value == 4
    assert Answer.objects.get(round__number=2, item__kind=ItemKind.RANKING).value == ["o2", "o1"]
    assert page.csp_errors == []
