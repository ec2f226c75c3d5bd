"""The header's site search (issue 19, item 4): one box across people (by expertise and
focus area), institutions, task forces, consultations, Delphi studies, strategies, forum
events and the library, each group counted and linked, each app's visibility kept."""

import re

import pytest
from django.urls import reverse

from conftest import client_for
from middleground.consultations import services as consultation_services
from middleground.consultations.models import Anonymity, Status, Visibility
from middleground.delphi.tests.factories import draft_study
from middleground.forum.tests.factories import event
from middleground.library import services as library_services
from middleground.library.models import Access
from middleground.network.models import Expert
from middleground.network.models import Visibility as ProfileVisibility
from middleground.strategies.tests.factories import drafting_strategy

URL = "/me/search/"

WATER_TEXT = (
    "Transboundary water sharing in Central Asia\n\n"
    "The Syr Darya and Amu Darya basins need a joint water data exchange between the "
    "riparian states, with seasonal release schedules agreed a year ahead."
)


def _consultation(world, title, status):
    return consultation_services.create_consultation(
        actor=world.users["alice"],
        data={
            "title": title,
            "question": "How should the basin states share water data?",
            "visibility": Visibility.PUBLIC,
            "anonymity": Anonymity.ANONYMOUS,
            "status": status,
            "statements": ["Data first.", "Schedules a year ahead.", "A joint commission."],
        },
    )


@pytest.fixture
def water(world):
    """Experts found only by focus area or bio; one network-only; documents of two kinds
    of access; a draft and an open consultation; a draft strategy, study and an event."""
    alice = world.users["alice"]
    # Bob's profile (public) has "Water security" as focus area and no "water" in its text.
    world.hidden_expert.focus_areas.set([world.water])  # network-only
    by_bio = Expert.objects.create(
        name="Aigerim Hydro",
        slug="aigerim-hydro",
        country_id="KZ",
        title="Senior fellow",
        bio="Works on glaciers and water allocation.",
        visibility=ProfileVisibility.PUBLIC,
    )
    unrelated = Expert.objects.create(
        name="Sam Security",
        slug="sam-security",
        country_id="KR",
        visibility=ProfileVisibility.PUBLIC,
    )
    unrelated.focus_areas.set([world.security])
    public_doc = library_services.ingest_file(
        actor=alice, data=WATER_TEXT.encode(), filename="basins.txt"
    )[0]
    network_doc = library_services.ingest_file(
        actor=alice,
        data=b"Network memo on water tariffs\n\nInternal notes on water tariffs and meters.",
        filename="memo.txt",
        access=Access.NETWORK,
    )[0]
    return {
        "by_bio": by_bio,
        "unrelated": unrelated,
        "public_doc": public_doc,
        "network_doc": network_doc,
        "open": _consultation(world, "Basin data (test)", Status.OPEN),
        "draft": _consultation(world, "Draft basin consultation (test)", Status.DRAFT),
        "strategy": drafting_strategy(world),  # "Water data strategy (test)", drafting
        "study": draft_study(alice, title="Water futures study (test)"),
        "event": event(world, name="Water forum test"),
    }


def _search(world, persona, q="water", **params):
    response = client_for(world, persona).get(URL, {"q": q, **params})
    assert response.status_code == 200
    return response.content.decode()


def _results(html):
    """The list of results of a page showing one group in full."""
    found = re.search(r'<ul class="search-results">(.*?)</ul>', html, re.S)
    assert found
    return found.group(1)


def _count(html, key):
    """The count shown in the heading of a result group."""
    found = re.search(rf'id="heading-{key}">[^<]*<span class="muted">\((\d+)\)', html)
    assert found, key
    return int(found.group(1))


def test_header_form_sends_to_the_site_search(world):
    html = client_for(world, "anonymous").get("/").content.decode()
    form = re.search(r'<form class="site-search"[^>]*action="([^"]+)"', html)
    assert form and form.group(1) == reverse("dashboard:search") == URL


