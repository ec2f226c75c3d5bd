"""A vote burst at small scale: concurrent voters, none lost, none duplicated.

The full-scale run (200 voters, 50,000 votes, gunicorn, SQLite and PostgreSQL) is
``benchmarks/votes.py``; this test drives the same path through the API from threads.
"""

import json
import random
import threading

import pytest
from django.db import connection

from middleground.accounts.models import Role, User
from middleground.accounts.services import issue_api_token
from middleground.consultations import services
from middleground.consultations.models import Participant, Vote, VoteEvent

VOTERS = 20
VOTES_EACH = 50


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_concurrent_votes_loses_and_duplicates_nothing(world, settings, client):
    if connection.vendor == "sqlite":
        pytest.skip("in-memory SQLite test databases lock tables across threads; see below")
    # the analysis would run inline with the immediate backend; queue it instead
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    consultation = services.create_consultation(
        actor=world["users"]["alice"],
        data={
            "title": "Burst",
            "question": "Burst?",
            "visibility": "public",
            "anonymity": "pseudonymous",
            "status": "open",
            "statements": [f"Statement {i}." for i in range(VOTES_EACH)],
        },
    )
    statements = list(consultation.statements.values_list("pk", flat=True))
    voters = [User.objects.create_user(f"burst{i}", role=Role.EXPERT) for i in range(VOTERS)]
    tokens = [issue_api_token(user=u) for u in voters]
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(VOTERS)

    def vote(token: str, seed: int) -> None:
        from django.test import Client

        rng = random.Random(seed)
        order = statements[:]
        rng.shuffle(order)
        own = Client()
        codes = []
        start.wait()
        try:
            for statement in order:
                # a few repeats: the same vote twice must stay one vote
                for _ in range(2 if rng.random() < 0.1 else 1):
                    response = own.post(
                        f"/api/v1/consultations/{consultation.pk}/votes",
                        json.dumps({"statement": statement, "vote": rng.choice((-1, 0, 1))}),
                        content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {token}",
                    )
                    codes.append(response.status_code)
        finally:
            connection.close()
        with lock:
            statuses.extend(codes)

    threads = [threading.Thread(target=vote, args=(t, i)) for i, t in enumerate(tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert set(statuses) == {200}, sorted(set(statuses))
    assert Participant.objects.filter(consultation=consultation).count() == VOTERS
    assert Vote.objects.filter(consultation=consultation).count() == VOTERS * VOTES_EACH
    events = VoteEvent.objects.filter(consultation=consultation).count()
    assert VOTERS * VOTES_EACH <= events <= len(statuses)
    consultation.refresh_from_db()
    assert consultation.analysis_pending  # one run queued for the whole burst


@pytest.mark.django_db
def test_a_burst_through_gunicorn_on_sqlite_loses_and_duplicates_nothing():
    """20 voters x 50 votes against gunicorn on a fresh SQLite file, counted in the database.

    Runs with the SQLite suite; the PostgreSQL suite runs the threaded test above instead.
    """
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL suite runs the in-process threaded burst")
    from benchmarks.votes import run_case

    result = run_case("sqlite", voters=20, votes=1000, workers=2, threads=4, max_seconds=120)
    assert result["statuses"] == {200: 1000}, result
    assert result["db_votes"] == result["db_history"] == 1000
    assert result["db_participants"] == 20
    assert result["lost"] == 0 and result["duplicated_pairs"] == 0
