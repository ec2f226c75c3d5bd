"""Periodic job (``manage.py run_periodic``): close consultations past their closing date,
re-queue analyses that were lost on the way."""

import datetime as dt

from django.utils import timezone

from . import services
from .models import Consultation, Status


def run() -> str:
    now = timezone.now()
    closing = list(
        Consultation.objects.filter(status=Status.OPEN, closes_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    Consultation.objects.filter(pk__in=closing).update(status=Status.CLOSED)
    for pk in closing:
        services.request_analysis(consultation_id=pk)
    stale = timezone.now() - dt.timedelta(seconds=services.STALE_PENDING_SECONDS)
    ids = list(
        Consultation.objects.filter(
            analysis_pending=True, analysis_requested_at__lt=stale
        ).values_list("pk", flat=True)
    )
    queued = sum(services.request_analysis(consultation_id=pk) for pk in ids)
    return f"{queued} consultation analyses re-queued, {len(closing)} consultations closed"
