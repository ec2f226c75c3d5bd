"""Ingest a folder of files into the library, with a progress line.

    python manage.py ingest_library FOLDER --user alice [--access public] [--type report]
        [--task-force SLUG] [--source NAME] [--recursive] [--background]

Each file is its own transaction: a file that cannot be ingested is reported with its
name and reason at the end and does not stop the others. With ``--background`` the files
are queued for ``manage.py db_worker`` and the command only reports what it queued.
"""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from middleground.accounts.models import User
from middleground.core.errors import ServiceError
from middleground.library import services
from middleground.library.models import Access, DocType, FileStatus
from middleground.network.models import TaskForce

SUFFIXES = {".html", ".htm", ".xhtml", ".pdf", ".docx", ".md", ".markdown", ".txt", ".text"}


def progress_line(done: int, total: int, started: float, name: str, width: int = 24) -> str:
    """``[#######.........]  12/40  30%  3.1 files/s  name``"""
    filled = int(width * done / total) if total else width
    elapsed = max(time.monotonic() - started, 1e-9)
    rate = done / elapsed
    return (
        f"[{'#' * filled}{'.' * (width - filled)}] {done:>{len(str(total))}}/{total} "
        f"{(100 * done // total) if total else 100:>3}%  {rate:5.1f} files/s  {name[:40]}"
    )


class Command(BaseCommand):
    help = "Ingest every HTML, PDF, DOCX, Markdown and text file of a folder into the library."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--user", required=True, help="who adds them (a network member)")
        parser.add_argument("--access", default=Access.PUBLIC, choices=Access.values)
        parser.add_argument("--task-force", default="", help="slug, for --access task_force")
        parser.add_argument("--type", default=DocType.OTHER, choices=DocType.values)
        parser.add_argument("--source", default="", help="publisher, when files do not say")
        parser.add_argument("--recursive", action="store_true")
        parser.add_argument("--background", action="store_true", help="queue for db_worker")
        parser.add_argument("--all-files", action="store_true", help="not only known suffixes")

    def handle(self, *args, **options):
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder")
        actor = User.objects.filter(username=options["user"]).first()
        if actor is None:
            raise CommandError(f"no user {options['user']!r}")
        task_force = None
        if options["task_force"]:
            task_force = TaskForce.objects.filter(slug=options["task_force"]).first()
            if task_force is None:
                raise CommandError(f"no task force {options['task_force']!r}")
        pattern = "**/*" if options["recursive"] else "*"
        paths = sorted(
            p
            for p in folder.glob(pattern)
            if p.is_file() and (options["all_files"] or p.suffix.lower() in SUFFIXES)
        )
        if not paths:
            raise CommandError(f"no files to ingest in {folder}")
        try:
            batch = services.create_batch(
                actor=actor,
                access=options["access"],
                task_force=task_force,
                doc_type=options["type"],
                source=options["source"],
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        tty = sys.stderr.isatty()
        started = time.monotonic()
        rows = []
        for i, path in enumerate(paths, start=1):
            with path.open("rb") as fh:
                rows.append(
                    services.add_batch_file(
                        actor=actor,
                        batch=batch,
                        filename=path.name,
                        data=fh,
                        background=options["background"],
                    )
                )
            line = progress_line(i, len(paths), started, path.name)
            if tty:
                self.stderr.write("\r" + line, ending="")
            elif i == len(paths) or i % max(1, len(paths) // 20) == 0:
                self.stderr.write(line)
        if tty:
            self.stderr.write("")
        failed = [r for r in rows if r.status == FileStatus.FAILED]
        for row in failed:
            self.stderr.write(self.style.ERROR(f"failed: {row.error}"))
        if options["background"]:
            self.stdout.write(f"batch {batch.pk}: {len(rows)} files queued for the task worker")
            return
        documents = sum(r.document_count for r in rows)
        duplicates = sum(r.duplicate_count for r in rows)
        self.stdout.write(
            f"batch {batch.pk}: {len(rows) - len(failed)} files ingested, {len(failed)} failed; "
            f"{documents} documents, {duplicates} duplicates linked "
            f"({time.monotonic() - started:.1f} s)"
        )
