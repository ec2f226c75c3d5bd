"""Edits never write back counters that concurrent requests changed (issue 14's lost update)."""

import json

import pytest
from django.core.cache import cache
from django.db import IntegrityError
from django.test import Client

from middleground.accounts.models import User
from middleground.consultations import services
from middleground.consultations.models import Consultation, Participant


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _person(username: str) -> User:
    return User.objects.get(username=username)


def _first_statement(consultation) -> int:
    return consultation.statements.order_by("number").values_list("pk", flat=True)[0]


def test_an_edit_that_raced_a_vote_keeps_the_consultation_open_to_newcomers(consultation):
    as_read_by_the_edit = Consultation.objects.get(pk=consultation.pk)
    # a newcomer votes while the edit form is open: counters move on in the database
    services.cast_vote(
        actor=_person("bob"),
        consultation=consultation,
        statement_id=_first_statement(consultation),
        value=1,
    )
    before_edit = Consultation.objects.get(pk=consultation.pk)
    services.update_consultation(
        actor=_person("alice"), consultation=as_read_by_the_edit, data={"title": "Edited title"}
    )
    after_edit = Consultation.objects.get(pk=consultation.pk)
    assert after_edit.title == "Edited title"
    for counter in (
        "participant_counter",
        "statement_counter",
        "analysis_pending",
        "analysis_requests",
    ):
        assert getattr(after_edit, counter) == getattr(before_edit, counter), counter
    # a further newcomer still joins and votes, under a number of their own
    client = Client()
    client.force_login(_person("dave"))
    response = client.post(
        f"/api/v1/consultations/{consultation.pk}/votes",
        json.dumps({"statement": _first_statement(consultation), "vote": -1}),
        content_type="application/json",
    )
    assert response.status_code == 200
    numbers = list(Participant.objects.filter(consultation=consultation).values_list("number"))
    assert sorted(numbers) == [(1,), (2,)]
    assert Consultation.objects.get(pk=consultation.pk).participant_counter == 2


def test_a_participant_number_clash_is_raised_not_taken_for_a_missing_row(consultation):
    services.cast_vote(
        actor=_person("bob"),
        consultation=consultation,
        statement_id=_first_statement(consultation),
        value=1,
    )
    # a counter set back (as the lost update did) hands out a number already taken
    Consultation.objects.filter(pk=consultation.pk).update(participant_counter=0)
    with pytest.raises(IntegrityError):
        services.get_participant(consultation=consultation, user=_person("carol"))
    assert not Participant.objects.filter(user__username="carol").exists()
