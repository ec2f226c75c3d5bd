"""Background work of consultations: tasks take ids and call the work in ``jobs``."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import jobs
from .models import Consultation


@task()
def analyze_consultation_task(consultation_id: int) -> None:
    """Recompute a consultation's analysis (queued at most once at a time, after new votes).

    Idempotent: a task run again (a worker died after the run, a duplicate in the queue)
    finds nothing pending and does nothing.
    """
    if Consultation.objects.filter(pk=consultation_id, analysis_pending=True).exists():
        jobs.run_analysis(consultation_id=consultation_id, queue_next=enqueue_analysis)


def analysis_delay() -> float:
    """Seconds an analysis waits in the queue, so that a burst of votes makes one run."""
    return float(getattr(settings, "CONSULTATIONS_ANALYSIS_DELAY", 3.0))


def enqueue_analysis(consultation_id: int) -> None:
    """Enqueue the analysis task when the current transaction commits."""

    def enqueue() -> None:
        queued = analyze_consultation_task
        delay = analysis_delay()
        if delay > 0 and queued.get_backend().supports_defer:
            queued = queued.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
        queued.enqueue(consultation_id)

    transaction.on_commit(enqueue)
