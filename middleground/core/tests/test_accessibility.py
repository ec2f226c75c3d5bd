"""axe-core on every main page of every app, in English, Russian and Kazakh (issue 21, item 6).

The demo world is loaded once; each page is opened in headless Chromium as the persona who
would use it, in each language (the ``django_language`` cookie, as the site's language switcher
sets it), and axe-core runs the WCAG 2.0/2.1 A and AA rules and its best practices. A
``serious`` or ``critical`` violation fails the test, naming the page, the language, the rule
and the first elements it concerns. Lesser findings (``minor``, ``moderate``) are not failures.

axe-core is a test asset vendored from the npm registry (``vendor/axe-core/``, README there),
never served to users. The pages' CSP (``script-src 'self'``) blocks Playwright's
``add_script_tag`` (an inline script), so the file's text is run with ``page.evaluate``,
which goes through the DevTools protocol and is not subject to the page's CSP; the pages'
own CSP stays as it is and still applies to everything else.
"""

import hashlib
import os
import re
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from middleground.network.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

#: Set MG_SCREENSHOTS=<dir> to keep a screenshot of every page in every language.
SHOTS = os.environ.get("MG_SCREENSHOTS", "")

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
LANGUAGES = ("en", "ru", "kk")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING = ("serious", "critical")
#: a made-up address whose answer the browser is given: the site's 500 page
SERVER_ERROR_PATH = "/__accessibility_500__/"
#: and one with known faults, to show that the check finds what it should
BROKEN_PATH = "/__accessibility_broken__/"
BROKEN_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><title>Broken</title>'
    '<link rel="stylesheet" href="/static/core/site.css"></head><body><main>'
    '<h1>Broken</h1><img src="/static/core/favicon.svg">'
    '<p><input type="text" name="q"></p>'
    "</main></body></html>"
)

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    count: v.nodes.length,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
  }));
}"""


def _pages() -> dict[str, list[tuple[str, str, int]]]:
    """The main pages of every app, by the persona who would open them: (name, path, status)."""
    from middleground.accountability.demo import STRATEGY_TITLE
    from middleground.accountability.models import CellResult, CommitmentMember, Cycle
    from middleground.consultations.demo import POLIS_SLUG
    from middleground.consultations.models import Consultation
    from middleground.delphi.demo import RUNNING_SLUG
    from middleground.delphi.demo import SLUG as DELPHI_DONE
    from middleground.forum.demo import AIF_SLUG, ATTF_SLUG
    from middleground.forum.models import Event, LiveRoom, Session, Speaker
    from middleground.library.models import Document
    from middleground.network.models import Expert, Institution, TaskForce
    from middleground.notifications.demo import INVITED_SLUG
    from middleground.reformlab.demo import DEMO_SLUG
    from middleground.strategies.models import Strategy

    consultation = Consultation.objects.get(slug="unsc-reform-demo")
    document = Document.objects.order_by("pk").first()
    adopted = Strategy.objects.get(title=STRATEGY_TITLE)
    endorsing = Strategy.objects.exclude(pk=adopted.pk).order_by("pk").first()
    cycle = Cycle.objects.order_by("pk").first()
    cell = CellResult.objects.order_by("pk").first()
    member = CommitmentMember.objects.order_by("pk").first()
    aif = Event.objects.get(slug=AIF_SLUG)
    attf = Event.objects.get(slug=ATTF_SLUG)
    session = Session.objects.filter(event=aif).order_by("pk").first()
    speaker = Speaker.objects.filter(event=aif).order_by("pk").first()
    room = LiveRoom.objects.order_by("pk").first()
    institution = Institution.objects.get(acronym="KazISS")
    expert = Expert.objects.filter(institution=institution).order_by("pk").first()
    task_force = TaskForce.objects.order_by("pk").first()
    assert document and endorsing and cycle and cell and member and session and speaker and room
    assert expert and task_force
    a, e, c = adopted.slug, endorsing.slug, consultation.slug
    return {
        "anonymous": [
            ("home", reverse("core:home"), 200),
            ("sign-in", reverse("accounts:login"), 200),
            ("sign-up", reverse("account_signup"), 200),
            ("missing page (404)", "/no-such-page/", 404),
            ("server error (500)", SERVER_ERROR_PATH, 500),
            ("consultations list", reverse("consultations:index"), 200),
            ("consultation page", reverse("consultations:detail", args=[c]), 200),
            ("consultation results", reverse("consultations:results", args=[c]), 200),
            (
                "Polis consultation results",
                reverse("consultations:results", args=[POLIS_SLUG]),
                200,
            ),
            ("Delphi list", reverse("delphi:studies"), 200),
            ("Delphi results", reverse("delphi:results", args=[DELPHI_DONE]), 200),
            ("library list", reverse("library:index"), 200),
            ("library document", reverse("library:document", args=[document.pk]), 200),
            ("reform lab", reverse("reformlab:index"), 200),
            ("reform-lab comparison", reverse("reformlab:compare"), 200),
            ("reform-lab scenario", reverse("reformlab:scenario", args=[DEMO_SLUG]), 200),
            ("experts", reverse("network:experts"), 200),
            ("expert profile", reverse("network:expert", args=[expert.slug]), 200),
            ("institutions", reverse("network:institutions"), 200),
            ("institution profile", reverse("network:institution", args=[institution.slug]), 200),
            ("task forces", reverse("network:task_forces"), 200),
            ("task force", reverse("network:task_force", args=[task_force.slug]), 200),
            ("countries", reverse("network:countries"), 200),
            ("country", reverse("network:country", args=["KZ"]), 200),
            ("focus areas", reverse("network:focus_areas"), 200),
            ("strategies list", reverse("strategies:list"), 200),
            ("strategy page", reverse("strategies:detail", args=[a]), 200),
            ("strategy endorsements", reverse("strategies:endorsements", args=[e]), 200),
            ("accountability list", reverse("accountability:index"), 200),
            ("accountability dashboard", reverse("accountability:dashboard", args=[a]), 200),
            ("commitments", reverse("accountability:commitments", args=[a]), 200),
            (
                "accountability member",
                reverse("accountability:member", args=[member.kind, member.member_id]),
                200,
            ),
            ("forum events", reverse("forum:events"), 200),
            ("forum event", reverse("forum:event", args=[aif.slug]), 200),
            ("forum programme", reverse("forum:programme", args=[aif.slug]), 200),
            ("forum session", session.get_absolute_url(), 200),
            ("forum speaker", reverse("forum:speaker", args=[aif.slug, speaker.slug]), 200),
            ("live room join", reverse("live:join"), 200),
            ("live room (audience)", reverse("live:audience", args=[room.code]), 200),
            ("live projector", reverse("live:screen", args=[room.code]), 200),
        ],
        "bob": [
            ("My page", reverse("dashboard:me"), 200),
            ("search", reverse("dashboard:search") + "?q=water", 200),
            ("notifications", reverse("notifications:list"), 200),
            ("notification preferences", reverse("notifications:preferences"), 200),
            ("profile", reverse("accounts:profile"), 200),
            ("library search", reverse("library:index") + "?q=water", 200),
            ("consultation report", reverse("consultations:report", args=[c]), 200),
            (
                "forum registration (registered)",
                reverse("forum:my_registration", args=[attf.slug]),
                200,
            ),
            ("vote page", reverse("consultations:participate", args=[INVITED_SLUG]), 200),
            ("Delphi study", reverse("delphi:study", args=[RUNNING_SLUG]), 200),
            ("Delphi answer form", reverse("delphi:answer", args=[RUNNING_SLUG]), 200),
            ("strategy draft page", reverse("strategies:detail", args=[e]), 200),
            ("accountability cycle", reverse("accountability:cycle", args=[cycle.pk]), 200),
            ("accountability cell", reverse("accountability:cell", args=[cell.pk]), 200),
        ],
        "carol": [
            ("endorsement form", reverse("strategies:endorse", args=[e]), 200),
        ],
        "dave": [
            ("forum registration", reverse("forum:register", args=[attf.slug]), 200),
            ("forbidden page (403)", reverse("accounts:audit"), 403),
        ],
        "alice": [
            ("home (secretariat)", reverse("core:home"), 200),
            ("audit log", reverse("accounts:audit"), 200),
            ("strategy comparison", reverse("strategies:compare", args=[a]), 200),
            ("reform-lab builder", reverse("reformlab:builder"), 200),
            ("forum registrations", reverse("forum:registrations", args=[attf.slug]), 200),
        ],
    }


def _sign_in(page, persona: str) -> None:
    page.context.clear_cookies()
    if persona == "anonymous":
        return
    page.goto(reverse("accounts:login"))
    page.fill("main input[autocomplete=username]", persona)
    page.fill("main input[autocomplete=current-password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _set_language(page, base_url: str, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])


def _server_error_page(language: str) -> str:
    """The site's 500 page as Django renders it (a live server cannot be made to fail)."""
    with translation.override(language):
        return server_error(RequestFactory().get("/")).content.decode()


