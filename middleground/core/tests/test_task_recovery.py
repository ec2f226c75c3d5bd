"""Background tasks survive lost workers and a locked database (issue 13, findings 9 and 10)."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from middleground.core.management.commands.run_worker import ResilientWorker
from middleground.core.tasks_lease import MAX_LOSSES, recover_stale_tasks
from middleground.core.tests.sample_tasks import record

ROOT = Path(__file__).resolve().parents[3]
DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def db_queue(transactional_db, settings):
    # Transactional: the worker closes a connection found inside a transaction, as it would be
    # inside a test's own transaction.
    settings.TASKS = DB_QUEUE


def lose_worker(result_id, worker_id: str) -> None:
    """What a worker killed mid-task leaves: its claim, an hour old, and no result."""
    row = DBTaskResult.objects.get(pk=result_id)
    row.claim(worker_id)
    DBTaskResult.objects.filter(pk=result_id).update(started_at=timezone.now() - timedelta(hours=1))


def run_queue() -> None:
    ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def test_a_task_of_a_lost_worker_is_requeued_by_run_periodic_and_then_runs(db_queue, tmp_path):
    marker = tmp_path / "marker"
    result = record.enqueue(str(marker))
    lose_worker(result.id, "killed-worker")

    call_command("run_periodic", verbosity=0)

    assert DBTaskResult.objects.get(pk=result.id).status == "READY"
    run_queue()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL" and marker.read_text() == "done"
    assert row.worker_ids == ["killed-worker", "test-worker"]


def test_a_task_lost_three_times_fails_with_the_reason(db_queue, tmp_path):
    result = record.enqueue(str(tmp_path / "marker"))
    for attempt in range(1, MAX_LOSSES + 1):
        lose_worker(result.id, f"worker-{attempt}")
        recovery = recover_stale_tasks()
        expected = "READY" if attempt < MAX_LOSSES else "FAILED"
        assert DBTaskResult.objects.get(pk=result.id).status == expected
    assert (recovery.requeued, recovery.failed) == (0, 1)
    failed = record.get_result(result.id)
    assert failed.status == "FAILED"
    assert failed.errors[0].exception_class_path == "middleground.core.tasks_lease.WorkerLost"
    assert "worker lost 3 times" in failed.errors[0].traceback


def test_a_task_running_within_its_lease_is_left_to_its_worker(db_queue, tmp_path):
    result = record.enqueue(str(tmp_path / "marker"))
    DBTaskResult.objects.get(pk=result.id).claim("busy-worker")

    assert (recover_stale_tasks().requeued, recover_stale_tasks().failed) == (0, 0)
    assert DBTaskResult.objects.get(pk=result.id).status == "RUNNING"


# Real worker processes on a SQLite file, with a busy timeout of 0.2 s instead of 20 s, so that
# a held lock outlasts it at once.
RUN = """
import sys
import django
from django.conf import settings
settings.DATABASES["default"]["OPTIONS"]["timeout"] = 0.2
django.setup()
from django.core.management import call_command
from middleground.core.tests.sample_tasks import hang_once, record
exec(sys.argv[1])
"""
WORKER = "call_command('run_worker', '--no-startup-delay', '--interval', '0.1', *sys.argv[2:])"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    var = tmp_path_factory.mktemp("migrated")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env_for(var), check=True
    )
    return var / "middleground.sqlite3"


@pytest.fixture
def var(migrated, tmp_path):
    shutil.copy(migrated, tmp_path / "middleground.sqlite3")
    return tmp_path


def env_for(var: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "MG_VAR_DIR": str(var),
        "MG_ALLOW_INSECURE_KEY": "1",
        "DATABASE_URL": "",
        "DEBUG": "0",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        **extra,
    }


def run(var: Path, code: str, *args: str, **extra: str) -> None:
    subprocess.run(
        [sys.executable, "-c", RUN, code, *args], cwd=ROOT, env=env_for(var, **extra), check=True
    )


def start_worker(var: Path) -> subprocess.Popen:
    log = (var / "worker.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-c", RUN, WORKER], cwd=ROOT, env=env_for(var), stdout=log, stderr=log
    )


def statuses(var: Path) -> list[str]:
    with sqlite3.connect(var / "middleground.sqlite3") as conn:
        table = DBTaskResult._meta.db_table
        rows = conn.execute(f"SELECT status FROM {table}").fetchall()  # noqa: S608
    return [status for (status,) in rows]


def wait_for(condition, worker: subprocess.Popen | None = None, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if worker is not None and worker.poll() is not None:
            return condition()
        time.sleep(0.1)
    return False


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=30)


def test_a_worker_killed_mid_task_leaves_a_task_that_run_periodic_requeues(var):
    marker = var / "marker"
    run(var, "hang_once.enqueue(sys.argv[2])", str(marker))
    worker = start_worker(var)
    try:
        assert wait_for(lambda: marker.exists(), worker), (var / "worker.log").read_text()
    finally:
        worker.kill()  # SIGKILL: no chance to record anything
        worker.wait(timeout=30)
    assert statuses(var) == ["RUNNING"]

    run(var, "call_command('run_periodic', verbosity=0)", TASK_LEASE_SECONDS="0")
    assert statuses(var) == ["READY"]
    run(var, WORKER, "--batch")
    assert statuses(var) == ["SUCCESSFUL"] and marker.read_text() == "done"


def test_the_worker_survives_a_locked_database_and_then_runs_the_task(var):
    marker = var / "marker"
    run(var, "record.enqueue(sys.argv[2])", str(marker))
    log = var / "worker.log"
    lock = sqlite3.connect(var / "middleground.sqlite3", isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # a long write transaction, e.g. a large Polis import
    worker = start_worker(var)
    try:
        assert wait_for(lambda: "database is locked" in log.read_text(), worker), log.read_text()
        time.sleep(1)  # several polls fail meanwhile
        assert worker.poll() is None, log.read_text()
        assert not marker.exists()

        lock.execute("ROLLBACK")
        assert wait_for(lambda: marker.exists(), worker), log.read_text()
        assert wait_for(lambda: statuses(var) == ["SUCCESSFUL"]), log.read_text()
    finally:
        lock.close()
        stop(worker)
