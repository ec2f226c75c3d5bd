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
from middleground.core.errors import ServiceError, check_length, delete_unless_referenced
from middleground.network.models import FocusArea, TaskForce
from middleground.notifications.services import notify

from . import permissions, selectors
from .jobs import (
    check_ingest,
    clean_metadata,
    discard_upload,
    document_search_text,
    finish_row,
    ingest_row,
)
from .jobs import ingest_file as ingest_file  # the one-file service, for callers
from .models import (
    Access,
    DocType,
    Document,
    DocumentTag,
    FileStatus,
    FocusLexiconEntry,
    Frequency,
    IngestBatch,
    IngestFile,
    SavedSearch,
)
from .search import facet_keys, index_documents, remove_documents
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
    metadata: dict[str, Any] | None = None,
) -> IngestBatch:
    """``metadata``: title, authors, published, language typed for the batch's files
    (see :func:`.jobs.clean_metadata`); the files' own values fill what is left empty."""
    check_ingest(actor, access=access, task_force=task_force, doc_type=doc_type, source=source)
    clean = clean_metadata(**(metadata or {}))
    if clean.get("published"):
        clean["published"] = clean["published"].isoformat()
    return IngestBatch.objects.create(
        created_by=actor if actor.is_authenticated else None,
        access=access,
        task_force=task_force,
        doc_type=doc_type,
        source=source,
        metadata=clean,
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
    metadata: dict[str, Any] | None = None,
) -> IngestBatch:
    """Ingest several files. Each file is its own transaction: a failure is recorded on its
    row (name and reason) and the others go on. With ``background`` (default: more than
    ``BACKGROUND_THRESHOLD`` files) the files are stored and ingested by task workers."""
    check_ingest(actor, access=access, task_force=task_force, doc_type=doc_type, source=source)
    files = list(files)
    if not files:
        raise ServiceError(_("Choose at least one file."), field="files")
    if len(files) > 1 and (metadata or {}).get("title"):
        raise ServiceError(_("A title can only be given when one file is uploaded."), field="title")
    batch = create_batch(
        actor=actor,
        access=access,
        task_force=task_force,
        doc_type=doc_type,
        source=source,
        metadata=metadata,
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


#: The metadata a person may edit, in the order the audit line lists them.
EDITABLE = (
    "title",
    "authors",
    "published",
    "language",
    "doc_type",
    "source",
    "access",
    "task_force",
)
_UNSET: Any = object()


def _audit_value(field: str, value: Any) -> Any:
    if field == "task_force":
        return value.name if value is not None else None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def update_document(
    *,
    actor,
    document: Document,
    title: str = _UNSET,
    authors: Sequence[str] = _UNSET,
    published: dt.date | str | None = _UNSET,
    language: str = _UNSET,
    doc_type: str = _UNSET,
    source: str = _UNSET,
    access: str = _UNSET,
    task_force: TaskForce | None = _UNSET,
) -> dict[str, dict[str, Any]]:
    """Change a document's metadata (its uploader and the secretariat). Only the given
    arguments change; ``published=None`` clears the date. The search column follows
    (title and language re-stemmed, access and type filters renewed) and one audit line
    lists the fields that changed, before and after. Returns those changes."""
    if not permissions.can_delete_document(actor, document):
        raise ServiceError.forbidden()
    given: dict[str, Any] = {
        "title": title,
        "authors": authors,
        "published": published,
        "language": language,
        "doc_type": doc_type,
        "source": source,
        "access": access,
        "task_force": task_force,
    }
    given = {k: v for k, v in given.items() if v is not _UNSET}
    if "title" in given and not " ".join(str(given["title"] or "").split()):
        raise ServiceError(_("Give the document a title."), field="title")
    if "language" in given and not given["language"]:
        given["language"] = "und"
    checked = clean_metadata(
        title=given.get("title"),
        authors=given.get("authors"),
        published=given.get("published") or None,
        language=given.get("language"),
    )
    new: dict[str, Any] = {}
    for field in EDITABLE:
        if field not in given:
            continue
        if field in checked:
            new[field] = checked[field]
        elif field == "published":
            new[field] = None
        elif field == "source":
            new[field] = " ".join(str(given[field] or "").split())
        else:
            new[field] = given[field]
    access_now = new.get("access", document.access)
    task_force_now = new.get("task_force", document.task_force)
    if access_now != Access.TASK_FORCE and "access" in new and "task_force" not in new:
        task_force_now = new["task_force"] = None
    with transaction.atomic():
        document = (
            Document.objects.select_for_update(of=("self",))
            .select_related("task_force")
            .get(pk=document.pk)
        )
        if access_now != document.access or task_force_now != document.task_force:
            check_ingest(  # who may restrict to which task force, as for an upload
                actor,
                access=access_now,
                task_force=task_force_now,
                doc_type=new.get("doc_type", document.doc_type),
                source=new.get("source", ""),
            )
        else:
            _check_type_and_source(new)
        changes: dict[str, dict[str, Any]] = {}
        for field, value in new.items():
            before = getattr(document, field)
            if before != value:
                changes[field] = {
                    "before": _audit_value(field, before),
                    "after": _audit_value(field, value),
                }
                setattr(document, field, value)
        if not changes:
            return {}
        fields = list(changes)
        if document.duplicate_of_id is None:
            document.search_text = document_search_text(document)
            fields.append("search_text")
        document.save(update_fields=fields)
        if document.duplicate_of_id is None:
            index_documents([(document.pk, document.search_text)])
        record_audit(
            actor=actor, action="library.document.update", target=document, changes=changes
        )
    return changes


def _check_type_and_source(new: dict[str, Any]) -> None:
    if "doc_type" in new and new["doc_type"] not in DocType.values:
        raise ServiceError(
            _("Unknown document type '%(t)s'.") % {"t": new["doc_type"]}, field="doc_type"
        )
    check_length(new.get("source", ""), 300, field="source")


def _promote_copy(document: Document) -> Document | None:
    """Before an original is deleted: its first exact copy takes over its text, tags and
    search row, and the other copies point to it. Returns the promoted copy, if any."""
    copies = list(Document.objects.filter(duplicate_of=document).order_by("pk"))
    if not copies:
        return None
    heir, rest = copies[0], copies[1:]
    heir.duplicate_of, heir.duplicate_kind = None, ""
    heir.body, heir.minhash, heir.content_hash = (
        document.body,
        document.minhash,
        document.content_hash,
    )
    heir.has_text = document.has_text
    tags = list(document.tags.all())
    DocumentTag.objects.bulk_create(
        [
            DocumentTag(
                document=heir, kind=t.kind, key=t.key, label=t.label, count=t.count, terms=t.terms
            )
            for t in tags
        ]
    )
    heir.tag_keys = facet_keys((t.kind, t.key) for t in tags)
    heir.search_text = document_search_text(heir)
    heir.save(
        update_fields=[
            "duplicate_of",
            "duplicate_kind",
            "body",
            "minhash",
            "content_hash",
            "has_text",
            "tag_keys",
            "search_text",
        ]
    )
    index_documents([(heir.pk, heir.search_text)])
    Document.objects.filter(pk__in=[d.pk for d in rest]).update(duplicate_of=heir)
    return heir


def delete_document(*, actor, document: Document) -> None:
    """Delete a document: its row, tags and search entry, and its stored file when no
    other document (an article of the same listing page) shares it. An exact copy that
    shared its text keeps it (the first copy becomes the original); near-duplicates lose
    their "similar to" link."""
    if not permissions.can_delete_document(actor, document):
        raise ServiceError.forbidden()
    with transaction.atomic():
        heir = _promote_copy(document) if document.duplicate_of_id is None else None
        remove_documents([document.pk])
        record_audit(
            actor=actor,
            action="library.document.delete",
            target=document,
            title=document.title,
            filename=document.filename,
            text_kept_by=heir.pk if heir is not None else None,
        )
        name = document.original.name
        delete_unless_referenced(document)
        if name and not Document.objects.filter(original=name).exists():
            storage = document.original.storage
            transaction.on_commit(lambda: storage.delete(name))


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
