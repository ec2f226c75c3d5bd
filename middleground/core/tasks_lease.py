"""Leases on running background tasks, so that a lost worker does not leave its task RUNNING
forever (issue 13, finding 9).

django-tasks-db marks a task RUNNING when a worker claims it and records the end only from
that worker: a worker killed with SIGKILL (or its machine lost) leaves the row RUNNING with no
one to finish it. A RUNNING task whose claim (``started_at``) is older than the lease is taken
as lost: ``recover_stale_tasks`` (called by ``manage.py run_periodic``) puts it back in the
queue, or fails it with a reason once it has been lost ``MAX_LOSSES`` times. Each claim appends
the worker's id to ``worker_ids``, so the row itself counts the attempts.

The lease must be longer than any task runs: ``TASK_LEASE_SECONDS`` (default 15 minutes).
Tasks are written to be idempotent, so a task re-run after a lost worker does no harm.
"""

import os
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

DEFAULT_LEASE_SECONDS = 15 * 60
MAX_LOSSES = 3


class WorkerLost(Exception):  # noqa: N818 - the name is what a failed task shows as its error
    """The worker running the task stopped without recording a result."""


def lease_seconds() -> int:
    return int(os.environ.get("TASK_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


@dataclass(frozen=True)
class Recovery:
    requeued: int
    failed: int

    def __str__(self) -> str:
        return f"{self.requeued} lost tasks re-queued, {self.failed} failed"


def recover_stale_tasks(*, lease: int | None = None, max_losses: int = MAX_LOSSES) -> Recovery:
    """Re-queue (or, after ``max_losses`` lost runs, fail) RUNNING tasks older than the lease."""
    lease = lease_seconds() if lease is None else lease
    now = timezone.now()
    requeued = failed = 0
    stale = DBTaskResult.objects.running().filter(started_at__lt=now - timedelta(seconds=lease))
    with transaction.atomic():
        for result in stale.only("id", "started_at", "worker_ids"):
            losses = len(result.worker_ids)  # one claim per run, and every run so far was lost
            # Conditional on the row as read: a worker that finishes meanwhile keeps its result.
            same_run = DBTaskResult.objects.filter(
                pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
            )
            if losses < max_losses:
                requeued += same_run.update(status=TaskResultStatus.READY)
            else:
                failed += same_run.update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    return_value=None,
                    exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                    traceback=(
                        f"WorkerLost: worker lost {losses} times (no result within the "
                        f"{lease} s lease; workers {', '.join(result.worker_ids)})"
                    ),
                )
    return Recovery(requeued=requeued, failed=failed)
