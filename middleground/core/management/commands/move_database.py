from django.core.management.base import BaseCommand, CommandError

from middleground.core.backups import BackupError, move_database


class Command(BaseCommand):
    """Copy the SQLite database into a new, empty PostgreSQL database and check that every
    table has the same rows and checksum (``core/backups.py``, docs/deployment.md)."""

    help = "Move the platform's SQLite database into an empty PostgreSQL database, verified."

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            required=True,
            metavar="URL",
            help="the empty PostgreSQL database, e.g. postgres://user@host:5432/middleground",
        )

    def handle(self, *args, to: str, **options):
        def step(text: str) -> None:
            if options["verbosity"] > 1 or not text.startswith("copying "):
                self.stdout.write(f"  {text}")

        try:
            moved = move_database(to=to, on_step=step)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Moved: {moved}."))
        self.stdout.write("Now set DATABASE_URL to the new database and restart the platform.")
