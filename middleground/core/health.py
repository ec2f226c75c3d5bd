"""``/health/``: is this platform able to serve and to get its background work done?

Three checks, each named in the answer:

* ``database``: a trivial query on the default database;
* ``queue``: the oldest task that is due to run (READY in django-tasks-db's table, its
  ``run_after`` passed) has waited less than ``HEALTH_QUEUE_MAX_AGE`` seconds;
* ``worker``: some worker wrote its heartbeat (``core/heartbeat.py``) in the last
  ``HEALTH_WORKER_MAX_AGE`` seconds.

200 with ``"status": "ok"`` when every check passes, 503 with ``"failing": [...]`` when one
does not. ``?only=database`` runs only the named checks (comma-separated): a load balancer
should probe that, so that a lost worker does not take every web process out of rotation.

The answer reveals nothing private: no host names, worker ids, versions or error messages
(an error is logged, not shown). Open to everyone, never cached, and exempt from the HTTPS
redirect (``SECURE_REDIRECT_EXEMPT``), as load balancers probe over plain HTTP.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import F
from django.db.models.functions import Greatest
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import task_backends
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

Check = dict[str, Any]


def check_database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        ok = cursor.fetchone() == (1,)
    return {"ok": ok}


def uses_database_queue() -> bool:
    """Whether tasks go through django-tasks-db (else no queue nor worker to watch)."""
    return isinstance(task_backends["default"], DatabaseBackend)


def oldest_due_task_age(now) -> float | None:
    """Seconds the longest-waiting due task has waited (since it was enqueued, or since its
    ``run_after`` for a delayed task), or None with an empty queue."""
    ready = DBTaskResult.objects.ready()
    undelayed = (
        ready.filter(run_after=get_date_max())
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    delayed = (
        ready.exclude(run_after=get_date_max())
        .annotate(waiting_since=Greatest(F("enqueued_at"), F("run_after")))
        .order_by("waiting_since")
        .values_list("waiting_since", flat=True)
        .first()
    )
    since = min((t for t in (undelayed, delayed) if t is not None), default=None)
    return None if since is None else max(0.0, (now - since).total_seconds())


def check_queue() -> Check:
    if not uses_database_queue():
        return {"ok": True, "skipped": "tasks do not use the database queue"}
    limit = settings.HEALTH_QUEUE_MAX_AGE
    age = oldest_due_task_age(timezone.now())
    return {
        "ok": age is None or age <= limit,
        "oldest_due_seconds": None if age is None else round(age),
        "max_seconds": limit,
    }


def check_worker() -> Check:
    if not uses_database_queue():
        return {"ok": True, "skipped": "tasks do not use the database queue"}
    limit = settings.HEALTH_WORKER_MAX_AGE
    now = timezone.now()
    seen = list(WorkerHeartbeat.objects.values_list("seen_at", flat=True))
    alive = [s for s in seen if (now - s).total_seconds() <= limit]
    last = max(seen, default=None)
    return {
        "ok": bool(alive),
        "workers": len(alive),
        "last_heartbeat_seconds": None if last is None else round((now - last).total_seconds()),
        "max_seconds": limit,
    }


CHECKS: dict[str, Callable[[], Check]] = {
    "database": check_database,
    "queue": check_queue,
    "worker": check_worker,
}


def run_checks(names: list[str]) -> dict[str, Check]:
    results: dict[str, Check] = {}
    for name in names:
        if name != "database" and not results.get("database", {"ok": True})["ok"]:
            results[name] = {"ok": False, "skipped": "the database is unavailable"}
            continue
        try:
            results[name] = CHECKS[name]()
        except DatabaseError:
            logger.exception("health check %s failed", name)
            results[name] = {"ok": False, "error": "unavailable"}
    return results


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    only = request.GET.get("only", "")
    names = [n.strip() for n in only.split(",") if n.strip()] if only else list(CHECKS)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        return JsonResponse(
            {"detail": f"unknown check {', '.join(unknown)}; the checks are {', '.join(CHECKS)}"},
            status=400,
        )
    if "database" not in names:  # the other checks read the database: it comes first
        names.insert(0, "database")
    results = run_checks(names)
    failing = [name for name, result in results.items() if not result["ok"]]
    if not failing:
        return JsonResponse({"status": "ok", "checks": results})
    status = "down" if "database" in failing else "degraded"
    return JsonResponse({"status": status, "failing": failing, "checks": results}, status=503)
