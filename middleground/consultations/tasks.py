"""Background work of consultations: tasks take ids and call a service."""

from django_tasks import task

from . import services


@task()
def analyze_consultation_task(consultation_id: int) -> None:
    """Recompute a consultation's analysis (queued at most once at a time, after new votes)."""
    services.run_analysis(consultation_id=consultation_id)
