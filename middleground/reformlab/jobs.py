"""The reform lab's background work (what :mod:`.tasks` runs)."""

import time

from django.utils import timezone

from middleground.analysis.power import GameError, WeightedGame

from . import compute
from .messages import plain_game_error
from .models import PowerResultCache, ResultStatus


def run_queued(*, result_id: int) -> PowerResultCache:
    """Compute a queued result."""
    row = PowerResultCache.objects.get(pk=result_id)
    if row.status == ResultStatus.DONE:
        return row
    settings = row.result or {}
    started = time.perf_counter()
    try:
        game = WeightedGame.from_dict(row.game)
        payload = compute.run(
            compute.Request(
                game,
                list(row.indices),
                row.method,
                settings.get("samples", 100_000),
                settings.get("seed"),
            ),
            row.method,
        )
    except GameError as error:
        row.status, row.error, row.result = ResultStatus.FAILED, plain_game_error(error), None
    except MemoryError:
        message = plain_game_error("too large for exact methods")
        row.status, row.error, row.result = ResultStatus.FAILED, message, None
    else:
        row.status, row.error, row.result = ResultStatus.DONE, "", payload
    row.seconds = time.perf_counter() - started
    row.finished_at = timezone.now()
    # Only what this job computed: the row may have changed during a long computation.
    row.save(update_fields=["status", "error", "result", "seconds", "finished_at"])
    return row
