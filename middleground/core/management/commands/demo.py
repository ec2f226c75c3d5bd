from django.core.management.base import BaseCommand

from middleground.core.apps_hooks import app_hooks


class Command(BaseCommand):
    """Each app loads its own demo content (``<app>/demo.py``); the core knows no app."""

    help = "Load the demo network and every app's demo content (safe to run twice)."

    def handle(self, *args, **options):
        self.stdout.write(self.style.SUCCESS("Demo loaded:"))
        for label, load in app_hooks("demo", "load_demo"):
            self.stdout.write(f"  {label}: {load()}")
