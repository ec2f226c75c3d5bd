"""The workers' heartbeat: one row per running worker, refreshed from a thread.

A thread, not the worker's polling loop: a worker busy with a long analysis does not poll,
yet it is alive. A worker that is alive but stuck shows as a queue that grows old, which
``/health/`` checks on its own (``core/health.py``).
"""

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger("django_tasks_db")

#: rows of workers gone for longer than this are removed when a worker starts
FORGET_AFTER = timedelta(days=1)


def beat(worker_id: str, *, started_at) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"seen_at": timezone.now(), "started_at": started_at}
    )


class Heartbeat:
    """``with Heartbeat(worker_id):`` keeps the worker's row fresh while the block runs."""

    def __init__(self, worker_id: str, *, every: float | None = None) -> None:
        self.worker_id = worker_id
        self.every = float(settings.WORKER_HEARTBEAT_SECONDS if every is None else every)
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def __enter__(self) -> "Heartbeat":
        try:  # the first beat at once, so a new worker shows before its first interval ends
            WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - FORGET_AFTER).delete()
            beat(self.worker_id, started_at=self.started_at)
        except DatabaseError as exc:
            logger.warning("Worker %s: heartbeat not written (%s)", self.worker_id, exc)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        try:  # a clean stop: no stale row left to look like a lost worker
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError as exc:
            logger.warning("Worker %s: heartbeat not removed (%s)", self.worker_id, exc)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.every):
                try:
                    beat(self.worker_id, started_at=self.started_at)
                except DatabaseError as exc:  # a locked or restarting database: next time
                    logger.warning("Worker %s: heartbeat not written (%s)", self.worker_id, exc)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection
