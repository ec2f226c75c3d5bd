"""Writes of the library: uploads and batches, deletions, the focus-area lexicon, saved
searches and their digests.

Ingesting a file is the work of :mod:`.jobs` (shared with the background task): a batch
ingests its files now, or stores them and enqueues one task per file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import partial
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from middleground.accounts.services import record_audit
from middleground.core.errors import ServiceError, check_length
from middleground.network.models import FocusArea, TaskForce
from middleground.notifications.services import notify

from . import permissions, selectors
from .jobs import check_ingest, discard_upload, finish_row, ingest_row
from .jobs import ingest_file as ingest_file  # the one-file service, for callers
from .models import (
    Access,
    DocType,
    Document,
    FileStatus,
    FocusLexiconEntry,
    Frequency,
    IngestBatch,
    IngestFile,
    SavedSearch,
)
from .search import remove_documents
from .tasks import ingest_file_task

#: Above this many files, uploads and API calls run as background tasks.
BACKGROUND_THRESHOLD = 5
MAX_SAVED_SEARCHES = 50
#: Lengths of what people type; longer is refused, never cut.
MAX_SEARCH_NAME = 200
MAX_TERMS = 500


def create_batch(
    *,
    actor,
    access: str = Access.PUBLIC,
    task_force: TaskForce | None = None,
    doc_type: str = DocType.OTHER,
    source: str = "",
) -> IngestBatch:
    check_ingest(actor, access=access, task_force=task_force, doc_type=doc_type, source=source)
    return IngestBatch.objects.create(
        created_by=actor if actor.is_authenticated else None,
        access=access,
        task_force=task_force,
        doc_type=doc_type,
        source=source,
    )


def ingest_batch(
    *,
    actor,
    files: Iterable[tuple[str, bytes | IO[bytes]]],
    access: str = Access.PUBLIC,
    task_force: TaskForce | None = None,
    doc_type: str = DocType.OTHER,
    source: str = "",
    background: bool | None = None,
) -> IngestBatch:
    """Ingest several files. Each file is its own transaction: a failure is recorded on its
    row (name and reason) and the others go on. With ``background`` (default: more than
    ``BACKGROUND_THRESHOLD`` files) the files are stored and ingested by task workers."""
    check_ingest(actor, access=access, task_force=task_force, doc_type=doc_type, source=source)
    files = list(files)
    if not files:
        raise ServiceError(_("Choose at least one file."), field="files")
    batch = create_batch(
        actor=actor, access=access, task_force=task_force, doc_type=doc_type, source=source
    )
    if background is None:
        background = len(files) > BACKGROUND_THRESHOLD
    for name, data in files:
        add_batch_file(actor=actor, batch=batch, filename=name, data=data, background=background)
    return batch


def add_batch_file(
    *,
    actor,
    batch: IngestBatch,
    filename: str,
    data: bytes | IO[bytes],
    background: bool = False,
) -> IngestFile:
    """Ingest one file of a batch now, or store it and enqueue its task (``background``).

    Never raises for a bad file: the outcome (documents, or the reason) is on the row.
    """
    if not permissions.can_manage_batch(actor, batch):
        raise ServiceError.forbidden()
    name = (filename or "upload").replace("\\", "/").rsplit("/", 1)[-1][:300]
    if not background:
        row = IngestFile.objects.create(batch=batch, filename=name)
        ingest_row(row, data, actor)
        return row
    with transaction.atomic():
        row = IngestFile(batch=batch, filename=name)
        content = ContentFile(data) if isinstance(data, bytes) else File(data)
        row.upload.save(name or "upload", content, save=False)
        row.save()
        transaction.on_commit(lambda: ingest_file_task.enqueue(row.pk))
    return row


#: A file still pending this long after its upload, with no task queued or running for
#: it, was lost (its worker killed, its task gone): it is marked failed.
STALE_UPLOAD = dt.timedelta(hours=2)


def fail_stale_uploads(*, now: dt.datetime | None = None) -> int:
    """Mark failed the files pending past :data:`STALE_UPLOAD` that no task will ingest, with
    a reason the uploader sees on the batch page, and remove their stored copies.

    Tasks are looked up in the database queue (``django_tasks_db``, the configured backend).
    Returns how many files were marked failed.
    """
    now = now or timezone.now()
    stale = list(
        IngestFile.objects.filter(
            status=FileStatus.PENDING, batch__created_at__lt=now - STALE_UPLOAD
        )
    )
    if not stale:
        return 0
    queued = DBTaskResult.objects.filter(
        task_path=ingest_file_task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).values_list("args_kwargs", flat=True)
    busy = {(a.get("args") or [None])[0] for a in queued}
    reason = _(
        "%(name)s: the upload was interrupted before the file was ingested; please upload it again."
    )
    failed = 0
    for row in stale:
        if row.pk in busy:
            continue
        if finish_row(row, FileStatus.FAILED, error=reason % {"name": row.filename}):
            discard_upload(row)
            failed += 1
    return failed


def delete_document(*, actor, document: Document) -> None:
    if not permissions.can_delete_document(actor, document):
        raise ServiceError.forbidden()
    with transaction.atomic():
        ids = [document.pk]
        remove_documents(ids)
        record_audit(actor=actor, action="library.document.delete", target=document)
        document.delete()


# --- lexicon ----------------------------------------------------------------------------


def update_lexicon(*, actor, focus_area: FocusArea, terms: Sequence[str] | None) -> None:
    """Replace a focus area's terms (``None`` restores the shipped default)."""
    if not permissions.can_edit_lexicon(actor):
        raise ServiceError.forbidden()
    with transaction.atomic():
        if terms is None:
            FocusLexiconEntry.objects.filter(focus_area=focus_area).delete()
            record_audit(actor=actor, action="library.lexicon.reset", target=focus_area)
            return
        clean: list[str] = []
        for term in terms:
            term = " ".join(str(term).split())
            if term and term.casefold() not in {t.casefold() for t in clean}:
                if len(term) > 100:
                    raise ServiceError(
                        _("A term is at most 100 characters: %(t)s") % {"t": term[:40]},
                        field="terms",
                    )
                clean.append(term)
        if not clean:
            raise ServiceError(_("Give at least one term."), field="terms")
        if len(clean) > MAX_TERMS:
            raise ServiceError(
                _("At most %(n)d terms per focus area.") % {"n": MAX_TERMS}, field="terms"
            )
        FocusLexiconEntry.objects.update_or_create(
            focus_area=focus_area, defaults={"terms": clean, "updated_by": actor}
        )
        record_audit(
            actor=actor, action="library.lexicon.update", target=focus_area, terms=len(clean)
        )


