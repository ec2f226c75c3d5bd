"""Who sees and changes which scenario, persona by persona (the matrix's world has no
custom scenario)."""

import json

import pytest

from middleground.reformlab import compute, services
from middleground.reformlab.models import Scenario

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "dave", "bob", "carol", "alice")


@pytest.fixture
def bobs(lab):
    """One custom scenario of bob's per visibility."""
    base = Scenario.objects.get(slug="unsc-today")
    made = {}
    for visibility in ("private", "link"):
        state = compute.builder_state(base)
        state.name = f"Bob {visibility}"
        made[visibility] = services.save_builder_scenario(
            actor=lab.users["bob"], base=base, state=state, visibility=visibility
        )
    return made


@pytest.mark.parametrize(
    ("visibility", "expected"),
    [
        ("private", {"anonymous": 404, "dave": 404, "bob": 200, "carol": 404, "alice": 200}),
        ("link", {"anonymous": 200, "dave": 200, "bob": 200, "carol": 200, "alice": 200}),
    ],
)
@pytest.mark.parametrize("persona", PERSONAS)
def test_custom_scenario_is_seen_by_those_it_is_shared_with(
    as_persona, bobs, visibility, expected, persona
):
    scenario = bobs[visibility]
    client = as_persona(persona)
    assert client.get(scenario.get_absolute_url()).status_code == expected[persona]
    api = client.get(f"/api/v1/reformlab/scenarios/{scenario.slug}")
    assert api.status_code == expected[persona]


@pytest.mark.parametrize(
    ("persona", "page", "api"),
    [
        ("anonymous", 302, 404),
        ("dave", 403, 403),
        ("bob", 200, 200),
        ("carol", 403, 403),
        ("alice", 200, 200),
    ],
)
def test_only_owner_and_secretariat_change_a_shared_scenario(as_persona, bobs, persona, page, api):
    scenario = bobs["link"]
    client = as_persona(persona)
    assert client.get(f"/reformlab/scenarios/{scenario.slug}/edit/").status_code == page
    response = client.patch(
        f"/api/v1/reformlab/scenarios/{scenario.slug}",
        json.dumps({"description": "changed"}),
        content_type="application/json",
    )
    assert response.status_code == (401 if persona == "anonymous" else api)


def test_a_scenario_shared_by_link_can_be_compared_but_not_a_private_one(as_persona, bobs):
    shared, private = bobs["link"].slug, bobs["private"].slug
    response = as_persona("dave").get(f"/reformlab/compare/?s=unsc-today&s={shared}")
    assert [s.slug for s in response.context["comparison"].scenarios] == ["unsc-today", shared]
    response = as_persona("dave").get(f"/reformlab/compare/?s=unsc-today&s={private}")
    assert private not in [s.slug for s in response.context["comparison"].scenarios]
