"""Periodic job (``manage.py run_periodic``): close consultations past their closing date,
re-queue analyses that were lost on the way, remove imports that never finished."""

import datetime as dt

from django.utils import timezone

from . import interop, services
from .models import Consultation, Status
from .tasks import analyze_consultation_task


def _analyses_in_queue() -> set[int]:
    """Consultations with an analysis task waiting or running in the database queue."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(analyze_consultation_task.get_backend(), DatabaseBackend):
        return set()  # nothing waits in an immediate or dummy backend
    rows = DBTaskResult.objects.filter(
        task_path=analyze_consultation_task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).values_list("args_kwargs", flat=True)
    return {int(row["args"][0]) for row in rows if row.get("args")}


def run() -> str:
    now = timezone.now()
    closing = list(
        Consultation.objects.filter(status=Status.OPEN, closes_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    Consultation.objects.filter(pk__in=closing).update(status=Status.CLOSED)
    for pk in closing:
        services.request_analysis(consultation_id=pk)
    # pending longer than the lease with no task for it: the run was lost (worker killed,
    # task failed or never enqueued), so queue it again
    stale = timezone.now() - dt.timedelta(seconds=services.STALE_PENDING_SECONDS)
    in_queue = _analyses_in_queue()
    ids = [
        pk
        for pk in Consultation.objects.filter(
            analysis_pending=True, analysis_requested_at__lt=stale
        ).values_list("pk", flat=True)
        if pk not in in_queue
    ]
    queued = sum(services.request_analysis(consultation_id=pk) for pk in ids)
    removed = interop.remove_unfinished_imports()
    return (
        f"{queued} consultation analyses re-queued, {len(closing)} consultations closed, "
        f"{removed} unfinished imports removed"
    )
