"""The home page (what is happening, the network in numbers) and "My page", per persona."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from middleground.consultations import services as consultation_services
from middleground.consultations.models import Anonymity, Status, Visibility
from middleground.delphi import services as delphi_services
from middleground.delphi.tests.factories import answers_for, make_panellist, running_study
from middleground.library.models import Access, Document
from middleground.notifications import services as notification_services

NETWORK_TITLE = "Network-only consultation (test)"
PUBLIC_TITLE = "Public consultation (test)"


def make_consultation(world, title: str, **overrides):
    data = {
        "title": title,
        "question": "How should the Security Council be reformed?",
        "visibility": Visibility.PUBLIC,
        "anonymity": Anonymity.ANONYMOUS,
        "status": Status.OPEN,
        "statements": ["The veto should be limited.", "Africa should have permanent seats."],
    }
    data.update(overrides)
    return consultation_services.create_consultation(actor=world.users["alice"], data=data)


def make_document(title: str, access: str = Access.PUBLIC) -> Document:
    return Document.objects.create(
        title=title, kind="txt", filename="doc.txt", access=access, body="text"
    )


@pytest.fixture
def panel(world):
    return [world.users["bob"], *[make_panellist(f"expert{i}", world.astana) for i in (1, 2)]]


@pytest.fixture
def study(world, panel):
    return running_study(world.users["alice"], panel, title="Basin study (test)")


# --- the home page ------------------------------------------------------------------------


def test_the_home_page_shows_open_consultations_but_network_only_ones_to_members_only(
    world, as_persona
):
    make_consultation(world, PUBLIC_TITLE)
    make_consultation(world, NETWORK_TITLE, visibility=Visibility.NETWORK)
    anonymous = as_persona("anonymous").get("/").content.decode()
    assert PUBLIC_TITLE in anonymous
    assert NETWORK_TITLE not in anonymous
    assert NETWORK_TITLE not in as_persona("dave").get("/").content.decode()
    assert NETWORK_TITLE in as_persona("bob").get("/").content.decode()


def test_the_home_page_leaves_out_closed_and_draft_consultations(world, as_persona):
    make_consultation(world, "Closed one (test)", status=Status.CLOSED)
    make_consultation(world, "Draft one (test)", status=Status.DRAFT)
    page = as_persona("alice").get("/").content.decode()
    assert "Closed one (test)" not in page
    assert "Draft one (test)" not in page
    assert "No consultation is open right now." in page


def test_the_home_page_shows_running_panels_to_those_who_may_see_them(world, as_persona, study):
    # a running study whose results are not public: network members see it, the public not
    assert "Basin study (test)" in as_persona("carol").get("/").content.decode()
    assert "Basin study (test)" not in as_persona("anonymous").get("/").content.decode()
    delphi_services.publish_results(actor=world.users["alice"], study=study)
    assert "Basin study (test)" in as_persona("anonymous").get("/").content.decode()


def test_the_home_page_lists_the_newest_library_documents_the_visitor_may_read(world, as_persona):
    make_document("Open water brief (test)")
    make_document("Members' water memo (test)", access=Access.NETWORK)
    anonymous = as_persona("anonymous").get("/").content.decode()
    assert "Open water brief (test)" in anonymous
    assert "Members&#x27; water memo (test)" not in anonymous
    assert "Members&#x27; water memo (test)" in as_persona("bob").get("/").content.decode()


def test_the_home_page_has_a_chart_with_a_data_table(world, as_persona):
    response = as_persona("anonymous").get("/")
    assert b'data-chart="group-chart"' in response.content
    assert b'<table id="group-table">' in response.content
    assert b'id="group-chart" type="application/json"' in response.content


def test_the_home_page_answers_in_russian_when_the_browser_asks(world, as_persona):
    response = as_persona("anonymous").get("/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.headers["Content-Language"] == "ru"
    assert b'<html lang="ru">' in response.content


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_the_home_page_makes_as_many_queries_for_many_items_as_for_one(world, as_persona):
    client = as_persona("bob")
    make_consultation(world, "Only one (test)")
    make_document("Only document (test)")
    few = _home_queries(client)
    for i in range(4):
        make_consultation(world, f"More {i} (test)", visibility=Visibility.NETWORK)
        make_document(f"More document {i} (test)")
    many = _home_queries(client)
    assert many == few
    assert many <= 16  # a few per section, never one per item


# --- My page ------------------------------------------------------------------------------


def test_my_page_sends_anonymous_visitors_to_sign_in(world, as_persona):
    response = as_persona("anonymous").get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_my_page_lists_the_round_bob_must_answer_with_its_deadline(world, as_persona, study):
    round = study.open_round()
    assert round is not None and round.closes_at is not None
    page = as_persona("bob").get("/me/").content.decode()
    assert "Basin study (test)" in page
    assert f'href="/delphi/{study.slug}/answer/"' in page
    assert round.closes_at.isoformat()[:16] in page  # the <time datetime="..."> of the deadline
    # carol is not on the panel: nothing of it waits for her
    carol = as_persona("carol").get("/me/").content.decode()
    assert "Basin study (test)" not in carol
    assert "No Delphi round waits for your answers." in carol


def test_a_round_once_answered_no_longer_waits(world, as_persona, study):
    delphi_services.submit_answers(
        actor=world.users["bob"], study=study, round=study.open_round(), answers=answers_for(study)
    )
    page = as_persona("bob").get("/me/").content.decode()
    assert f'href="/delphi/{study.slug}/answer/"' not in page
    assert "No Delphi round waits for your answers." in page
    # it shows up in the recent activity instead: one round answered
    assert "Rounds answered" in page


def test_my_page_lists_an_invited_consultation_until_the_person_votes(world, as_persona):
    consultation = make_consultation(
        world,
        "Invited-only consultation (test)",
        visibility=Visibility.INVITED,
        anonymity=Anonymity.PSEUDONYMOUS,
        closes_at=timezone.now() + timedelta(days=5),
    )
    consultation_services.invite(
        actor=world.users["alice"],
        consultation=consultation,
        emails=["dave@example.org"],
        accept_url_base="http://testserver/accounts/invitations/accept",
    )
    page = as_persona("dave").get("/me/").content.decode()
    assert "Invited-only consultation (test)" in page
    assert (
        "Invited-only consultation (test)" not in as_persona("carol").get("/me/").content.decode()
    )

    statement = consultation.statements.first()
    consultation_services.cast_vote(
        actor=world.users["dave"], consultation=consultation, statement_id=statement.pk, value=1
    )
    page = as_persona("dave").get("/me/").content.decode()
    assert "No consultation waits for your votes." in page
    assert "Invited-only consultation (test)" in page  # now under recent activity


def test_my_page_lists_open_action_required_notices_with_their_due_date(world, as_persona):
    due = timezone.now() + timedelta(days=3)
    notification_services.notify(
        kind="delphi.round_open",
        title="Answer round 2 (test notice)",
        url="/delphi/",
        recipients=[world.users["bob"]],
        action_required=True,
        due_at=due,
    )
    notification_services.notify(
        kind="library.saved_search",
        title="Three new documents (test notice)",
        url="/library/",
        recipients=[world.users["bob"]],
    )
    page = as_persona("bob").get("/me/").content.decode()
    assert "Answer round 2 (test notice)" in page
    assert due.isoformat()[:16] in page
    assert "Three new documents (test notice)" not in page  # information is not "to do"
    assert "Answer round 2 (test notice)" not in as_persona("carol").get("/me/").content.decode()


def test_my_page_lists_what_the_person_follows_that_they_may_still_see(world, as_persona):
    network_only = make_consultation(world, NETWORK_TITLE, visibility=Visibility.NETWORK)
    for persona in ("bob", "dave"):
        notification_services.follow(user=world.users[persona], target=network_only)
        notification_services.follow(user=world.users[persona], target=world.task_force)
    bob = as_persona("bob").get("/me/").content.decode()
    assert NETWORK_TITLE in bob
    assert world.task_force.name in bob
    dave = as_persona("dave").get("/me/").content.decode()
    assert world.task_force.name in dave
    assert NETWORK_TITLE not in dave  # dave may not see it (any longer): not listed


def test_my_page_has_empty_states_for_a_new_person(world, as_persona):
    page = as_persona("dave").get("/me/").content.decode()
    for empty in (
        "No Delphi round waits for your answers.",
        "No consultation waits for your votes.",
        "No notice asks you to act.",
        "You follow nothing yet.",
        "You do not speak for an institution",
        "No registrations.",
        "You have not taken part in a consultation yet.",
        "You are not on a Delphi panel.",
    ):
        assert empty in page, empty


def test_signed_in_people_see_a_link_to_my_page(world, as_persona):
    assert b'href="/me/"' in as_persona("bob").get("/").content
    assert b'href="/me/"' not in as_persona("anonymous").get("/").content
