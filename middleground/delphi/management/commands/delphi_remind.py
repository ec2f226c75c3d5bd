from django.core.management.base import BaseCommand

from middleground.delphi.services import send_reminders


class Command(BaseCommand):
    help = "E-mail panellists who have not answered an open Delphi round (once a day per round)."

    def handle(self, *args, **options):
        self.stdout.write(f"{send_reminders()} reminder(s) sent")
