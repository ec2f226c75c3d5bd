from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from middleground.core.backups import BackupError, backup


class Command(BaseCommand):
    """The database (SQLite online backup or pg_dump) and the media files in one archive with
    a manifest of row counts and checksums (``core/backups.py``, docs/deployment.md)."""

    help = "Back up the database and the media files into one archive (safe while running)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the archive to write, e.g. backup.tar.gz")

    def handle(self, *args, path: Path, **options):
        try:
            summary = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backed up: {summary}"))
