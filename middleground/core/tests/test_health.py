"""``/health/``: the database, the queue's age and the workers' heartbeat (issue 21, item 7)."""

import json
import time
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from middleground.core.heartbeat import Heartbeat, beat
from middleground.core.models import WorkerHeartbeat
from middleground.core.tests.sample_tasks import record
from middleground.core.tests.test_task_recovery import DB_QUEUE, run_queue


@pytest.fixture
def db_queue(db, settings):
    settings.TASKS = DB_QUEUE
    settings.HEALTH_QUEUE_MAX_AGE = 300
    settings.HEALTH_WORKER_MAX_AGE = 120


def get_health(client, query: str = ""):
    response = client.get("/health/" + query)
    return response.status_code, json.loads(response.content)


def a_live_worker(seconds_ago: float = 5) -> None:
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(worker_id="secret-host-1234", started_at=seen, seen_at=seen)


def test_it_is_healthy_with_a_database_an_empty_queue_and_a_live_worker(db_queue, client):
    a_live_worker()
    status, body = get_health(client)
    assert status == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["queue"]["oldest_due_seconds"] is None
    assert body["checks"]["worker"]["workers"] == 1
    assert 5 <= body["checks"]["worker"]["last_heartbeat_seconds"] < 60


def test_it_reveals_no_worker_id_and_is_never_cached(db_queue, client):
    a_live_worker()
    response = client.get("/health/")
    assert b"secret-host" not in response.content
    assert "no-cache" in response["Cache-Control"]


def test_it_fails_the_worker_check_without_a_heartbeat(db_queue, client):
    status, body = get_health(client)
    assert (status, body["status"], body["failing"]) == (503, "degraded", ["worker"])
    assert body["checks"]["worker"]["last_heartbeat_seconds"] is None


def test_it_fails_the_worker_check_when_the_last_heartbeat_is_too_old(db_queue, client):
    a_live_worker(seconds_ago=121)
    status, body = get_health(client)
    assert (status, body["failing"]) == (503, ["worker"])
    assert body["checks"]["worker"]["workers"] == 0


def test_it_fails_the_queue_check_when_a_due_task_waited_too_long(db_queue, client):
    a_live_worker()
    old = record.enqueue("/nonexistent")
    DBTaskResult.objects.filter(pk=old.id).update(
        enqueued_at=timezone.now() - timedelta(seconds=400)
    )
    status, body = get_health(client)
    assert (status, body["status"], body["failing"]) == (503, "degraded", ["queue"])
    assert 399 <= body["checks"]["queue"]["oldest_due_seconds"] <= 401


def test_a_task_delayed_until_recently_waits_from_its_run_after(db_queue, client):
    a_live_worker()
    delayed = record.using(run_after=timezone.now() + timedelta(hours=1)).enqueue("/x")
    DBTaskResult.objects.filter(pk=delayed.id).update(
        enqueued_at=timezone.now() - timedelta(hours=2),
        run_after=timezone.now() - timedelta(seconds=10),
    )
    status, body = get_health(client)
    assert status == 200
    assert 9 <= body["checks"]["queue"]["oldest_due_seconds"] <= 11


def test_a_task_waiting_for_a_later_time_does_not_age_the_queue(db_queue, client):
    a_live_worker()
    later = record.using(run_after=timezone.now() + timedelta(hours=1)).enqueue("/x")
    DBTaskResult.objects.filter(pk=later.id).update(enqueued_at=timezone.now() - timedelta(days=1))
    status, body = get_health(client)
    assert status == 200 and body["checks"]["queue"]["oldest_due_seconds"] is None


def test_it_fails_the_database_check_without_telling_the_error(db_queue, client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "db.internal" failed: password')

    with monkeypatch.context() as patched:  # undone before the test database is torn down
        patched.setattr(CursorWrapper, "execute", refuse)
        response = client.get("/health/")
    body = json.loads(response.content)
    assert (response.status_code, body["status"]) == (503, "down")
    assert body["failing"] == ["database", "queue", "worker"]
    assert body["checks"]["queue"]["skipped"] == "the database is unavailable"
    assert b"db.internal" not in response.content and b"password" not in response.content


def test_only_runs_the_named_checks_for_a_load_balancer(db_queue, client):
    status, body = get_health(client, "?only=database")  # no worker: fine for this probe
    assert (status, list(body["checks"])) == (200, ["database"])
    status, body = get_health(client, "?only=bogus")
    assert status == 400 and "unknown check bogus" in body["detail"]


def test_without_the_database_queue_there_is_no_worker_to_watch(db, client):
    # conftest runs tasks at once (the immediate backend): no queue, no worker
    status, body = get_health(client)
    assert status == 200
    assert body["checks"]["worker"]["skipped"]


def test_load_balancers_probe_it_over_plain_http(db_queue, client, settings):
    settings.SECURE_SSL_REDIRECT = True
    a_live_worker()
    assert client.get("/").status_code == 301
    assert client.get("/health/").status_code == 200


def test_a_worker_writes_its_heartbeat_while_it_runs_and_removes_it_when_it_stops(
    transactional_db, settings
):
    settings.TASKS = DB_QUEUE
    with Heartbeat("w-1", every=0.05):
        first = WorkerHeartbeat.objects.get(worker_id="w-1").seen_at
        deadline = time.monotonic() + 10
        while WorkerHeartbeat.objects.get(worker_id="w-1").seen_at == first:
            assert time.monotonic() < deadline, "the heartbeat thread never beat"
            time.sleep(0.05)
    assert not WorkerHeartbeat.objects.filter(worker_id="w-1").exists()


def test_a_worker_forgets_heartbeats_of_workers_gone_for_a_day(transactional_db):
    long_ago = timezone.now() - timedelta(days=2)
    beat("gone", started_at=long_ago)
    WorkerHeartbeat.objects.filter(worker_id="gone").update(seen_at=long_ago)
    with Heartbeat("w-2", every=60):
        assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["w-2"]


def test_run_worker_beats_while_it_works(transactional_db, settings, tmp_path, monkeypatch):
    settings.TASKS = DB_QUEUE
    seen = []
    result = record.enqueue(str(tmp_path / "marker"))

    original = WorkerHeartbeat.objects.update_or_create

    def spy(**kwargs):
        seen.append(kwargs["worker_id"])
        return original(**kwargs)

    monkeypatch.setattr(WorkerHeartbeat.objects, "update_or_create", spy)
    run_queue()
    assert seen == ["test-worker"]
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    assert not WorkerHeartbeat.objects.exists()  # a clean stop leaves no row
