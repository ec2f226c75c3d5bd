"""Shared fixtures: the personas every permission test walks through.

alice (secretariat), bob (expert of a member institution), carol (representative of another
institution), dave (outsider), and anonymous.
"""

from dataclasses import dataclass

import pytest
from django.db import connections
from django.test import Client
from django.utils import translation

from middleground.accounts.models import Role, User
from middleground.network.models import (
    Bloc,
    Country,
    Expert,
    FocusArea,
    Institution,
    MembershipApplication,
    TaskForce,
    Visibility,
)
from middleground.network.registry_data import sync_countries, sync_default_focus_areas

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test personas only
PERSONAS = ("anonymous", "dave", "bob", "carol", "alice")


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    # The personas sign in with force_login: two-factor set-up is tested where it matters.
    settings.MFA_REQUIRED_ROLES = []
    # Background tasks run at once in tests; the worker's queue is tested where it matters.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _english_afterwards():
    """Django's test client leaves the last request's language active in the thread: a test
    that reads Russian pages must not turn the next test's messages Russian."""
    yield
    translation.activate("en")


@dataclass(frozen=True)
class World:
    """The persona world: the four signed-in personas and one object of each kind."""

    users: dict[str, User]
    astana: Institution
    seoul: Institution
    bob_profile: Expert
    hidden_expert: Expert
    task_force: TaskForce
    application: MembershipApplication
    security: FocusArea
    water: FocusArea


@pytest.fixture
def world(db) -> World:
    """A small network with one object of each kind, and the four personas."""
    # Browser tests use transactional tests, which flush what the data migrations loaded.
    if not FocusArea.objects.exists():
        sync_countries(Country, Bloc)
        sync_default_focus_areas(FocusArea)
    security = FocusArea.objects.get(slug="security")
    water = FocusArea.objects.get(slug="water-security")
    astana = Institution.objects.create(
        name="Astana Institute (test)",
        slug="astana-institute",
        acronym="AIT",
        kind="think_tank",
        country_id="KZ",
        is_member=True,
        verified=True,
    )
    astana.focus_areas.set([security, water])
    seoul = Institution.objects.create(
        name="Seoul Policy Centre (test)",
        slug="seoul-policy-centre",
        kind="think_tank",
        country_id="KR",
        is_member=True,
    )
    alice = User.objects.create_user(
        "alice", "alice@example.org", PASSWORD, role=Role.SECRETARIAT, is_staff=True
    )
    bob = User.objects.create_user(
        "bob", "bob@example.org", PASSWORD, role=Role.EXPERT, institution=astana
    )
    carol = User.objects.create_user(
        "carol", "carol@example.org", PASSWORD, role=Role.REPRESENTATIVE, institution=seoul
    )
    dave = User.objects.create_user("dave", "dave@example.org", PASSWORD)
    # The personas joined through invitations sent to these addresses: verified.
    User.objects.filter(pk__in=[alice.pk, bob.pk, carol.pk, dave.pk]).update(email_verified=True)
    for person in (alice, bob, carol, dave):
        person.email_verified = True
    bob_profile = Expert.objects.create(
        name="Bob Bekov",
        slug="bob-bekov",
        user=bob,
        institution=astana,
        country_id="KZ",
        languages=["kk", "ru", "en"],
        visibility=Visibility.PUBLIC,
    )
    bob_profile.focus_areas.set([water])
    hidden = Expert.objects.create(
        name="Nari Network-Only",
        slug="nari-network-only",
        institution=seoul,
        country_id="KR",
        visibility=Visibility.NETWORK,
    )
    task_force = TaskForce.objects.create(
        name="Water task force (test)",
        slug="water-tf",
        focus_area=water,
        chair=astana,
        mandate="Share water data.",
    )
    task_force.members.set([astana, seoul])
    applicant = Institution.objects.create(
        name="Applicant Institute (test)", slug="applicant-institute", kind="ngo", country_id="BR"
    )
    application = MembershipApplication.objects.create(
        institution=applicant, submitted_by=dave, motivation="We study water."
    )
    return World(
        users={"alice": alice, "bob": bob, "carol": carol, "dave": dave},
        astana=astana,
        seoul=seoul,
        bob_profile=bob_profile,
        hidden_expert=hidden,
        task_force=task_force,
        application=application,
        security=security,
        water=water,
    )


def client_for(world, persona: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if persona != "anonymous":
        client.force_login(world.users[persona])
    return client


@pytest.fixture
def as_persona(world):
    return lambda persona, **kwargs: client_for(world, persona, **kwargs)


@pytest.fixture
def browser_page(live_server, monkeypatch):
    """A Playwright page in Debian's headless Chromium, pointed at the live server."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself stay synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        csp_errors: list[str] = []
        page.on(
            "console",
            lambda m: (
                csp_errors.append(f"{m.text} at {m.location}")
                if "Content Security Policy" in m.text
                else None
            ),
        )
        page.csp_errors = csp_errors  # type: ignore[attr-defined]
        yield page
        # With Playwright's event loop in this thread, Django keeps the test's database
        # connections per context (asgiref's thread-critical Local): only a close from
        # here reaches them. Left open, they kept PostgreSQL from dropping the test database.
        connections.close_all()
        browser.close()
