"""Participation through pages and the API: votes, statements, identities, bad input."""

import json

import pytest
from django.core.cache import cache

from middleground.consultations import services
from middleground.consultations.identity import COOKIE
from middleground.consultations.models import (
    Participant,
    Statement,
    StatementStatus,
    Status,
    Vote,
    VoteEvent,
)
from middleground.testing import api_post


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def vote_url(consultation):
    return f"/api/v1/consultations/{consultation.pk}/votes"


def first_statement(consultation):
    return consultation.statements.order_by("number").first()


def test_changed_vote_replaces_the_old_one_and_keeps_the_history(as_persona, consultation):
    bob = as_persona("bob")
    statement = first_statement(consultation)
    for value in (1, -1):
        response = api_post(bob, vote_url(consultation), {"statement": statement.pk, "vote": value})
        assert response.status_code == 200
    vote = Vote.objects.get(statement=statement)
    assert vote.value == -1
    assert list(VoteEvent.objects.filter(statement=statement).values_list("value", flat=True)) == [
        1,
        -1,
    ]


def test_the_same_vote_twice_is_idempotent(as_persona, consultation):
    bob = as_persona("bob")
    statement = first_statement(consultation)
    for _ in range(3):
        response = api_post(bob, vote_url(consultation), {"statement": statement.pk, "vote": 1})
        assert response.status_code == 200
    assert Vote.objects.filter(statement=statement).count() == 1
    assert VoteEvent.objects.filter(statement=statement).count() == 1
    assert Participant.objects.filter(consultation=consultation).count() == 1


@pytest.mark.parametrize("value", [2, -2, 7])
def test_a_vote_outside_minus_one_zero_one_is_rejected(as_persona, consultation, value):
    response = api_post(
        as_persona("bob"),
        vote_url(consultation),
        {"statement": first_statement(consultation).pk, "vote": value},
    )
    assert response.status_code == 400
    assert response.json()["field"] == "vote"
    assert not Vote.objects.exists() and not VoteEvent.objects.exists()


def test_a_vote_that_is_not_a_number_is_a_validation_error(as_persona, consultation):
    response = api_post(
        as_persona("bob"),
        vote_url(consultation),
        {"statement": first_statement(consultation).pk, "vote": "yes"},
    )
    assert response.status_code == 422
    assert not Vote.objects.exists()


def test_a_statement_of_another_consultation_is_rejected(
    as_persona, consultation, make_consultation
):
    other = make_consultation(title="Another one")
    response = api_post(
        as_persona("bob"),
        vote_url(consultation),
        {"statement": first_statement(other).pk, "vote": 1},
    )
    assert response.status_code == 400
    assert "not part of this consultation" in response.json()["detail"]
    assert not Vote.objects.exists()


def test_closed_consultation_rejects_votes(as_persona, make_consultation):
    closed = make_consultation(status=Status.CLOSED)
    response = api_post(
        as_persona("bob"), vote_url(closed), {"statement": first_statement(closed).pk, "vote": 1}
    )
    assert response.status_code == 400
    assert "not open" in response.json()["detail"]
    assert not Vote.objects.exists()


def test_a_rejected_statement_takes_no_votes(world, as_persona, consultation):
    statement = first_statement(consultation)
    services.moderate_statement(actor=world.users["alice"], statement=statement, accept=False)
    response = api_post(
        as_persona("bob"), vote_url(consultation), {"statement": statement.pk, "vote": 1}
    )
    assert response.status_code == 400
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"), [("", "empty"), ("   ", "empty"), ("x" * 401, "too long")]
)
def test_an_empty_or_overlong_statement_is_rejected(as_persona, consultation, text, message):
    before = Statement.objects.count()
    response = api_post(
        as_persona("bob"), f"/api/v1/consultations/{consultation.pk}/statements", {"text": text}
    )
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert response.json()["field"] == "text"
    assert Statement.objects.count() == before


def test_an_overlong_statement_on_the_page_is_shown_beside_the_field(as_persona, consultation):
    response = as_persona("bob").post(
        f"/consultations/{consultation.slug}/statements/new/", {"text": "y" * 450}
    )
    assert response.status_code == 400
    assert "too long" in response.content.decode()
    assert Statement.objects.filter(text__startswith="yyy").count() == 0


