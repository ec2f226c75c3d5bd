"""Background work of accountability: tasks take ids and call the work in :mod:`.jobs`."""

from django_tasks import task

from . import jobs


@task()
def import_compliance_task(job_id: int) -> str:
    """Check and store one large import (:class:`~.models.ImportJob`); its progress and
    report are saved on the job. Idempotent: a finished job is left alone."""
    job = jobs.run_import_job(job_id=job_id)
    return job.status if job is not None else "missing"
