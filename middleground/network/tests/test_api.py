"""The registry through the REST API: lists, filters, pagination, writes and errors."""

import json

import pytest
from django.test import Client

from conftest import PASSWORD
from middleground.accounts.models import AuditEvent
from middleground.network.models import Institution


def post_json(client, path, payload, method="POST", **headers):
    return client.generic(
        method, path, json.dumps(payload), content_type="application/json", **headers
    )


def token_for(client, username):
    response = post_json(client, "/api/v1/auth/token", {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_it_lists_institutions_with_count_and_pagination(world):
    response = Client().get("/api/v1/network/institutions?limit=1&offset=0")
    body = response.json()
    assert body["count"] == 2  # the applicant is not a member and stays hidden from the public
    assert len(body["items"]) == 1


def test_it_filters_experts_on_a_focus_area_in_a_regional_group(world):
    response = Client().get("/api/v1/network/experts?focus_area=water-security&regional_group=APG")
    assert [e["name"] for e in response.json()["items"]] == ["Bob Bekov"]
    response = Client().get("/api/v1/network/experts?focus_area=water-security&regional_group=WEOG")
    assert response.json()["count"] == 0


def test_it_filters_countries_by_bloc_and_search(world):
    body = Client().get("/api/v1/network/countries?bloc=SCO&limit=50").json()
    assert body["count"] == 10
    assert "KZ" in {c["code"] for c in body["items"]}
    assert Client().get("/api/v1/network/countries?q=kazakh").json()["items"][0]["code"] == "KZ"


def test_a_script_creates_an_institution_with_a_bearer_token(world):
    client = Client()
    token = token_for(client, "alice")
    response = post_json(
        client,
        "/api/v1/network/institutions",
        {
            "name": "Astana Water Lab",
            "kind": "think_tank",
            "country": "kz",
            "focus_areas": ["water-security"],
        },
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201, response.content
    assert response.json()["country"] == "KZ"
    assert AuditEvent.objects.filter(
        action="institution.create", actor=world.users["alice"]
    ).exists()


def test_a_revoked_or_wrong_token_is_refused(world):
    response = Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION="Bearer mg_nope")
    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "field", "status"),
    [
        ({"name": "X", "kind": "think_tank", "country": "QQ"}, "country", 400),
        ({"name": "Astana Institute (test)", "kind": "think_tank", "country": "KZ"}, "name", 400),
        ({"name": "X", "kind": "castle", "country": "KZ"}, "kind", 400),
        ({"name": "X", "kind": "think_tank"}, "country", 422),
        (
            {"name": "X", "kind": "think_tank", "country": "KZ", "website": "not a url"},
            "website",
            422,
        ),
        (
            {"name": "X", "kind": "think_tank", "country": "KZ", "focus_areas": ["astrology"]},
            "focus_areas",
            400,
        ),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(as_persona, payload, field, status):
    before = Institution.objects.count()
    response = post_json(as_persona("alice"), "/api/v1/network/institutions", payload)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["field"] == field
    assert body["detail"]
    assert Institution.objects.count() == before


def test_malformed_json_gets_a_clear_error(as_persona):
    response = as_persona("alice").generic(
        "POST", "/api/v1/network/institutions", "{not json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


def test_a_representative_cannot_edit_another_institution(world, as_persona):
    astana = world.astana
    response = post_json(
        as_persona("carol"),
        f"/api/v1/network/institutions/{astana.pk}",
        {"name": "Hijacked"},
        method="PATCH",
    )
    assert response.status_code == 403
    astana.refresh_from_db()
    assert astana.name == "Astana Institute (test)"


def test_a_representative_edits_her_institution_but_cannot_verify_it(world, as_persona):
    seoul = world.seoul
    client = as_persona("carol")
    response = post_json(
        client,
        f"/api/v1/network/institutions/{seoul.pk}",
        {"website": "https://seoul.example"},
        method="PATCH",
    )
    assert response.status_code == 200
    response = post_json(
        client, f"/api/v1/network/institutions/{seoul.pk}", {"verified": True}, method="PATCH"
    )
    assert response.status_code == 403
    assert response.json()["field"] == "verified"
    seoul.refresh_from_db()
    assert seoul.website == "https://seoul.example/" and not seoul.verified


def test_session_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["alice"])
    response = post_json(client, "/api/v1/network/focus-areas", {"name": "Energy", "sdgs": [7]})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    client.get("/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = post_json(
        client,
        "/api/v1/network/focus-areas",
        {"name": "Energy", "sdgs": [7]},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201


def test_network_only_profiles_are_hidden_from_the_public_list(world, as_persona):
    public = as_persona("anonymous").get("/api/v1/network/experts").json()
    member = as_persona("bob").get("/api/v1/network/experts").json()
    assert "Nari Network-Only" not in [e["name"] for e in public["items"]]
    assert "Nari Network-Only" in [e["name"] for e in member["items"]]


def test_the_openapi_schema_and_docs_are_served_locally(world):
    client = Client()
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/network/institutions" in schema["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_a_task_force_with_a_strategy_is_not_deleted_and_the_reason_is_named(world, as_persona):
    """Found by the API fuzzer: PROTECT on a strategy's task force made this delete a 500."""
    from middleground.strategies.tests.factories import drafting_strategy

    drafting_strategy(world)
    audit_before = AuditEvent.objects.count()
    response = as_persona("alice").delete(f"/api/v1/network/task-forces/{world.task_force.pk}")
    assert response.status_code == 409, response.content
    assert "strategies" in response.json()["detail"]
    assert world.task_force.__class__.objects.filter(pk=world.task_force.pk).exists()
    assert AuditEvent.objects.count() == audit_before  # the refusal leaves no audit entry


def test_an_unreferenced_institution_is_deleted(world, as_persona):
    institution = Institution.objects.create(
        name="Short-lived Lab",
        slug="short-lived-lab",
        kind="think_tank",
        country=world.astana.country,
    )
    response = as_persona("alice").delete(f"/api/v1/network/institutions/{institution.pk}")
    assert response.status_code == 204
    assert not Institution.objects.filter(pk=institution.pk).exists()
