"""Periodic job of translations (``manage.py run_periodic`` calls :func:`run`).

A translation points at its object by content type and id, which the database cannot
cascade: the translations of deleted objects are removed here.
"""

from django.contrib.contenttypes.models import ContentType

from .models import ContentTranslation
from .registry import registered


def remove_orphans() -> int:
    removed = 0
    for entry in registered():
        content_type = ContentType.objects.get_for_model(entry.model)
        live = entry.model._default_manager.values("pk")
        orphans = ContentTranslation.objects.filter(content_type=content_type).exclude(
            object_id__in=live
        )
        removed += orphans.delete()[0]
    return removed


def run() -> str:
    return f"translations of deleted content removed: {remove_orphans()}"
