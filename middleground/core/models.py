"""The core's one table: the background workers' heartbeats (issue 21, item 7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A worker's last sign of life, written every ``WORKER_HEARTBEAT_SECONDS`` by
    ``manage.py run_worker`` (``core/heartbeat.py``).

    It lives in the database, beside the queue, so that ``/health/`` on any web machine sees
    the workers of every machine. A worker that stops cleanly deletes its row; a killed one
    leaves it to grow old, which is what ``/health/`` reports.
    """

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    started_at = models.DateTimeField(_("started at"))
    seen_at = models.DateTimeField(_("last seen at"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.seen_at:%Y-%m-%d %H:%M:%S})"
