"""Periodic jobs of the library (``manage.py run_periodic`` calls :func:`run`)."""

from . import services


def run() -> str:
    """Turn due saved searches into notices (the digest mails them); fail lost uploads."""
    sent = services.send_digests()
    failed = services.fail_stale_uploads()
    return f"{sent} saved-search notices, {failed} stale uploads marked failed"
