from django.core.management.base import BaseCommand

from middleground.core.apps_hooks import app_hooks
from middleground.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo network and every app's demo content (safe to run twice)."

    def handle(self, *args, **options):
        counts = load_demo()
        summary = (
            "Demo loaded: {institutions} institutions, {experts} experts, "
            "{task_forces} task forces."
        )
        self.stdout.write(self.style.SUCCESS(summary.format(**counts)))
        for label, load in app_hooks("demo", "load_demo"):
            self.stdout.write(f"  {label}: {load()}")
        self.stdout.write(
            f"Demo logins (password '{DEMO_PASSWORD}'): alice (secretariat), bob (expert), "
            "carol (representative), dave (visitor)"
        )
