"""Length limits on every text a person types in the registry, and how often one person may
apply for membership: refused with the field named, on pages and in the API."""

import json

import pytest

from middleground.network import services
from middleground.network.models import ApplicationStatus, Institution, MembershipApplication

MEGABYTE = "x" * 1_000_000


def send(client, method, path, payload):
    return client.generic(method, path, json.dumps(payload), content_type="application/json")


def test_a_megabyte_description_is_refused_beside_the_field_on_the_page(world, as_persona):
    astana = world.astana
    response = as_persona("alice").post(
        f"/network/institutions/{astana.slug}/edit/",
        {"name": astana.name, "kind": astana.kind, "country": "KZ", "description": MEGABYTE},
    )
    assert response.status_code == 200
    assert "too long" in str(response.context["form"].errors["description"])
    astana.refresh_from_db()
    assert astana.description == ""


def test_a_long_bio_is_refused_beside_the_field_on_the_page(world, as_persona):
    bob = world.bob_profile
    response = as_persona("bob").post(
        f"/network/experts/{bob.slug}/edit/",
        {"name": bob.name, "country": "KZ", "visibility": "public", "bio": "b" * 2001},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["bio"]
    bob.refresh_from_db()
    assert bob.bio == ""


@pytest.mark.parametrize(
    ("method", "path", "payload", "field"),
    [
        ("PATCH", "/institutions/{astana}", {"description": MEGABYTE}, "description"),
        ("PATCH", "/institutions/{astana}", {"name": "n" * 301}, "name"),
        ("PATCH", "/experts/{bob}", {"bio": "b" * 2001}, "bio"),
        ("PATCH", "/task-forces/{task_force}", {"mandate": MEGABYTE}, "mandate"),
        ("PATCH", "/focus-areas/water-security", {"description": MEGABYTE}, "description"),
        (
            "POST",
            "/applications/{application}/decision",
            {"approve": False, "note": MEGABYTE},
            "decision_note",
        ),
        (
            "POST",
            "/applications",
            {"name": "Big", "kind": "ngo", "country": "BR", "motivation": "m" * 100_000},
            "motivation",
        ),
    ],
)
def test_the_api_refuses_too_long_text_naming_the_field(
    world, as_persona, method, path, payload, field
):
    ids = {
        "astana": world.astana.pk,
        "bob": world.bob_profile.pk,
        "task_force": world.task_force.pk,
        "application": world.application.pk,
    }
    response = send(as_persona("alice"), method, "/api/v1/network" + path.format(**ids), payload)
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["field"] == field and "too long" in body["detail"]
    world.application.refresh_from_db()
    assert world.application.status == ApplicationStatus.PENDING
    assert not Institution.objects.filter(name="Big").exists()


def test_the_schema_documents_the_length_limits(client, world):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["InstitutionIn"]["properties"]["description"]["maxLength"] == 10_000
    assert schemas["ApplicationIn"]["properties"]["motivation"]["maxLength"] == 5_000


def _apply(client, n):
    return client.post(
        "/network/apply/",
        {"name": f"Institute {n}", "kind": "ngo", "country": "BR", "motivation": "We study water."},
    )


def test_a_person_may_have_only_a_few_applications_waiting(world, as_persona, settings):
    client = as_persona("dave")  # dave's application in the world is waiting already
    for n in range(settings.NETWORK_MAX_PENDING_APPLICATIONS - 1):
        _apply(client, n)
        assert Institution.objects.filter(name=f"Institute {n}").exists()
    response = _apply(client, 99)
    assert "waiting for a decision" in str(response.context["form"].non_field_errors())
    assert not Institution.objects.filter(name="Institute 99").exists()
    waiting = MembershipApplication.objects.filter(status=ApplicationStatus.PENDING)
    assert waiting.filter(submitted_by=world.users["dave"]).count() == 3


def test_twenty_applications_in_a_row_through_the_api_are_cut_off(world, as_persona, settings):
    client, alice = as_persona("carol"), world.users["alice"]
    statuses = []
    for n in range(20):
        payload = {"name": f"Institute {n}", "kind": "ngo", "country": "BR", "motivation": "Why."}
        response = send(client, "POST", "/api/v1/network/applications", payload)
        statuses.append(response.status_code)
        if response.status_code == 201:  # the secretariat keeps up: only the day's cap is left
            application = MembershipApplication.objects.get(pk=response.json()["id"])
            services.decide_application(actor=alice, application=application, approve=False)
    assert statuses.count(201) == settings.NETWORK_MAX_APPLICATIONS_PER_DAY
    assert statuses[-1] == 429
    assert "tomorrow" in response.json()["detail"]


def test_a_second_application_for_the_same_institution_is_refused(world, as_persona):
    payload = {"name": "Applicant Institute (TEST)", "kind": "ngo", "country": "BR"}
    response = send(
        as_persona("carol"), "POST", "/api/v1/network/applications", {**payload, "motivation": "m"}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "name" and "already waiting" in response.json()["detail"]