# --- saved searches and digests ---------------------------------------------------------


def save_search(
    *, actor, name: str, params: dict[str, Any], frequency: str = Frequency.WEEKLY
) -> SavedSearch:
    if not permissions.can_save_searches(actor):
        raise ServiceError.forbidden()
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError(_("Give the search a name."), field="name")
    check_length(name, MAX_SEARCH_NAME, field="name")
    if frequency not in Frequency.values:
        raise ServiceError(_("Choose daily or weekly."), field="frequency")
    clean = selectors.SearchParams.from_mapping(params).to_params()
    if not clean:
        raise ServiceError(_("Search for something or choose a filter first."), field="name")
    for key, value in clean.items():
        check_length(value, selectors.MAX_QUERY, field=key)
    with transaction.atomic():
        if SavedSearch.objects.filter(user=actor).count() >= MAX_SAVED_SEARCHES:
            raise ServiceError(_("You have too many saved searches."), field="name")
        return SavedSearch.objects.create(user=actor, name=name, params=clean, frequency=frequency)


def delete_saved_search(*, actor, saved: SavedSearch) -> None:
    if not permissions.owns_saved_search(actor, saved):
        raise ServiceError.forbidden()
    saved.delete()


DIGEST_PERIOD = {Frequency.DAILY: dt.timedelta(days=1), Frequency.WEEKLY: dt.timedelta(days=7)}
DIGEST_SLACK = dt.timedelta(minutes=30)  # cron runs hourly; do not skip a day by a minute


def _saved_search_title(saved: SavedSearch, count: int) -> str:
    return _("%(n)s new documents match your saved search “%(name)s”") % {
        "n": count,
        "name": saved.name,
    }


def send_digests(*, now: dt.datetime | None = None, base_url: str = "") -> int:
    """One ``library.saved_search`` notice per due saved search with new readable matches;
    the person's digest (``notifications.digests``) carries it. Returns the notices made."""
    now = now or timezone.now()
    base_url = base_url or getattr(settings, "SITE_URL", "")
    sent = 0
    for saved in SavedSearch.objects.select_related("user").filter(user__is_active=True):
        last = saved.last_sent_at or saved.created_at
        if now - last < DIGEST_PERIOD[Frequency(saved.frequency)] - DIGEST_SLACK:
            continue
        params = selectors.with_params(
            selectors.SearchParams.from_mapping(saved.params), since=last, sort="date"
        )
        page = selectors.search(saved.user, params, limit=20, with_facets=False)
        with transaction.atomic():
            if page.count:
                lines = []
                for hit in page.hits:
                    lines.append(f"- {hit.document.title[:200]}")
                    lines.append(f"  {base_url}{hit.document.get_absolute_url()}")
                notify(
                    kind="library.saved_search",
                    title=partial(_saved_search_title, saved, page.count),
                    body="\n".join(lines)[:5000],
                    url=reverse("library:index") + "?" + urlencode(saved.params, doseq=True),
                    recipients=[saved.user],
                    target=saved,
                )
                sent += 1
            SavedSearch.objects.filter(pk=saved.pk).update(last_sent_at=now)
    return sent