def test_water_finds_the_water_experts_a_document_and_the_task_force(world, water):
    html = _search(world, "anonymous")
    # Bob is found by his focus area only, Aigerim by her bio; Sam (security) is not.
    assert world.bob_profile.get_absolute_url() in html
    assert water["by_bio"].get_absolute_url() in html
    assert water["unrelated"].get_absolute_url() not in html
    assert _count(html, "experts") == 2
    assert world.task_force.get_absolute_url() in html
    assert _count(html, "task_forces") == 1
    assert water["public_doc"].get_absolute_url() in html
    assert _count(html, "library") == 1
    # The library's full search is a click away, with the words carried over.
    assert f'href="{reverse("library:index")}?q=water"' in html
    # Astana has "Water security" among its focus areas.
    assert world.astana.get_absolute_url() in html
    assert water["open"].get_absolute_url() in html
    assert water["event"].get_absolute_url() in html


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("anonymous", set()),
        ("dave", set()),
        ("bob", {"hidden_expert", "network_doc", "strategy"}),
        ("carol", {"hidden_expert", "network_doc", "strategy"}),
        ("alice", {"hidden_expert", "network_doc", "strategy", "draft", "study"}),
    ],
)
def test_each_persona_sees_only_what_the_apps_let_them(world, water, persona, sees):
    html = _search(world, persona)
    restricted = {
        "hidden_expert": world.hidden_expert,  # network-only profile
        "network_doc": water["network_doc"],  # network-only document
        "strategy": water["strategy"],  # drafting: its task force, the lead, secretariat
        "draft": water["draft"],  # draft consultation: secretariat and moderators
        "study": water["study"],  # draft study: the secretariat
    }
    for key, obj in restricted.items():
        assert (obj.get_absolute_url() in html) == (key in sees), (persona, key)
    assert _count(html, "experts") == 2 + ("hidden_expert" in sees)
    assert _count(html, "library") == 1 + ("network_doc" in sees)
    assert _count(html, "consultations") == 1 + ("draft" in sees)
    # What everyone may see is there for every persona.
    assert world.bob_profile.get_absolute_url() in html
    assert water["public_doc"].get_absolute_url() in html


def test_a_group_in_full_keeps_visibility(world, water):
    for n in range(6):
        Expert.objects.create(
            name=f"Water Person {n}", slug=f"water-person-{n}", country_id="KZ"
        ).focus_areas.set([world.water])
    html = _search(world, "anonymous")
    assert _count(html, "experts") == 8
    more = f"{URL}?q=water&amp;group=experts"
    assert more in html  # more than the overview shows
    full = _results(_search(world, "anonymous", group="experts"))
    assert full.count('<li><a href="/network/experts/') == 8
    assert world.hidden_expert.get_absolute_url() not in full
    member = _results(_search(world, "bob", group="experts"))
    assert member.count('<li><a href="/network/experts/') == 9


def test_empty_query_searches_nothing(world, water):
    html = _search(world, "dave", q="   ")
    assert 'id="heading-experts"' not in html
    assert world.bob_profile.get_absolute_url() not in html


def test_user_text_is_escaped(world):
    html = _search(world, "anonymous", q="<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.browser
def test_header_search_by_keyboard_in_a_browser(world, water, browser_page):
    import os
    from pathlib import Path

    page = browser_page
    page.goto("/")
    page.get_by_label("Search the site").fill("water")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/me/search/\?q=water"))
    page.get_by_role("heading", name="Experts (2)").wait_for()
    shots = os.environ.get("MG_SCREENSHOTS", "")
    for width, name in ((1280, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        # Nothing wider than the screen on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(shots) / f"search-{name}.png"), full_page=True)
    page.get_by_role("link", name="Bob Bekov").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Bob Bekov"
    assert page.csp_errors == []
