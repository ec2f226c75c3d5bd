"""Registry pages: filters, forms with errors beside the field, membership applications."""

import pytest

from middleground.accounts.models import Role
from middleground.network.models import ApplicationStatus, Institution


def test_experts_page_finds_experts_on_a_topic_in_a_region(world, as_persona):
    response = as_persona("anonymous").get(
        "/network/experts/?focus_area=water-security&regional_group=APG"
    )
    assert b"Bob Bekov" in response.content
    response = as_persona("anonymous").get(
        "/network/experts/?focus_area=security&regional_group=APG"
    )
    assert b"Bob Bekov" not in response.content
    assert b"No experts match" in response.content


def test_filters_answer_htmx_with_only_the_results(world, as_persona):
    response = as_persona("anonymous").get(
        "/network/institutions/?bloc=SCO", HTTP_HX_REQUEST="true"
    )
    assert b"<html" not in response.content
    assert b"Astana Institute (test)" in response.content
    assert b"Seoul Policy Centre" not in response.content


def test_the_directory_searches_across_kinds(world, as_persona):
    response = as_persona("anonymous").get("/network/directory/?q=astana")
    assert b"Astana Institute (test)" in response.content
    response = as_persona("anonymous").get("/network/directory/?q=zzzz")
    assert b"Nothing found" in response.content


def test_a_duplicate_institution_is_refused_beside_the_name_field(world, as_persona):
    response = as_persona("alice").post(
        "/network/institutions/new/",
        {"name": "astana institute (TEST)", "kind": "think_tank", "country": "KZ"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert Institution.objects.filter(name__iexact="astana institute (test)").count() == 1


def test_a_representative_edits_her_institution_through_the_form(world, as_persona):
    response = as_persona("carol").post(
        "/network/institutions/seoul-policy-centre/edit/",
        {
            "name": "Seoul Policy Centre (test)",
            "kind": "think_tank",
            "country": "KR",
            "description": "Updated",
        },
    )
    assert response.status_code == 302
    world.seoul.refresh_from_db()
    assert world.seoul.description == "Updated"


def test_an_approved_application_makes_the_applicant_a_member_and_representative(world, as_persona):
    dave = world.users["dave"]
    response = as_persona("dave").post(
        "/network/apply/",
        {
            "name": "Bishkek Policy Forum",
            "kind": "think_tank",
            "country": "KG",
            "motivation": "Water diplomacy.",
        },
    )
    assert response.status_code == 200
    institution = Institution.objects.get(name="Bishkek Policy Forum")
    assert not institution.is_member
    assert (
        b"Bishkek Policy Forum" not in as_persona("anonymous").get("/network/institutions/").content
    )
    application = institution.applications.get()
    as_persona("alice").post(
        f"/network/applications/{application.pk}/decide/", {"decision": "approve"}
    )
    application.refresh_from_db()
    institution.refresh_from_db()
    dave.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert institution.is_member and institution.verified
    assert dave.role == Role.REPRESENTATIVE and dave.institution == institution


def test_deciding_twice_is_refused_with_a_message(world, as_persona):
    client = as_persona("alice")
    pk = world.application.pk
    client.post(f"/network/applications/{pk}/decide/", {"decision": "reject"})
    response = client.post(
        f"/network/applications/{pk}/decide/", {"decision": "approve"}, follow=True
    )
    assert b"already been decided" in response.content
    world.application.refresh_from_db()
    assert world.application.status == ApplicationStatus.REJECTED


def test_pages_carry_a_strict_content_security_policy(world, as_persona):
    response = as_persona("anonymous").get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert b"<script>" not in response.content  # no inline scripts


def test_the_language_switcher_sets_kazakh(world, as_persona):
    client = as_persona("anonymous")
    client.post("/i18n/setlang/", {"language": "kk", "next": "/"})
    assert client.get("/").headers["Content-Language"] == "kk"


def test_a_representative_adds_an_expert_to_her_own_institution_only(world, as_persona):
    client = as_persona("carol")
    response = client.post(
        "/network/experts/new/",
        {
            "name": "Min-jun Kim",
            "institution": world.seoul.pk,
            "country": "KR",
            "visibility": "public",
            "languages": "ko, en",
        },
    )
    assert response.status_code == 302
    expert = world.seoul.experts.get(name="Min-jun Kim")
    assert expert.languages == ["ko", "en"]
    response = client.post(
        "/network/experts/new/",
        {
            "name": "Intruder",
            "institution": world.astana.pk,
            "country": "KZ",
            "visibility": "public",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["institution"]
    assert not world.astana.experts.filter(name="Intruder").exists()


@pytest.mark.parametrize("page", ["100000000000000000000", "1e20", "9" * 5000])
@pytest.mark.parametrize("path", ["countries", "institutions", "experts"])
def test_a_huge_page_number_on_a_registry_list_gives_a_page(world, as_persona, path, page):
    response = as_persona("anonymous").get(f"/network/{path}/?page={page}")
    assert response.status_code in (200, 404)
