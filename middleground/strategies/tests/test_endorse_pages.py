"""Endorsement pages and API: who may answer, errors beside the field, the feedback shown."""

import datetime as dt
import json

from django.test import Client
from django.utils import timezone

from middleground.accounts.services import issue_api_token
from middleground.strategies import endorsements
from middleground.strategies.models import Endorsement, EndorsementCall, StrategyStatus
from middleground.strategies.tests.factories import drafting_strategy, open_strategy
from middleground.strategies.tests.test_endorse_services import member


def url(strategy, name):
    return f"/strategies/{strategy.slug}/{name}/"


def test_the_answer_page_leads_to_the_text_put_to_endorsement(world, as_persona):
    strategy = open_strategy(world)
    number = strategy.endorsement_calls.get().version.number
    page = as_persona("carol").get(url(strategy, "endorse")).content.decode()
    for link in (
        f"/strategies/{strategy.slug}/versions/{number}/",
        f"/strategies/{strategy.slug}/strategy.pdf?version={number}",
    ):
        assert f'href="{link}"' in page
        assert as_persona("carol").get(link).status_code == 200


def test_carol_answers_on_the_page_and_sees_what_she_answered(world, as_persona):
    strategy = open_strategy(world)
    carol = as_persona("carol")
    response = carol.post(url(strategy, "endorse"), {"position": "take_note"})
    assert response.status_code == 302
    response = carol.post(
        url(strategy, "endorse"),
        {
            "position": "endorse_with_reservation",
            "reservation": "Monthly publication is too often.",
            "reservation_paragraphs": "3",
        },
    )
    assert response.status_code == 302
    page = carol.get(url(strategy, "endorsements")).content.decode()
    assert "Your institution&#x27;s current answer" in page or "current answer" in page
    assert "Endorse with a reservation" in page
    assert "What your institution answered, and when" in page
    assert page.count("Take note") >= 2  # the history keeps the first answer
    assert Endorsement.objects.filter(institution=world.seoul).count() == 2


def test_others_cannot_answer_on_the_page(world, as_persona):
    strategy = open_strategy(world)
    for persona, status in (("bob", 403), ("dave", 403), ("alice", 403), ("anonymous", 302)):
        response = as_persona(persona).post(url(strategy, "endorse"), {"position": "endorse"})
        assert response.status_code == status, persona
    assert not Endorsement.objects.exists()
    page = as_persona("bob").get(url(strategy, "endorsements")).content.decode()
    assert "Your answer for" not in page


def test_a_bad_answer_on_the_page_shows_the_error_beside_the_field(world, as_persona):
    strategy = open_strategy(world)
    response = as_persona("carol").post(
        url(strategy, "endorse"), {"position": "endorse_with_reservation", "reservation": ""}
    )
    assert response.status_code == 400
    assert "Write the reservation" in response.content.decode()
    response = as_persona("carol").post(
        url(strategy, "endorse"),
        {
            "position": "endorse_with_reservation",
            "reservation": "No",
            "reservation_paragraphs": "12",
        },
    )
    assert "There is no paragraph 12" in response.content.decode()
    assert not Endorsement.objects.exists()


def test_the_public_history_names_institutions_and_the_secretariat_sees_people(world, as_persona):
    strategy = open_strategy(world)
    endorsements.endorse(actor=world.users["carol"], strategy=strategy, position="endorse")
    world.users["carol"].first_name = "Carolina"
    world.users["carol"].last_name = "Kim"
    world.users["carol"].save()
    public = Client().get(url(strategy, "endorsements")).content.decode()
    assert "Seoul Policy Centre (test)" in public
    assert world.users["carol"].display_name not in public
    staff = as_persona("alice").get(url(strategy, "endorsements")).content.decode()
    assert world.users["carol"].display_name in staff


