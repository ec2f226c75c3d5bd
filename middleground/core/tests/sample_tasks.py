"""Tasks for the worker tests (test_task_recovery.py): each leaves a trace in a file."""

import time
from pathlib import Path

from django_tasks import task


@task()
def record(path: str) -> str:
    Path(path).write_text("done")
    return "done"


@task()
def hang_once(path: str) -> str:
    """Hangs on its first run (until its worker is killed), finishes on the next."""
    marker = Path(path)
    if not marker.exists():
        marker.write_text("started")
        time.sleep(120)
    marker.write_text("done")
    return "done"
