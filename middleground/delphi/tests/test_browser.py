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


def test_mixed_study_launches_and_an_answer_error_is_corrected(
    transactional_db, world, browser_page
):
    """Issue 19: a 1–5 agreement item and a year estimate; the year gets its own rule."""
    alice, bob = world.users["alice"], world.users["bob"]
    study = draft_study(
        alice,
        title="Mixed study",
        items=[
            (ItemKind.LIKERT, "A joint basin commission", {"points": 5}),
            (
                ItemKind.NUMERIC,
                "Which year will demand exceed supply?",
                {"lower": 2025, "upper": 2060},
            ),
        ],
        rules={"min_answers": 3, "percent_agreement": {"low": 4, "high": 5, "min_percent": 70}},
    )
    services.invite_panel(
        actor=alice, study=study, emails=[bob.email], accept_url_base="http://x/a"
    )
    year = study.items.get(kind=ItemKind.NUMERIC)
    page = browser_page
    _sign_in(page, "alice")

    page.goto(f"/delphi/{study.slug}/")
    page.get_by_role("button", name="Launch (locks the rules)").click()
    page.get_by_text("does not fit the item's scale (2025 to 2060)").wait_for()
    page.get_by_role("link", name="Edit item 2").click()
    page.get_by_label("Own rule: Minimum number of answers").fill("3")
    page.get_by_label("Own rule: Largest interquartile range").fill("5")
    page.get_by_role("button", name="Save item").click()
    page.get_by_text("Item saved.").wait_for()
    page.get_by_role("button", name="Launch (locks the rules)").click()
    page.get_by_text("The study is running; its rules are locked.").wait_for()
    study.refresh_from_db()
    assert study.is_running

    page.context.clear_cookies()
    _sign_in(page, "bob")
    page.goto(f"/delphi/{study.slug}/answer/")
    page.get_by_label("4 · Agree").check()
    estimate = page.get_by_label("Your estimate, from 2025 to 2060")
    estimate.fill("2070")
    page.get_by_role("button", name="Save my answers").click()
    page.get_by_text("Nothing was saved").wait_for()
    assert estimate.input_value() == "2070"
    assert estimate.get_attribute("aria-invalid") == "true"
    assert page.get_by_label("4 · Agree").is_checked()
    assert not Answer.objects.filter(round__study=study).exists()

    estimate.fill("2040")
    page.get_by_role("button", name="Save my answers").click()
    page.get_by_text("Your answers are saved").wait_for()
    assert Answer.objects.get(item=year).value == 2040.0
    assert Answer.objects.get(item__kind=ItemKind.LIKERT, round__study=study).value == 4
    assert page.csp_errors == []
