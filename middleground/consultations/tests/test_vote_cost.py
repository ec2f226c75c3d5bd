"""What one vote costs: the queries of the vote path are pinned so a regression fails.

A vote through the API with a bearer token reads the token, the consultation, the
statement, and the participant with its current vote on that statement (one joined read);
a new or changed vote then writes the vote and its history row in one transaction (two
statements, plus BEGIN/COMMIT or a savepoint pair inside the test's transaction). An
identical repeat vote writes nothing.
"""

import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from middleground.accounts.services import issue_api_token
from middleground.consultations import services
from middleground.consultations.models import Participant, Vote, VoteEvent

#: token, consultation, statement, participant with its vote
READS = 4
#: transaction start and end (BEGIN/COMMIT, or SAVEPOINT/RELEASE inside a test transaction)
TRANSACTION = 2


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def voter(world, consultation):
    """Bob's script: a bearer-token client that has voted once (participant, token use)."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_api_token(user=world.users['bob'])}")
    statements = list(consultation.statements.order_by("number").values_list("pk", flat=True))

    def vote(statement: int, value: int) -> dict:
        response = client.post(
            f"/api/v1/consultations/{consultation.pk}/votes",
            json.dumps({"statement": statement, "vote": value}),
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        return response.json()

    vote(statements[0], 1)  # joins the consultation, records the token's use
    return vote, statements


def test_a_new_vote_costs_four_reads_and_two_writes(voter, django_assert_max_num_queries):
    vote, statements = voter
    with django_assert_max_num_queries(READS + TRANSACTION + 2):
        body = vote(statements[1], -1)
    assert body["vote"] == -1
    assert VoteEvent.objects.filter(statement=statements[1]).count() == 1


def test_a_repeated_vote_only_reads(voter, django_assert_max_num_queries):
    vote, statements = voter
    with django_assert_max_num_queries(READS):
        body = vote(statements[0], 1)
    assert body["vote"] == 1
    assert VoteEvent.objects.filter(statement=statements[0]).count() == 1


def test_a_changed_vote_costs_four_reads_and_two_writes(voter, django_assert_max_num_queries):
    vote, statements = voter
    with django_assert_max_num_queries(READS + TRANSACTION + 2):
        body = vote(statements[0], 0)
    assert body["vote"] == 0
    assert list(
        VoteEvent.objects.filter(statement=statements[0]).values_list("value", flat=True)
    ) == [1, 0]


# The two races below cannot be provoked deterministically through HTTP; they call the
# upsert with what a request would have read just before a concurrent one won.


def _pair(consultation, bob):
    participant = Participant.objects.get(consultation=consultation, user=bob)
    statement = consultation.statements.order_by("number").first()
    return participant, statement


def test_a_vote_changed_concurrently_is_written_from_a_fresh_read(world, consultation):
    bob = world.users["bob"]
    services.cast_vote(
        actor=bob, consultation=consultation, statement_id=_first(consultation), value=1
    )
    participant, statement = _pair(consultation, bob)
    stale = Vote.objects.get(participant=participant, statement=statement)
    Vote.objects.filter(pk=stale.pk).update(value=-1)  # another request changed it meanwhile
    now = timezone.now()
    vote = services._upsert_vote(consultation.pk, participant.pk, statement.pk, 0, now, stale)
    assert (vote.value, Vote.objects.get(pk=stale.pk).value) == (0, 0)
    assert VoteEvent.objects.filter(participant=participant, statement=statement).count() == 2


def test_a_vote_inserted_concurrently_is_not_duplicated(world, consultation):
    bob = world.users["bob"]
    services.cast_vote(
        actor=bob, consultation=consultation, statement_id=_first(consultation), value=1
    )
    participant, statement = _pair(consultation, bob)
    # read "no vote yet", but a concurrent request inserted the same one: idempotent
    now = timezone.now()
    vote = services._upsert_vote(consultation.pk, participant.pk, statement.pk, 1, now, None)
    assert vote.value == 1
    assert Vote.objects.filter(participant=participant, statement=statement).count() == 1
    assert VoteEvent.objects.filter(participant=participant, statement=statement).count() == 1


def _first(consultation) -> int:
    return consultation.statements.order_by("number").values_list("pk", flat=True)[0]
