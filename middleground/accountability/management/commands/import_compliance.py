"""Import a compliance CSV or JSON export into a strategy, or show an import job's report."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from middleground.accountability import interop
from middleground.accountability.jobs import run_import_job
from middleground.accountability.models import ImportJob, ImportStatus
from middleground.accounts.models import User
from middleground.core.errors import ServiceError
from middleground.strategies.models import Strategy


class Command(BaseCommand):
    help = (
        "Import commitments, scores and self-reports (the CSV or JSON of an export) into a "
        "strategy, as a secretariat user; or, with --job, show an import's progress and report."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the .csv or .json file")
        parser.add_argument("--strategy", help="the strategy's slug or id")
        parser.add_argument("--as", dest="username", help="the secretariat user importing")
        parser.add_argument("--format", choices=["csv", "json"], help="default: from the name")
        parser.add_argument(
            "--background",
            action="store_true",
            help="queue the import for a worker (default: large imports run here, at once)",
        )
        parser.add_argument("--job", type=int, help="show this import job instead")

    def handle(self, *args, **options):
        if options["job"]:
            job = ImportJob.objects.filter(pk=options["job"]).first()
            if job is None:
                raise CommandError(f"No import job {options['job']}.")
            return self.report(job)
        if not (options["file"] and options["strategy"] and options["username"]):
            raise CommandError("Give the file, --strategy and --as (or --job).")
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']}.")
        ref = options["strategy"]
        strategy = Strategy.objects.filter(**({"pk": ref} if ref.isdigit() else {"slug": ref}))
        strategy = strategy.first()
        if strategy is None:
            raise CommandError(f"No strategy {ref}.")
        path = Path(options["file"])
        fmt = options["format"] or ("json" if path.suffix.lower() == ".json" else "csv")
        try:
            rows = interop.parse(path.read_bytes(), fmt=fmt)
            job = interop.start_import(
                actor=user,
                strategy=strategy,
                rows=rows,
                background=True,
                queue=options["background"],
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        if not options["background"]:
            job = run_import_job(job_id=job.pk) or job  # here and now, with progress saved
        else:
            self.stdout.write(f"import job {job.pk} queued ({job.total_rows} rows)")
            return None
        self.report(job)
        if job.status != ImportStatus.DONE:
            raise CommandError(f"import job {job.pk}: {job.status}; nothing was stored")
        return None

    def report(self, job: ImportJob) -> None:
        self.stdout.write(
            f"import job {job.pk} into strategy {job.strategy_id}: {job.status}, "
            f"{job.rows_done}/{job.total_rows} rows checked"
        )
        for record, counts in sorted(job.summary.items()):
            self.stdout.write(
                f"  {record}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged"
            )
        for e in job.errors:
            self.stdout.write(f"  row {e['row']}, {e['field']}: {e['message']}")
