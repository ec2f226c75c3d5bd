"""``manage.py run_worker``: django-tasks-db's ``db_worker`` (same options), made to survive a
database that is briefly unavailable (issue 13, finding 10).

The stock worker handles "database is locked" only inside its poll's query; a write
transaction longer than SQLite's busy timeout (a large Polis import) makes the poll's
``BEGIN EXCLUSIVE`` itself fail, and the worker exits. Here any ``OperationalError`` that
escapes the loop (a locked SQLite file, a PostgreSQL restart) is logged, and the worker
reconnects and goes on after a pause that doubles up to a minute.

While it runs, the worker keeps a heartbeat row fresh (``core/heartbeat.py``), which
``/health/`` reads.
"""

import logging
import time

from django.db import connections
from django.db.utils import OperationalError
from django_tasks_db.management.commands import db_worker

from middleground.core.heartbeat import Heartbeat

logger = logging.getLogger("django_tasks_db")

FIRST_PAUSE = 1.0
LONGEST_PAUSE = 60.0


class ResilientWorker(db_worker.Worker):
    def run(self) -> None:
        with Heartbeat(self.worker_id):
            self._run_resiliently()

    def _run_resiliently(self) -> None:
        pause = FIRST_PAUSE
        while self.running:
            started = time.monotonic()
            try:
                super().run()
                return  # --batch or --max-tasks reached
            except OperationalError as exc:
                if time.monotonic() - started > LONGEST_PAUSE:
                    pause = FIRST_PAUSE  # it had been working: a new outage starts short
                logger.warning(
                    "Worker %s: database error (%s); retrying in %.0f s", self.worker_id, exc, pause
                )
                # A failed BEGIN or a lost server leaves the connection unusable: start afresh.
                connections.close_all()
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
                self.startup_delay = False


class Command(db_worker.Command):
    help = "Run a database background worker that survives a locked or unreachable database."

    def handle(self, *args, **options):
        # Upstream's handle() builds its worker from the module's ``Worker`` name: use ours.
        db_worker.Worker = ResilientWorker  # type: ignore[misc]
        super().handle(*args, **options)
