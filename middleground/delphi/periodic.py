"""Reminders for open rounds, run by ``manage.py run_periodic`` (cron hourly in production).

One e-mail per person per reminder (not one per item), only to panellists who have not
answered the open round, never twice for the same round and day.
"""

from .services import send_reminders


def run() -> str:
    sent = send_reminders()
    return f"{sent} reminder(s) sent"
