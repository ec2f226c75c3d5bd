"""Keyboard-only walks through the main tasks (issue 21, item 6): voting on statements, answering
a Delphi round, endorsing a strategy for an institution, registering for a forum event.

After the first address of each walk, the browser gets nothing but key presses (Tab,
Shift+Tab, Enter, Space, the arrow keys) and typed text: no clicks, no ``fill``. Every stop
that Tab lands on must show where the focus is (the site's ``:focus-visible`` outline), and
each walk ends by checking the database.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import PASSWORD
from middleground.consultations import services as consultations
from middleground.consultations.models import Anonymity, Status, Visibility, Vote
from middleground.delphi.models import Answer, ItemKind
from middleground.delphi.tests.factories import make_panellist, running_study
from middleground.forum.models import Registration, RegistrationStatus
from middleground.forum.tests.factories import event
from middleground.strategies.models import Endorsement
from middleground.strategies.tests.factories import open_strategy

pytestmark = pytest.mark.browser

#: Set MG_SCREENSHOTS=<dir> to keep screenshots of the focused stops (to look at them).
SHOTS = os.environ.get("MG_SCREENSHOTS", "")

#: What the focused element is, by what a keyboard user perceives: its tag, type, accessible
#: name (aria-label, label, text) and whether the focus is drawn (an outline, or a shadow).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) { return null; }
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  const name = (el.getAttribute('aria-label') || label || el.innerText || el.value || '')
    .replace(/\\s+/g, ' ').trim();
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return {
    tag: el.tagName.toLowerCase(),
    type: el.getAttribute('type') || '',
    field: el.getAttribute('name') || '',
    name: name,
    visible: outline || style.boxShadow !== 'none',
    focusVisible: el.matches(':focus-visible'),
  };
}"""


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"keyboard-{name}.png"))


def _describe(focused: dict | None) -> str:
    if focused is None:
        return "(nothing)"
    kind = focused["tag"] + (f"[{focused['type']}]" if focused["type"] else "")
    return f"{kind} {focused['name'][:40]!r}"


def tab_to(
    page,
    *,
    name: str | None = None,
    field: str | None = None,
    tag: str | None = None,
    back: bool = False,
    limit: int = 120,
) -> dict:
    """Press Tab (Shift+Tab with ``back``) until the focus is on the element of that accessible
    name (its start), form field name or tag; each stop on the way must show its focus."""
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focused = page.evaluate(FOCUSED)
        seen.append(_describe(focused))
        if focused is None:
            continue
        assert focused["focusVisible"] and focused["visible"], (
            f"the keyboard focus is not shown on {_describe(focused)} ({page.url})"
        )
        if (
            (name is None or focused["name"].startswith(name))
            and (field is None or focused["field"] == field)
            and (tag is None or focused["tag"] == tag)
        ):
            return focused
    raise AssertionError(
        f"Tab never reached name={name!r} field={field!r} tag={tag!r} on {page.url}; "
        f"the last stops: {', '.join(seen[-12:])}"
    )


def skip_to_content(page) -> None:
    """The first Tab stop of every page is the skip link; Enter moves on to the page's content,
    past the header's two dozen stops."""
    focused = tab_to(page, limit=1)
    assert focused["name"] == "Skip to content", _describe(focused)
    shot(page, "skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def sign_in_by_keyboard(page, username: str, next_path: str) -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    skip_to_content(page)
    tab_to(page, name="Username", tag="input")
    page.keyboard.type(username)
    tab_to(page, name="Password", tag="input")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == next_path)
    skip_to_content(page)


def test_the_focus_outline_is_in_the_sites_stylesheet():
    """The walks below see the outline in the browser; this names where it comes from."""
    from pathlib import Path

    css = (Path(__file__).parents[1] / "static" / "core" / "site.css").read_text()
    rule = re.search(r":focus-visible\s*\{([^}]*)\}", css)
    assert rule is not None and "outline: 3px solid" in rule.group(1)
    assert "box-shadow: 0 0 0 2px" in rule.group(1)  # the second colour, for light backgrounds


def test_bob_votes_on_every_statement_with_the_keyboard_only(world, browser_page):
    consultation = consultations.create_consultation(
        actor=world.users["alice"],
        data={
            "title": "Security Council reform (keyboard)",
            "question": "How should the Security Council be reformed?",
            "visibility": Visibility.PUBLIC,
            "anonymity": Anonymity.PSEUDONYMOUS,
            "status": Status.OPEN,
            "statements": [
                "The veto should be limited in cases of mass atrocities.",
                "Africa should have permanent seats.",
                "Middle powers should get longer non-permanent terms.",
            ],
        },
    )
    page = browser_page
    detail = f"/consultations/{consultation.slug}/"
    sign_in_by_keyboard(page, "bob", detail)
    tab_to(page, name="Take part", tag="a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/participate/(#main)?$"))
    skip_to_content(page)

    card = page.locator("#vote-card")
    expected = {}
    for key, value in (("Enter", 1), ("Space", -1), ("Enter", 0)):
        statement = card.locator("blockquote").inner_text()
        button = {1: "Agree", -1: "Disagree", 0: "Pass / unsure"}[value]
        # after a vote the card is replaced and the focus comes back to the same choice on
        # the next statement, so the next button is a Tab or two ahead
        tab_to(page, name=button, tag="button")
        shot(page, f"vote-{value}")
        page.keyboard.press(key)
        expected[statement] = value
        page.wait_for_function(
            "t => document.querySelector('#vote-card blockquote')?.innerText !== t", arg=statement
        )
        page.wait_for_function(
            "() => document.getElementById('vote-card')?.contains(document.activeElement)"
        )
    card.get_by_text("You have voted on every statement").wait_for()
    votes = dict(
        Vote.objects.filter(participant__user=world.users["bob"]).values_list(
            "statement__text", "value"
        )
    )
    assert votes == expected
    assert page.csp_errors == []


