"""No main page is wider than a phone's screen (390 CSS pixels) on the demo world.

Every app's main pages are opened as the persona who would use them; a page whose document
is wider than the viewport makes the reader scroll sideways. The failure names the page and
its widest elements.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from middleground.network.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

WIDTH = 390

# The elements sticking out furthest past the right edge (the culprits, not their parents).
WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0 && !clipped(el)) {
      let name = el.tagName.toLowerCase();
      if (el.id) name += '#' + el.id;
      if (el.classList.length) name += '.' + Array.from(el.classList).join('.');
      out.push([Math.round(box.right), name]);
    }
  }
  out.sort((a, b) => b[0] - a[0]);
  return out.slice(0, 4).map(([right, name]) => name + ' (' + right + 'px)').join(', ');
}"""


def _pages() -> dict[str, list[tuple[str, str]]]:
    """The main pages of every app, by the persona who would open them."""
    from middleground.accountability.demo import STRATEGY_TITLE
    from middleground.accountability.models import Cycle
    from middleground.consultations.models import Consultation
    from middleground.delphi.demo import RUNNING_SLUG
    from middleground.delphi.demo import SLUG as DELPHI_DONE
    from middleground.forum.demo import AIF_SLUG
    from middleground.forum.models import Event, Session
    from middleground.library.models import Document
    from middleground.network.models import Expert, Institution, TaskForce
    from middleground.reformlab.demo import DEMO_SLUG
    from middleground.strategies.models import Strategy

    consultation = Consultation.objects.get(slug="unsc-reform-demo")
    document = Document.objects.order_by("pk").first()
    strategy = Strategy.objects.order_by("pk").first()
    tracked = Strategy.objects.get(title=STRATEGY_TITLE)
    cycle = Cycle.objects.order_by("pk").first()
    event = Event.objects.get(slug=AIF_SLUG)
    session = Session.objects.filter(event=event).order_by("pk").first()
    institution = Institution.objects.get(acronym="KazISS")
    expert = Expert.objects.filter(institution=institution).order_by("pk").first()
    task_force = TaskForce.objects.order_by("pk").first()
    assert document and strategy and cycle and session and expert and task_force
    c, s = consultation.slug, strategy.slug
    return {
        "anonymous": [
            ("home", reverse("core:home")),
            ("consultations list", reverse("consultations:index")),
            ("consultation page", reverse("consultations:detail", args=[c])),
            ("consultation results", reverse("consultations:results", args=[c])),
            ("Delphi list", reverse("delphi:studies")),
            ("Delphi results", reverse("delphi:results", args=[DELPHI_DONE])),
            ("library list", reverse("library:index")),
            ("library document", reverse("library:document", args=[document.pk])),
            ("reform lab", reverse("reformlab:index")),
            ("reform-lab scenario", reverse("reformlab:scenario", args=[DEMO_SLUG])),
            ("experts", reverse("network:experts")),
            ("expert", reverse("network:expert", args=[expert.slug])),
            ("institutions", reverse("network:institutions")),
            ("institution", reverse("network:institution", args=[institution.slug])),
            ("task forces", reverse("network:task_forces")),
            ("task force", reverse("network:task_force", args=[task_force.slug])),
            ("strategies list", reverse("strategies:list")),
            ("strategy page", reverse("strategies:detail", args=[s])),
            ("accountability dashboard", reverse("accountability:dashboard", args=[tracked.slug])),
            ("forum event", reverse("forum:event", args=[event.slug])),
            ("forum programme", reverse("forum:programme", args=[event.slug])),
            ("forum session", session.get_absolute_url()),
        ],
        "bob": [
            ("My page", reverse("dashboard:me")),
            ("search", reverse("dashboard:search") + "?q=water"),
            ("vote page", reverse("consultations:participate", args=[c])),
            ("Delphi study", reverse("delphi:study", args=[RUNNING_SLUG])),
            ("Delphi answer form", reverse("delphi:answer", args=[RUNNING_SLUG])),
            ("accountability cycle", reverse("accountability:cycle", args=[cycle.pk])),
        ],
        "alice": [
            ("home (secretariat)", reverse("core:home")),
            ("reform-lab builder", reverse("reformlab:builder")),
            ("strategy comparison", reverse("strategies:compare", args=[s])),
            ("audit log", reverse("accounts:audit")),
            ("experts (secretariat)", reverse("network:experts")),
        ],
    }


def _sign_in(page, username: str) -> None:
    page.context.clear_cookies()
    if username == "anonymous":
        return
    page.goto(reverse("accounts:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_it_shows_no_main_page_wider_than_a_phone(transactional_db, browser_page):
    from middleground.network.models import Bloc, Country, FocusArea
    from middleground.network.registry_data import sync_countries, sync_default_focus_areas

    # A transactional test starts with the data migrations flushed.
    if not FocusArea.objects.exists():
        sync_countries(Country, Bloc)
        sync_default_focus_areas(FocusArea)
    call_command("demo", verbosity=0)
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    too_wide: list[str] = []
    opened = 0
    for persona, pages in _pages().items():
        _sign_in(page, persona)
        for name, url in pages:
            response = page.goto(url)
            assert response is not None and response.status == 200, f"{name} {url}"
            opened += 1
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTH:
                widest = page.evaluate(WIDEST)
                too_wide.append(f"{name} ({url}) as {persona}: {width}px; widest: {widest}")
    assert opened >= 30
    assert too_wide == [], "\n".join(too_wide)
