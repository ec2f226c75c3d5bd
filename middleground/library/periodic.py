"""Periodic jobs of the library (``manage.py run_periodic`` calls :func:`run`)."""

from . import services


def run() -> str:
    """Send the saved-search digests that are due; fail uploads whose ingestion was lost."""
    sent = services.send_digests()
    failed = services.fail_stale_uploads()
    return f"{sent} saved-search digests sent, {failed} stale uploads marked failed"
