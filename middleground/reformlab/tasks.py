"""Background work: power indices of games too slow to compute during a request."""

from django_tasks import task

from . import jobs


@task()
def compute_result_task(result_id: int) -> str:
    row = jobs.run_queued(result_id=result_id)
    return row.status
