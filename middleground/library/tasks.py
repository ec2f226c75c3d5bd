"""Background work of the library: tasks take ids and call a service."""

from django_tasks import task

from . import services


@task()
def ingest_file_task(file_id: int) -> None:
    """Ingest one stored file of a batch; failures are recorded on the file's row."""
    services.run_ingest_file(file_id=file_id)
