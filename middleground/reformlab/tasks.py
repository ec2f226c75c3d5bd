"""Background work: power indices of games too slow to compute during a request."""

from django_tasks import task

from . import services


@task()
def compute_result(result_id: int) -> str:
    row = services.run_queued(result_id=result_id)
    return row.status
