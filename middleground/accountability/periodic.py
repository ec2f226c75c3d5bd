"""Periodic accountability work, run by ``manage.py run_periodic`` (cron hourly).

Reminds the members whose draft scores await a reply when the deadline is near (once per
cycle), and marks silent members (no self-report, no reply) once after each final cycle.
"""

from .models import Cycle, CycleStatus
from .services import mark_silent_members, remind_reply_deadlines


def run() -> str:
    reminded = remind_reply_deadlines()
    silent = 0
    for cycle in Cycle.objects.filter(status=CycleStatus.FINAL, silence_checked_at=None):
        silent += mark_silent_members(cycle=cycle)
    return f"{reminded} reply reminder(s), {silent} silent member(s) marked"
