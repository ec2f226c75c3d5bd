"""Periodic job of strategies (``manage.py run_periodic``): close the endorsement calls whose
deadline has passed, which fixes their outcome (reminders before the deadline and the copy
to the deputy are the notifications app's, from each request's ``due_at``)."""

from . import endorsements


def run() -> str:
    closed = endorsements.close_expired()
    return f"{closed} endorsement calls closed"
