"""A vote burst at small scale: concurrent voters, none lost, none duplicated.

The full-scale run (200 voters, 50,000 votes) is ``benchmarks/votes.py``; this test runs
the same path at small scale: gunicorn in its own process group on a fresh database of
the suite's own backend (a temporary SQLite file, or a PostgreSQL database created and
dropped by the script), voters in client threads over HTTP, counted in the database
afterwards. Idempotent repeats and the analysis debounce are tested in
``test_participation.py`` and ``test_results.py``.
"""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_a_burst_through_gunicorn_loses_and_duplicates_nothing():
    from benchmarks.votes import run_case

    db = "postgres" if connection.vendor == "postgresql" else "sqlite"
    result = run_case(db, voters=20, votes=1000, workers=2, threads=4, max_seconds=120)
    assert result["statuses"] == {200: 1000}, result
    assert result["db_votes"] == result["db_history"] == 1000
    assert result["db_participants"] == 20
    assert result["lost"] == 0 and result["duplicated_pairs"] == 0