def test_bob_answers_a_delphi_round_with_the_keyboard_only(world, browser_page):
    study = running_study(
        world.users["alice"],
        [world.users["bob"], make_panellist("expert1", world.astana)],
        title="Basin study (keyboard)",
    )
    items = {item.kind: item for item in study.items.all()}
    page = browser_page
    sign_in_by_keyboard(page, "bob", f"/delphi/{study.slug}/")
    tab_to(page, name="Answer round 1", tag="a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/answer/(#main)?$"))
    skip_to_content(page)

    likert = items[ItemKind.LIKERT]
    tab_to(page, field=f"item_{likert.pk}")  # the scale is one stop: its first point
    page.keyboard.press("Space")  # 1
    shot(page, "delphi-scale")
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # 2, 3, 4: arrows move the choice in a radio group
    tab_to(page, field=f"rationale_{likert.pk}")
    page.keyboard.type("Shared data build trust.")
    tab_to(page, field=f"item_{items[ItemKind.NUMERIC].pk}")
    page.keyboard.type("2050")
    ranking = items[ItemKind.RANKING]
    for option, position in zip(ranking.options, (3, 1, 2), strict=True):
        tab_to(page, field=f"item_{ranking.pk}_{option['id']}", tag="select")
        for _ in range(position):
            page.keyboard.press("ArrowDown")  # from "—" to the position
    pair = items[ItemKind.PAIR]
    tab_to(page, field=f"item_{pair.pk}_desirability")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")  # 2
    tab_to(page, field=f"item_{pair.pk}_feasibility")
    page.keyboard.press("Space")
    for _ in range(4):
        page.keyboard.press("ArrowRight")  # 5
    tab_to(page, field=f"item_{items[ItemKind.TEXT].pk}", tag="textarea")
    page.keyboard.type("Glacier data from the upstream states.")
    tab_to(page, name="Save my answers", tag="button")
    page.keyboard.press("Enter")
    page.get_by_text("Your answers are saved").wait_for()

    answers = {a.item.kind: a for a in Answer.objects.filter(round__study=study)}
    assert answers[ItemKind.LIKERT].value == 4
    assert answers[ItemKind.LIKERT].rationale == "Shared data build trust."
    assert answers[ItemKind.NUMERIC].value == 2050.0
    ids = [o["id"] for o in ranking.options]
    assert answers[ItemKind.RANKING].value == [ids[1], ids[2], ids[0]]  # positions 1, 2, 3
    assert answers[ItemKind.PAIR].value == {"desirability": 2, "feasibility": 5}
    assert answers[ItemKind.TEXT].value == "Glacier data from the upstream states."
    assert page.csp_errors == []


def test_carol_endorses_a_strategy_for_her_institution_with_the_keyboard_only(world, browser_page):
    strategy = open_strategy(world)
    page = browser_page
    sign_in_by_keyboard(page, "carol", f"/strategies/{strategy.slug}/endorse/")
    tab_to(page, name="Endorse", field="position")  # the positions are one radio group
    page.keyboard.press("ArrowDown")  # Endorse with a reservation (and checked)
    shot(page, "endorse-position")
    tab_to(page, name="Reservation", tag="textarea")
    page.keyboard.type("We do not endorse the monthly schedule.")
    tab_to(page, name="Paragraphs the reservation concerns", tag="input")
    page.keyboard.type("3")
    tab_to(page, name="Send the answer", tag="button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/endorsements/(#main)?$"))

    endorsement = Endorsement.objects.get(call__strategy=strategy, current=True)
    assert endorsement.institution == world.seoul
    assert endorsement.by == world.users["carol"]
    assert endorsement.position == "endorse_with_reservation"
    assert endorsement.reservation == "We do not endorse the monthly schedule."
    assert endorsement.reservation_paragraphs == [3]
    assert page.csp_errors == []


def test_dave_registers_for_a_forum_event_with_the_keyboard_only(world, browser_page):
    forum = event(world, capacity=5)
    page = browser_page
    sign_in_by_keyboard(page, "dave", f"/forum/{forum.slug}/")
    tab_to(page, name="Register", tag="a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/register/(#main)?$"))
    skip_to_content(page)
    tab_to(page, field="type")
    page.keyboard.press("Space")  # the one open type: General
    shot(page, "register-type")
    tab_to(page, name="Register", tag="button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/registration/(#main)?$"))

    registration = Registration.objects.get(event=forum, user=world.users["dave"])
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.type.name == "General"
    assert page.csp_errors == []


def test_a_visitor_switches_to_kazakh_with_the_keyboard_only(world, browser_page):
    """The arrow keys move through the languages without leaving the page; the button
    switches (a select that submitted on change reloaded at the first arrow press)."""
    page = browser_page
    page.goto("/forum/")
    tab_to(page, field="language", tag="select")
    page.keyboard.press("ArrowDown")  # Русский
    page.keyboard.press("ArrowDown")  # Қазақ
    assert page.locator("html").get_attribute("lang") == "en"  # still the same page
    tab_to(page, name="Change language", tag="button")
    shot(page, "language")
    page.keyboard.press("Enter")
    page.wait_for_function("document.documentElement.lang === 'kk'")
    assert urlsplit(page.url).path == "/forum/"
    assert page.locator("#language").input_value() == "kk"
