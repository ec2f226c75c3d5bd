"""The work behind the consultations' background tasks: the analysis run.

Tasks (``tasks.py``) call it; it imports neither the services nor the tasks, so services
can enqueue tasks through a plain top-level import.
"""

import time
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from . import selectors
from .models import AnalysisResult, Consultation, StatementStatus, Vote, VoteEvent


def _history_mark(consultation_id: int) -> tuple[int, int | None]:
    """The vote history's size and last id: a vote cast since this was read changes it."""
    mark = VoteEvent.objects.filter(consultation_id=consultation_id).aggregate(
        n=Count("pk"), last=Max("pk")
    )
    return mark["n"], mark["last"]


def run_analysis(
    *, consultation_id: int, queue_next: Callable[[int], None]
) -> AnalysisResult | None:
    """Recompute the analysis from the current votes and store it as a new version.

    ``analysis_pending`` stays set until the result is stored: a run that dies leaves it
    set, and ``periodic`` queues the run again. It is cleared, in the transaction that
    stores the result, only if nothing came in during the run (no vote in the history, no
    new request); otherwise ``queue_next(consultation_id)`` queues the next run at once
    (the task's enqueue, passed in: this module imports neither services nor tasks).
    """
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return None
    # read before the votes: a vote from now on changes the mark and queues the next run
    history = _history_mark(consultation_id)
    started = time.perf_counter()
    computed = _compute_analysis(consultation)
    with transaction.atomic():
        stored = _store_analysis(consultation, *computed, started) if computed else None
        unchanged = _history_mark(consultation_id) == history
        cleared = unchanged and (
            Consultation.objects.filter(
                pk=consultation_id, analysis_requests=consultation.analysis_requests
            ).update(analysis_pending=False)
        )
        if not cleared:
            Consultation.objects.filter(pk=consultation_id).update(
                analysis_pending=True, analysis_requested_at=timezone.now()
            )
            queue_next(consultation_id)
    return stored


def _compute_analysis(consultation: Consultation) -> tuple[Any, dict[str, Any], int, int] | None:
    """The engine's result on the current votes (None without statements)."""
    from middleground.analysis.opinion import analyze

    statements = list(consultation.statements.values_list("number", "status", "is_meta"))
    if not statements:
        return None
    rows = list(
        Vote.objects.filter(consultation=consultation)
        .order_by("updated_at", "pk")
        .values_list("participant__number", "statement__number", "value")
    )
    participants, statement_ids, values = (
        ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]) if rows else ([], [], [])
    )
    moderated_out = [n for n, status, _meta in statements if status != StatementStatus.ACCEPTED]
    meta = [n for n, _status, is_meta in statements if is_meta]
    previous = selectors.latest_result(consultation)
    declared = selectors.declared_labels(consultation)
    result = analyze(
        (participants, statement_ids, values),
        statements=[n for n, _s, _m in statements],
        moderated_out=moderated_out,
        meta=meta,
        declared=declared or None,
        previous=previous.k_smoothing if previous else None,
        previous_groups=_previous_groups(previous),
        bridging=len(rows) > 0,
    )
    data = result.to_dict()
    data["n_votes"] = len(rows)
    data["timeline"] = selectors.participation_timeline(consultation)
    return result, data, len(rows), len(set(participants))


def _previous_groups(previous: AnalysisResult | None) -> dict[Any, int] | None:
    """Participant number -> group id of the stored analysis, so the groups keep their ids."""
    if previous is None or (previous.result or {}).get("groups_source") == "given":
        return None
    placed = {
        row["id"]: int(row["group"])
        for row in (previous.result or {}).get("participants", [])
        if row.get("group") is not None
    }
    return placed or None


def _store_analysis(
    consultation: Consultation,
    result: Any,
    data: dict[str, Any],
    n_votes: int,
    n_participants: int,
    started: float,
) -> AnalysisResult | None:
    duration = int((time.perf_counter() - started) * 1000)
    previous = selectors.latest_result(consultation)
    for _attempt in range(5):
        version = (previous.version + 1) if previous else 1
        try:
            with transaction.atomic():
                return AnalysisResult.objects.create(
                    consultation=consultation,
                    version=version,
                    computed_at=timezone.now(),
                    duration_ms=duration,
                    n_votes=n_votes,
                    n_participants=n_participants,
                    result=data,
                    k_smoothing=result.k_smoothing.to_dict(),
                    priorities={
                        str(row["id"]): row["priority"]
                        for row in data["statements"]
                        if row.get("priority") is not None
                    },
                )
        except IntegrityError:  # another worker stored this version first
            previous = selectors.latest_result(consultation)
    return None
