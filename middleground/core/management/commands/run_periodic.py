from django.core.management import call_command
from django.core.management.base import BaseCommand

from middleground.core.apps_hooks import app_hooks
from middleground.core.tasks_lease import recover_stale_tasks


class Command(BaseCommand):
    """Periodic jobs, run by a scheduler (cron in production, the demo runner's loop locally):
    Django's task API has no periodic tasks. Apps add theirs in ``<app>/periodic.py``."""

    help = "Run the platform's periodic jobs once (call it from cron, e.g. every hour)."

    def handle(self, *args, **options):
        # First, so that tasks of a lost worker are back in the queue before anything else runs.
        self.stdout.write(f"core: {recover_stale_tasks()}")
        call_command("clearsessions")
        for label, run in app_hooks("periodic", "run"):
            self.stdout.write(f"{label}: {run()}")
