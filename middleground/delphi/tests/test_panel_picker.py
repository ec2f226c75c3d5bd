"""Panels from the directory: pick experts, or paste a list whose bad lines are reported and
whose good addresses are invited (issue 19, item 6)."""

import pytest
from django.test import Client

from middleground.accounts.models import Role, User
from middleground.delphi.models import PanelInvite, PanelSeat
from middleground.network.tests.picker_world import build

from .factories import draft_study


@pytest.fixture
def directory(world):
    return build(world)


@pytest.fixture
def draft(world):
    return draft_study(world.users["alice"], title="Aral basin panel")


def _seated(study):
    return set(PanelSeat.objects.filter(study=study).values_list("user__username", flat=True))


def _api(client, study, payload):
    return client.post(
        f"/api/v1/delphi/studies/{study.pk}/panel", payload, content_type="application/json"
    )


def test_the_panel_page_offers_the_directory_with_counts(world, directory, draft, as_persona):
    page = as_persona("alice").get(
        f"/delphi/{draft.slug}/panel/?focus_area=water-security&regional_group=APG"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Water security (5)" in html  # APG experts of water security, hidden Hana included
    assert "Latin American and Caribbean Group (1)" in html
    assert "Diego Duarte" not in html  # Brazil: filtered out
    assert f'name="experts" value="{directory.aigerim.pk}"' in html
    # Chen has no account: shown, but cannot be ticked
    assert f'name="experts" value="{directory.chen.pk}"' not in html
    assert "no account yet" in html
    ticked = as_persona("alice").get(
        f"/delphi/{draft.slug}/panel/?focus_area=water-security&country=UZ&select_all=1"
    )
    assert f'value="{directory.bakhrom.pk}" checked' in ticked.content.decode()


def test_picking_experts_seats_them_on_the_panel(world, directory, draft, as_persona):
    alice = as_persona("alice")
    response = alice.post(
        f"/delphi/{draft.slug}/panel/?focus_area=water-security",
        {"add": "experts", "experts": [directory.aigerim.pk, directory.bakhrom.pk]},
        follow=True,
    )
    assert "2 invitations sent." in response.content.decode()
    assert _seated(draft) == {"aigerim", "bakhrom"}
    # the secretariat sees who is on the panel already, beside their name
    again = alice.get(f"/delphi/{draft.slug}/panel/?focus_area=water-security").content.decode()
    assert f'name="experts" value="{directory.aigerim.pk}"' not in again
    assert "on the panel" in again


def test_an_expert_without_an_account_is_reported_not_seated(world, directory, draft, as_persona):
    response = as_persona("alice").post(
        f"/delphi/{draft.slug}/panel/",
        {"add": "experts", "experts": [directory.chen.pk, directory.aigerim.pk]},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Chen Cho: has no account yet." in html
    assert _seated(draft) == {"aigerim"}


def test_a_bulk_list_with_one_bad_address_invites_the_others_and_keeps_the_bad_line(
    world, directory, draft, as_persona
):
    response = as_persona("alice").post(
        f"/delphi/{draft.slug}/panel/",
        {"emails": "aigerim@example.org\nbob@\nBAKHROM@example.org\nAigerim@Example.org\n"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "line 2: &#x27;bob@&#x27; is not an e-mail address." in html
    assert "2 invitations sent." in html
    # the textarea holds only the line to correct
    assert '<textarea name="emails" cols="40" rows="4" required' in html
    assert ">\nbob@</textarea>" in html
    assert _seated(draft) == {"aigerim", "bakhrom"}
    # a duplicate in another case is one invitation
    assert PanelInvite.objects.filter(study=draft).count() == 2


def test_the_api_lists_added_and_rejected_entries(world, directory, draft, as_persona):
    alice = as_persona("alice")
    response = _api(
        alice, draft, {"emails": ["aigerim@example.org", "bob@", "AIGERIM@example.org"]}
    )
    assert response.status_code == 201
    assert response.json() == {
        "added": [{"email": "aigerim@example.org", "accepted": True}],
        "already_invited": 0,
        "rejected": [{"line": 2, "value": "bob@", "reason": "'bob@' is not an e-mail address."}],
    }
    again = _api(
        alice, draft, {"emails": ["aigerim@example.org"], "experts": [directory.bakhrom.pk]}
    )
    assert again.status_code == 201
    assert again.json()["added"] == [{"email": "bakhrom@example.org", "accepted": True}]
    assert again.json()["already_invited"] == 1
    assert _seated(draft) == {"aigerim", "bakhrom"}


def test_the_api_refuses_a_list_with_nothing_to_invite(world, directory, draft, as_persona):
    response = _api(as_persona("alice"), draft, {"emails": ["bob@", "carol at example.org"]})
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "emails"
    assert "line 1: 'bob@' is not an e-mail address." in body["detail"]
    assert "line 2: 'carol at example.org' is not an e-mail address." in body["detail"]
    assert not PanelInvite.objects.filter(study=draft).exists()


def test_an_unknown_expert_id_refuses_the_whole_call(world, directory, draft, as_persona):
    response = _api(as_persona("alice"), draft, {"experts": [directory.aigerim.pk, 2_000_000]})
    assert response.status_code == 400
    assert response.json() == {"detail": "No expert 2000000 in the directory.", "field": "experts"}
    assert not PanelInvite.objects.filter(study=draft).exists()


def test_only_who_may_invite_can_add_experts(world, directory, study, as_persona):
    for persona in ("bob", "carol"):
        client = as_persona(persona)
        page = client.post(
            f"/delphi/{study.slug}/panel/", {"add": "experts", "experts": [directory.aigerim.pk]}
        )
        assert page.status_code == 403
        assert _api(client, study, {"experts": [directory.aigerim.pk]}).status_code == 403
    assert "aigerim" not in _seated(study)


def test_the_chair_invites_members_and_is_told_which_addresses_need_the_secretariat(
    world, directory, study
):
    study.task_force = world.task_force  # chaired by the Astana institute
    study.save()
    chair = User.objects.create_user(
        "chairrep", "chair@example.org", "pw", role=Role.REPRESENTATIVE, institution=world.astana
    )
    client = Client()
    client.force_login(chair)
    response = _api(client, study, {"emails": ["stranger@example.org", "aigerim@example.org"]})
    assert response.status_code == 201
    [rejected] = response.json()["rejected"]
    assert rejected["line"] == 1 and rejected["value"] == "stranger@example.org"
    assert "Only the secretariat can send sign-up links" in rejected["reason"]
    assert "aigerim" in _seated(study)
    # the chair may invite but not read the panel list: no "on the panel" beside names
    page = client.get(f"/delphi/{study.slug}/panel/").content.decode()
    assert "on the panel" not in page and "Aigerim Abenova" in page


def test_the_schema_documents_added_and_rejected_entries(world):
    schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert set(schemas["PanelInviteResult"]["properties"]) == {
        "added",
        "already_invited",
        "rejected",
    }
    assert set(schemas["RejectedOut"]["properties"]) == {"line", "value", "reason"}
    assert {"emails", "experts", "institution"} <= set(schemas["InviteIn"]["properties"])