def test_the_lead_sees_who_has_not_answered_and_only_the_secretariat_may_close(world, as_persona):
    strategy = open_strategy(world)
    endorsements.endorse(actor=world.users["carol"], strategy=strategy, position="endorse")
    lead = as_persona("bob").get(url(strategy, "endorsements")).content.decode()
    assert "1 member institution has not answered" in lead
    assert "Astana Institute (test)" in lead
    assert "Close the call now" not in lead
    assert "has not answered" not in Client().get(url(strategy, "endorsements")).content.decode()
    staff = as_persona("alice")
    assert "Close the call now" in staff.get(url(strategy, "endorsements")).content.decode()
    assert as_persona("bob").post(url(strategy, "endorsement/close")).status_code == 403
    assert staff.post(url(strategy, "endorsement/close")).status_code == 302
    strategy.refresh_from_db()
    assert strategy.status == StrategyStatus.NOT_ADOPTED


def test_the_lead_opens_a_call_from_the_form_and_a_past_deadline_is_refused(world, as_persona):
    strategy = drafting_strategy(world)
    bob = as_persona("bob")
    past = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = bob.post(url(strategy, "endorsement/open"), {"deadline": past})
    assert response.status_code == 400
    assert "The deadline must be in the future" in response.content.decode()
    assert not EndorsementCall.objects.exists()
    future = (timezone.localtime() + dt.timedelta(days=9)).strftime("%Y-%m-%dT%H:%M")
    response = bob.post(
        url(strategy, "endorsement/open"), {"deadline": future, "silence_procedure": "on"}
    )
    assert response.status_code == 302
    call = EndorsementCall.objects.get()
    assert call.silence_procedure and call.version.is_published


# -- API -------------------------------------------------------------------------------


def api(strategy, what="endorsements"):
    return f"/api/v1/strategies/{strategy.pk}/{what}"


def test_api_endorses_with_a_bearer_token_for_the_callers_institution(world):
    strategy = open_strategy(world)
    token = issue_api_token(user=world.users["carol"], name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post(
        api(strategy),
        json.dumps(
            {
                "position": "endorse_with_reservation",
                "reservation": "On 4.",
                "reservation_paragraphs": [4],
                "institution": world.astana.pk,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["institution"] == world.seoul.name  # never the one sent
    assert body["country"] == "KR" and body["regional_group"] == "APG"
    listed = Client().get(api(strategy)).json()
    assert listed["count"] == 1
    assert listed["items"][0]["reservation_paragraphs"] == [4]
    assert listed["items"][0]["position"] == "endorse_with_reservation"


def test_api_refuses_others_and_bad_input_and_stores_nothing(world, as_persona):
    strategy = open_strategy(world)
    for persona, status in (("bob", 403), ("dave", 403), ("alice", 403), ("anonymous", 401)):
        response = as_persona(persona).post(
            api(strategy), {"position": "endorse"}, content_type="application/json"
        )
        assert response.status_code == status, persona
    carol = as_persona("carol")
    response = carol.post(api(strategy), {"position": "veto"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "position"
    EndorsementCall.objects.update(deadline=timezone.now() - dt.timedelta(seconds=1))
    response = carol.post(api(strategy), {"position": "endorse"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The deadline for endorsement passed on")
    assert not Endorsement.objects.exists()


def test_api_drafting_strategy_is_404_for_outsiders(world, as_persona):
    strategy = drafting_strategy(world)
    assert Client().get(api(strategy)).status_code == 404
    assert as_persona("dave").get(api(strategy, "breadth")).status_code == 404
    assert as_persona("bob").get(api(strategy, "breadth")).status_code == 200


def test_api_breadth_by_group_and_bloc(world):
    strategy = open_strategy(world)
    strategy.breadth_min_per_group, strategy.breadth_min_groups = 1, 2
    strategy.save(update_fields=["breadth_min_per_group", "breadth_min_groups"])
    endorsements.endorse(actor=world.users["carol"], strategy=strategy, position="endorse")
    _, br = member("Rio Institute", "BR")
    endorsements.endorse(actor=br, strategy=strategy, position="endorse")
    body = Client().get(api(strategy, "breadth")).json()
    assert body["rule"] == {"kind": "regional_groups", "min_per_group": 1, "min_groups": 2}
    assert body["by_regional_group"] == {"AFRICAN": 0, "APG": 1, "EEG": 0, "GRULAC": 1, "WEOG": 0}
    assert body["by_bloc"]["G20"] == 2 and body["by_bloc"]["BRICS"] == 1
    assert body["met"] is True and body["missing"] == 0
