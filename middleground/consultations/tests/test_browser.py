"""Vote through a consultation in a real browser, by mouse and keyboard, then see the results."""

import re

import pytest
from django.core.cache import cache

from conftest import PASSWORD
from middleground.consultations import services
from middleground.consultations.models import Participant, Statement, Vote

pytestmark = pytest.mark.browser


def test_it_votes_adds_a_statement_and_sees_the_results(world, browser_page, make_consultation):
    cache.clear()
    consultation = make_consultation(anonymity="pseudonymous")
    page = browser_page
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto(f"/consultations/{consultation.slug}/")
    page.get_by_role("link", name="Take part").click()
    page.wait_for_url(re.compile(r"/participate/$"))
    card = page.locator("#vote-card")
    first = card.locator("blockquote").inner_text()
    card.get_by_role("button", name="Agree", exact=True).click()  # htmx swaps in the next statement
    page.wait_for_function(
        "t => document.querySelector('#vote-card blockquote')?.innerText !== t", arg=first
    )
    second = card.locator("blockquote").inner_text()
    page.keyboard.press("d")  # keyboard shortcut: disagree
    page.wait_for_function(
        "t => document.querySelector('#vote-card blockquote')?.innerText !== t", arg=second
    )
    card.get_by_role("button", name="Pass / unsure").focus()
    page.keyboard.press("Enter")  # a focused button by keyboard
    card.get_by_text("You have voted on every statement").wait_for()
    votes = dict(
        Vote.objects.filter(participant__user=world.users["bob"]).values_list(
            "statement__text", "value"
        )
    )
    assert votes[first] == 1 and votes[second] == -1 and sorted(votes.values()) == [-1, 0, 1]

    page.get_by_label("Your statement").fill("Regional groups should rotate a shared seat.")
    page.get_by_role("button", name="Submit statement").click()
    page.get_by_text("your statement is published").wait_for()
    assert Statement.objects.filter(text__startswith="Regional groups should rotate").exists()

    participant = Participant.objects.get(user=world.users["bob"])
    assert participant.votes.count() == 3
    services.run_analysis(consultation_id=consultation.pk)
    page.get_by_role("link", name="Results").first.click()
    page.wait_for_url(re.compile(r"/results/$"))
    page.get_by_text(re.compile(r"Analysis version \d+")).wait_for()
    assert page.get_by_role("heading", name="Consensus by three measures").is_visible()
    assert page.csp_errors == []


def test_it_votes_without_javascript(world, browser_page, make_consultation):
    cache.clear()
    consultation = make_consultation()  # public and anonymous: no sign-in needed
    page = browser_page
    page.context.route("**/*.js", lambda route: route.abort())
    page.goto(f"/consultations/{consultation.slug}/participate/")
    for _ in range(3):
        page.locator("#vote-card").get_by_role("button", name="Agree", exact=True).click()
        page.wait_for_load_state()
    page.get_by_text("You have voted on every statement").wait_for()
    assert Vote.objects.filter(consultation=consultation).count() == 3
    assert Participant.objects.get(consultation=consultation).user is None