def _serious(page, axe_source: str) -> list[dict]:
    # Fragments that htmx loads with the page (hx-trigger="load") are part of what it shows.
    page.wait_for_function("!document.querySelector('.htmx-request')", timeout=10_000)
    page.evaluate(axe_source)
    return [v for v in page.evaluate(RUN_AXE, TAGS) if v["impact"] in FAILING]


def test_no_main_page_has_a_serious_accessibility_violation_in_any_language(
    transactional_db, browser_page, live_server
) -> None:
    from middleground.forum.demo import ATTF_SLUG
    from middleground.forum.models import Event
    from middleground.network.models import Bloc, Country, FocusArea
    from middleground.network.registry_data import sync_countries, sync_default_focus_areas

    # A transactional test starts with the data migrations flushed.
    if not FocusArea.objects.exists():
        sync_countries(Country, Bloc)
        sync_default_focus_areas(FocusArea)
    call_command("demo", verbosity=0)
    # The demo's events have closed their registration: open one, to check its form.
    Event.objects.filter(slug=ATTF_SLUG).update(registration_open=True)

    page = browser_page
    axe_source = AXE.read_text(encoding="utf-8")
    error_pages = {language: _server_error_page(language) for language in LANGUAGES}
    current = {"language": "en"}
    page.route(
        f"**{SERVER_ERROR_PATH}",
        lambda route: route.fulfill(
            status=500, content_type="text/html", body=error_pages[current["language"]]
        ),
    )

    page.route(
        f"**{BROKEN_PATH}",
        lambda route: route.fulfill(status=200, content_type="text/html", body=BROKEN_PAGE),
    )
    page.goto(BROKEN_PATH)
    assert {v["id"] for v in _serious(page, axe_source)} >= {"image-alt", "label"}

    found: list[str] = []
    checked = 0
    started = time.monotonic()
    for persona, pages in _pages().items():
        _sign_in(page, persona)
        for language in LANGUAGES:
            _set_language(page, live_server.url, language)
            current["language"] = language
            for name, path, status in pages:
                response = page.goto(path)
                assert response is not None and response.status == status, (
                    f"{name} ({path}) as {persona} in {language}: "
                    f"{response.status if response else 'no answer'}, expected {status}"
                )
                assert page.locator("html").get_attribute("lang") == language, (
                    f"{name} ({path}) as {persona} is not in {language}"
                )
                for violation in _serious(page, axe_source):
                    found.append(
                        f"{name} ({path}) as {persona}, {language}: {violation['id']} "
                        f"[{violation['impact']}] {violation['help']}; {violation['count']} "
                        f"element(s), first: {'; '.join(violation['targets'])}"
                    )
                if SHOTS:
                    Path(SHOTS).mkdir(parents=True, exist_ok=True)
                    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
                    page.screenshot(path=str(Path(SHOTS) / f"a11y-{language}-{persona}-{slug}.png"))
                checked += 1
    print(f"axe-core: {checked} page views in {time.monotonic() - started:.0f} s")
    assert checked >= 3 * 50
    assert found == [], "\n".join(found)


def test_the_vendored_axe_core_is_the_file_its_readme_names():
    readme = (AXE.parent / "README.md").read_text(encoding="utf-8")
    named = re.search(r"sha256 of `axe.min.js`: ([0-9a-f]{64})", readme)
    assert named is not None
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == named.group(1)
    assert AXE.read_text(encoding="utf-8").startswith("/*! axe v4.14.1")
