"""Invited consultations from the directory: pick experts, or paste a list whose bad lines
are reported and whose good addresses are invited (issue 19, item 6)."""

import pytest

from middleground.consultations.models import Invitee
from middleground.network.tests.picker_world import build


@pytest.fixture
def directory(world):
    return build(world)


@pytest.fixture
def invited(make_consultation):
    return make_consultation(visibility="invited", anonymity="named")


def _invitees(consultation):
    return set(Invitee.objects.filter(consultation=consultation).values_list("email", flat=True))


def _api(client, consultation, payload):
    return client.post(
        f"/api/v1/consultations/{consultation.pk}/invitations",
        payload,
        content_type="application/json",
    )


def test_picking_experts_invites_their_accounts(world, directory, invited, as_persona):
    alice = as_persona("alice")
    page = alice.get(f"/consultations/{invited.slug}/invite/?focus_area=water-security&country=KZ")
    html = page.content.decode()
    assert "Kazakhstan (3)" in html and "Astana Institute (test) (3)" in html
    response = alice.post(
        f"/consultations/{invited.slug}/invite/?focus_area=water-security",
        {"add": "experts", "experts": [directory.aigerim.pk, directory.hana.pk]},
        follow=True,
    )
    assert "2 people invited." in response.content.decode()
    assert _invitees(invited) == {"aigerim@example.org", "hana@example.org"}
    bound = Invitee.objects.get(consultation=invited, email="hana@example.org")
    assert bound.user == directory.hana.user
    again = alice.get(f"/consultations/{invited.slug}/invite/?country=KZ").content.decode()
    assert f'name="experts" value="{directory.hana.pk}"' not in again  # marked "invited"


def test_a_bulk_list_with_one_bad_address_invites_the_others(world, directory, invited, as_persona):
    response = as_persona("alice").post(
        f"/consultations/{invited.slug}/invite/",
        {"emails": "bob@example.org\nnewcomer@example.org\ncarol@@example.org\nBOB@example.org"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 people invited." in html
    assert "line 3: &#x27;carol@@example.org&#x27; is not an e-mail address." in html
    assert ">\ncarol@@example.org</textarea>" in html
    assert _invitees(invited) == {"bob@example.org", "newcomer@example.org"}


def test_the_api_lists_invited_and_rejected_entries(world, directory, invited, as_persona):
    alice = as_persona("alice")
    response = _api(alice, invited, {"emails": ["bob@example.org", "x"], "experts": []})
    assert response.status_code == 201
    assert response.json() == {
        "invited": ["bob@example.org"],
        "already_invited": 0,
        "rejected": [{"line": 2, "value": "x", "reason": "'x' is not an e-mail address."}],
    }
    again = _api(alice, invited, {"emails": ["Bob@Example.org"], "experts": [directory.bakhrom.pk]})
    assert again.json() == {
        "invited": ["bakhrom@example.org"],
        "already_invited": 1,
        "rejected": [],
    }


def test_a_hidden_or_unknown_expert_id_invites_nobody(world, directory, invited, as_persona):
    response = _api(as_persona("alice"), invited, {"experts": [directory.aigerim.pk, 2_000_000]})
    assert response.status_code == 400 and response.json()["field"] == "experts"
    assert not _invitees(invited)


def test_only_the_consultations_managers_invite(world, directory, invited, as_persona):
    for persona in ("bob", "carol"):
        client = as_persona(persona)
        page = client.post(
            f"/consultations/{invited.slug}/invite/",
            {"add": "experts", "experts": [directory.aigerim.pk]},
        )
        assert page.status_code in (403, 404)
        assert _api(client, invited, {"experts": [directory.aigerim.pk]}).status_code in (403, 404)
    assert not _invitees(invited)
