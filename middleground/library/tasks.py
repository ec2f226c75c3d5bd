"""Background work of the library: tasks take ids and call the work in :mod:`.jobs`."""

from django_tasks import task

from . import jobs


@task()
def ingest_file_task(file_id: int) -> None:
    """Ingest one stored file of a batch; failures are recorded on the file's row."""
    jobs.run_ingest_file(file_id=file_id)
