"""Periodic jobs of the library (``manage.py run_periodic`` calls :func:`run`)."""

from . import services


def run() -> str:
    """Send the daily and weekly digests of saved searches that are due."""
    sent = services.send_digests()
    return f"{sent} saved-search digests sent"
