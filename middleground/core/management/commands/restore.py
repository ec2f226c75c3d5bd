from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from middleground.core.backups import BackupError, restore


class Command(BaseCommand):
    """Replace the database and the media files with an archive of ``manage.py backup``,
    after checking it against its manifest, and verify the result (``core/backups.py``)."""

    help = (
        "Restore an archive of manage.py backup: REPLACES the database and the media files. "
        "Stop the web processes and workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the archive written by manage.py backup")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask for confirmation (scripts, drills)"
        )

    def handle(self, *args, path: Path, yes: bool, **options):
        if not yes and options.get("interactive", True):
            answer = input(
                f"This replaces the database and the media files with {path}. Type 'yes': "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            summary = restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and verified (row counts, checksums, media): {summary}. "
                "Run manage.py migrate if the archive is older than this code, then start "
                "the web processes and workers."
            )
        )