def test_a_duplicate_statement_is_rejected(as_persona, consultation):
    text = first_statement(consultation).text
    response = api_post(
        as_persona("bob"), f"/api/v1/consultations/{consultation.pk}/statements", {"text": text}
    )
    assert response.status_code == 400
    assert "already" in response.json()["detail"]


def test_the_participation_page_works_without_javascript(as_persona, consultation):
    """Plain form posts: vote, get redirected, see the next statement, until the end."""
    bob = as_persona("bob")
    url = f"/consultations/{consultation.slug}/participate/"
    seen = set()
    for _ in range(3):
        page = bob.get(url)
        assert page.status_code == 200
        statement = page.context["statement"]
        assert statement is not None and statement.pk not in seen
        seen.add(statement.pk)
        assert f'name="statement" value="{statement.pk}"' in page.content.decode()
        response = bob.post(url, {"statement": statement.pk, "vote": "1"})
        assert response.status_code == 302 and response["Location"] == url
    page = bob.get(url)
    assert page.context["statement"] is None
    assert "voted on every statement" in page.content.decode()
    assert Vote.objects.filter(participant__user__username="bob").count() == 3


def test_an_htmx_vote_swaps_in_the_next_statement(as_persona, consultation):
    bob = as_persona("bob")
    url = f"/consultations/{consultation.slug}/participate/"
    statement = bob.get(url).context["statement"]
    response = bob.post(url, {"statement": statement.pk, "vote": "-1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<section") and 'id="vote-card"' in html
    assert "<html" not in html


def test_a_bad_vote_on_the_page_is_a_clear_error(as_persona, consultation):
    bob = as_persona("bob")
    url = f"/consultations/{consultation.slug}/participate/"
    statement = bob.get(url).context["statement"]
    response = bob.post(url, {"statement": statement.pk, "vote": "5"})
    assert response.status_code == 400
    assert "-1 (disagree), 0 (pass) or 1 (agree)" in response.content.decode()


def test_anonymous_visitors_vote_with_a_cookie_identity(client, consultation):
    url = f"/consultations/{consultation.slug}/participate/"
    statement = client.get(url).context["statement"]
    response = client.post(url, {"statement": statement.pk, "vote": "1"})
    assert response.status_code == 302
    assert COOKIE in response.cookies
    second = client.get(url).context["statement"]
    assert second.pk != statement.pk
    client.post(url, {"statement": second.pk, "vote": "0"})
    participant = Participant.objects.get()
    assert participant.user is None and participant.cookie_id
    assert participant.votes.count() == 2


def test_anonymous_api_votes_get_a_cookie_identity(client, consultation):
    statement = first_statement(consultation)
    response = api_post(client, vote_url(consultation), {"statement": statement.pk, "vote": 1})
    assert response.status_code == 200
    assert COOKIE in response.cookies
    api_post(client, vote_url(consultation), {"statement": statement.pk, "vote": -1})
    assert Participant.objects.count() == 1
    assert Vote.objects.get().value == -1


def test_a_forged_cookie_is_a_new_identity(client, consultation):
    client.cookies[COOKIE] = "forged-value-without-a-signature"
    statement = first_statement(consultation)
    response = api_post(client, vote_url(consultation), {"statement": statement.pk, "vote": 1})
    assert response.status_code == 200
    assert Participant.objects.get().cookie_id != "forged-value-without-a-signature"


def test_anonymous_cannot_vote_where_sign_in_is_required(client, make_consultation):
    signed_in_only = make_consultation(anonymity="pseudonymous")
    response = api_post(
        client,
        vote_url(signed_in_only),
        {"statement": first_statement(signed_in_only).pk, "vote": 1},
    )
    assert response.status_code == 401
    page = client.get(f"/consultations/{signed_in_only.slug}/participate/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert not Vote.objects.exists()


def test_anonymous_votes_are_rate_limited_per_identity_and_address(client, consultation, settings):
    settings.CONSULTATIONS_RATE_LIMITS = {
        **settings.CONSULTATIONS_RATE_LIMITS,
        ("vote", "ip"): (2, 60),
    }
    statements = list(consultation.statements.order_by("number"))
    codes = [
        api_post(client, vote_url(consultation), {"statement": s.pk, "vote": 1}).status_code
        for s in statements
    ]
    assert codes == [200, 200, 429]
    response = api_post(client, vote_url(consultation), {"statement": statements[2].pk, "vote": 1})
    assert response.status_code == 429
    assert "Too many requests" in response.json()["detail"]
    assert Vote.objects.count() == 2


def test_statement_submission_is_rate_limited(as_persona, consultation, settings):
    settings.CONSULTATIONS_RATE_LIMITS = {
        **settings.CONSULTATIONS_RATE_LIMITS,
        ("statement", "identity"): (1, 600),
    }
    bob = as_persona("bob")
    url = f"/api/v1/consultations/{consultation.pk}/statements"
    assert api_post(bob, url, {"text": "First new statement."}).status_code == 201
    response = api_post(bob, url, {"text": "Second new statement."})
    assert response.status_code == 429
    assert not Statement.objects.filter(text="Second new statement.").exists()


def test_participants_take_their_declared_groups_from_the_registry(world, as_persona, consultation):
    api_post(
        as_persona("bob"),
        vote_url(consultation),
        {"statement": first_statement(consultation).pk, "vote": 1},
    )
    participant = Participant.objects.get(user=world.users["bob"])
    assert participant.country == "KZ"
    assert participant.regional_group == "APG"
    assert "SCO" in participant.blocs
    assert participant.institution_kind == "think_tank"


def test_statements_wait_for_moderation_when_moderated_before_publication(
    world, as_persona, make_consultation
):
    held = make_consultation(moderation="before")
    bob, alice = as_persona("bob"), as_persona("alice")
    response = api_post(
        bob, f"/api/v1/consultations/{held.pk}/statements", {"text": "A held statement."}
    )
    assert response.status_code == 201 and response.json()["status"] == "pending"
    statement = Statement.objects.get(text="A held statement.")
    listed = bob.get(f"/api/v1/consultations/{held.pk}/statements").json()["items"]
    assert statement.pk not in [s["id"] for s in listed]
    refused = api_post(bob, vote_url(held), {"statement": statement.pk, "vote": 1})
    assert refused.status_code == 400
    queue = alice.get(f"/consultations/{held.slug}/moderation/")
    assert "A held statement." in queue.content.decode()
    response = alice.post(
        f"/consultations/{held.slug}/moderation/{statement.pk}/", {"decision": "accept"}
    )
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == StatementStatus.ACCEPTED
    assert api_post(bob, vote_url(held), {"statement": statement.pk, "vote": 1}).status_code == 200


def test_statements_appear_at_once_when_moderated_after_publication(as_persona, consultation):
    response = api_post(
        as_persona("bob"),
        f"/api/v1/consultations/{consultation.pk}/statements",
        {"text": "Published at once."},
    )
    assert response.json()["status"] == "accepted"


def test_a_moderator_who_is_not_secretariat_can_moderate(world, as_persona, consultation):
    consultation.moderators.add(world.users["carol"])
    statement = first_statement(consultation)
    response = api_post(
        as_persona("carol"),
        f"/api/v1/consultations/{consultation.pk}/statements/{statement.pk}/moderation",
        {"accept": False},
    )
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    response = api_post(
        as_persona("bob"),
        f"/api/v1/consultations/{consultation.pk}/statements/{statement.pk}/moderation",
        {"accept": True},
    )
    assert response.status_code == 403


def test_participants_cannot_add_statements_when_the_consultation_forbids_it(
    as_persona, make_consultation
):
    fixed = make_consultation(participants_can_add=False)
    response = api_post(
        as_persona("bob"), f"/api/v1/consultations/{fixed.pk}/statements", {"text": "Mine."}
    )
    assert response.status_code == 403


def test_invited_consultations_admit_only_invitees(
    world, as_persona, make_consultation, mailoutbox, django_capture_on_commit_callbacks
):
    invited = make_consultation(visibility="invited", anonymity="named")
    alice = as_persona("alice")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_post(
            alice,
            f"/api/v1/consultations/{invited.pk}/invitations",
            {"emails": ["bob@example.org", "newcomer@example.org"]},
        )
    assert response.status_code == 201
    # bob has an account: a notice (mailed, action required); the newcomer a sign-up link
    assert sorted(m.to[0] for m in mailoutbox) == ["bob@example.org", "newcomer@example.org"]
    [signup] = [m for m in mailoutbox if m.to == ["newcomer@example.org"]]
    assert "/accounts/invitations/accept/" in signup.body
    statement = first_statement(invited)
    assert (
        api_post(
            as_persona("bob"), vote_url(invited), {"statement": statement.pk, "vote": 1}
        ).status_code
        == 200
    )
    assert as_persona("carol").get(f"/consultations/{invited.slug}/").status_code == 404
    assert (
        api_post(
            as_persona("carol"), vote_url(invited), {"statement": statement.pk, "vote": 1}
        ).status_code
        == 404
    )
    assert as_persona("bob").get(f"/consultations/{invited.slug}/").status_code == 200


def test_an_invalid_email_is_reported_and_the_others_invited(as_persona, make_consultation):
    invited = make_consultation(visibility="invited")
    response = api_post(
        as_persona("alice"),
        f"/api/v1/consultations/{invited.pk}/invitations",
        {"emails": ["bob@example.org", "not-an-address"]},
    )
    assert response.status_code == 201
    assert response.json()["rejected"] == [
        {
            "line": 2,
            "value": "not-an-address",
            "reason": "'not-an-address' is not an e-mail address.",
        }
    ]
    assert list(invited.invitees.values_list("email", flat=True)) == ["bob@example.org"]


def test_a_list_of_only_invalid_emails_invites_nobody(as_persona, make_consultation):
    invited = make_consultation(visibility="invited")
    response = api_post(
        as_persona("alice"),
        f"/api/v1/consultations/{invited.pk}/invitations",
        {"emails": ["not-an-address"]},
    )
    assert response.status_code == 400 and response.json()["field"] == "emails"
    assert not invited.invitees.exists()


def test_drafts_are_hidden_from_everyone_but_the_secretariat(as_persona, make_consultation):
    draft = make_consultation(status=Status.DRAFT)
    assert as_persona("bob").get(f"/consultations/{draft.slug}/").status_code == 404
    listed = as_persona("bob").get("/api/v1/consultations").json()["items"]
    assert draft.pk not in [c["id"] for c in listed]
    assert as_persona("alice").get(f"/consultations/{draft.slug}/").status_code == 200


def test_the_secretariat_creates_a_consultation_through_the_page(world, as_persona):
    response = as_persona("alice").post(
        "/consultations/new/",
        {
            "title": "Digital trust",
            "question": "How should data flow across borders?",
            "visibility": "network",
            "anonymity": "pseudonymous",
            "status": "open",
            "moderation": "before",
            "participants_can_add": "on",
            "declared_dimension": "institution_kind",
            "focus_areas": [world.water.pk],
            "statements": "Data should stay where it is produced.\nTrust needs audits.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = world.water.consultations.get()
    assert created.statements.filter(status="accepted").count() == 2
    assert created.declared_dimension == "institution_kind"


def test_a_closing_date_before_the_opening_date_is_refused(as_persona):
    response = api_post(
        as_persona("alice"),
        "/api/v1/consultations",
        {
            "title": "Bad dates",
            "question": "?",
            "opens_at": "2026-05-02T00:00:00Z",
            "closes_at": "2026-05-01T00:00:00Z",
        },
    )
    assert response.status_code == 400 and response.json()["field"] == "closes_at"


def test_managers_edit_a_consultation_through_the_page(world, as_persona, consultation):
    url = f"/consultations/{consultation.slug}/edit/"
    alice = as_persona("alice")
    form = alice.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "focus_areas"}
    data.update({"status": "closed", "title": "Renamed consultation"})
    response = alice.post(url, data)
    assert response.status_code == 302, response.content.decode()[:1500]
    consultation.refresh_from_db()
    assert consultation.status == "closed" and consultation.title == "Renamed consultation"
    assert as_persona("bob").get(url).status_code == 403


def test_a_moderator_edits_but_cannot_appoint_moderators(world, as_persona, consultation):
    carol = world.users["carol"]
    consultation.moderators.add(carol)
    url = f"/consultations/{consultation.slug}/edit/"
    client = as_persona("carol")
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "focus_areas"}
    data["moderators"] = [carol.pk]
    data["context"] = "Updated by a moderator."
    assert client.post(url, data).status_code == 302
    data["moderators"] = [carol.pk, world.users["bob"].pk]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Only the secretariat appoints moderators." in response.content.decode()
    assert list(consultation.moderators.all()) == [carol]


def test_anonymous_api_votes_need_the_csrf_token(consultation):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    statement = first_statement(consultation)
    response = api_post(browser, vote_url(consultation), {"statement": statement.pk, "vote": 1})
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert not Vote.objects.exists()
    browser.get(f"/consultations/{consultation.slug}/participate/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        vote_url(consultation),
        json.dumps({"statement": statement.pk, "vote": 1}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
