"""Import a Polis export directory (comments.csv, votes.csv or participants-votes.csv)."""

from django.core.management.base import BaseCommand, CommandError

from middleground.consultations.interop import import_polis
from middleground.core.errors import ServiceError


class Command(BaseCommand):
    help = "Import a Polis export directory as a new (closed, public) consultation."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--title", default="")
        parser.add_argument("--attribution", default="")
        parser.add_argument("--slug", default="")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help="Rows per transaction (default 2000); smaller lets other writers in sooner.",
        )

    def handle(self, *args, **options):
        try:
            consultation = import_polis(
                actor=None,
                directory=options["directory"],
                title=options["title"],
                attribution=options["attribution"],
                slug=options["slug"],
                batch_size=options["batch_size"],
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"imported {consultation.slug}: {consultation.statements.count()} statements, "
            f"{consultation.votes.count()} votes"
        )
