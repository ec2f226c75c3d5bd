"""Background work of consultations: tasks take ids and call a service."""

from django_tasks import task

from . import services
from .models import Consultation


@task()
def analyze_consultation_task(consultation_id: int) -> None:
    """Recompute a consultation's analysis (queued at most once at a time, after new votes).

    Idempotent: a task run again (a worker died after the run, a duplicate in the queue)
    finds nothing pending and does nothing.
    """
    if Consultation.objects.filter(pk=consultation_id, analysis_pending=True).exists():
        services.run_analysis(consultation_id=consultation_id)
