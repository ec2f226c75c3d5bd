"""The library's ingestion engine, and the work of its background task (:mod:`.tasks`).

Ingestion runs the pure pipeline (:func:`middleground.library.text.process`) with a tagger
built from the registry, then stores documents, tags and the search index in one
transaction per file: a file that fails is reported with its name and reason and leaves
the other files of its batch untouched. :mod:`.services` takes uploads and batches and
enqueues the task; the task calls :func:`run_ingest_file` here.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Sequence
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from middleground.core.errors import ServiceError, check_length
from middleground.network.models import Expert, FocusArea, Institution, TaskForce

from . import permissions, selectors
from .models import (
    Access,
    DocType,
    Document,
    DocumentTag,
    FileStatus,
    FocusLexiconEntry,
    IngestBatch,
    IngestFile,
    NamedEvent,
)
from .search import facet_keys, filter_tokens, index_documents
from .text import (
    DEFAULT_MAX_BYTES,
    DuplicateIndex,
    Entity,
    ExtractionError,
    FocusLexicon,
    ProcessedDocument,
    Tagger,
    jaccard,
    process,
)
from .text.dedup import DEFAULT_THRESHOLD
from .text.stem import search_terms

#: The search column is capped so PostgreSQL's tsvector (1 MB) always fits.
MAX_SEARCH_TEXT = 1_000_000
#: The longest source a person may type; longer is refused, never cut.
MAX_SOURCE = 300
MAX_TITLE = 500
MAX_AUTHORS = 50
MAX_AUTHOR = 200
#: A language code as the documents carry it ("en", "kk", "und").
LANGUAGE_CODE = re.compile(r"^(?:[a-z]{2,3}|und)$")


def clean_metadata(
    *,
    title: str | None = None,
    authors: Sequence[str] | None = None,
    published: dt.date | str | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """What a person typed about a document, checked: only the given values, each tidied
    (``authors`` one name per item, ``published`` a date). Refuses with the field named."""
    out: dict[str, Any] = {}
    if title is not None:
        title = " ".join(str(title).split())
        check_length(title, MAX_TITLE, field="title")
        if title:
            out["title"] = title
    if authors is not None:
        names: list[str] = []
        for name in authors:
            name = " ".join(str(name).split())
            check_length(name, MAX_AUTHOR, field="authors")
            if name and name not in names:
                names.append(name)
        if len(names) > MAX_AUTHORS:
            raise ServiceError(_("At most %(n)d authors.") % {"n": MAX_AUTHORS}, field="authors")
        out["authors"] = names
    if published is not None and published != "":
        if isinstance(published, str):
            try:
                published = dt.date.fromisoformat(published)
            except ValueError:
                raise ServiceError(
                    _("Give the date as year-month-day, e.g. 2026-03-31."), field="published"
                ) from None
        out["published"] = published
    if language is not None and language != "":
        language = str(language).strip().lower()
        if not LANGUAGE_CODE.match(language):
            raise ServiceError(
                _("Unknown language code '%(c)s'.") % {"c": language[:20]}, field="language"
            )
        out["language"] = language
    return out


def document_search_text(document: Document) -> str:
    """A document's search column from its title, text, language, access, type and tags
    (what ingestion stores; recomputed when its metadata is edited)."""
    stems = search_terms(f"{document.title}\n{document.body}", document.language)
    tags = list(document.tags.values_list("kind", "key"))
    return (
        stems[:MAX_SEARCH_TEXT]
        + "\n"
        + filter_tokens(
            access=document.access,
            task_force_id=document.task_force_id,
            language=document.language,
            doc_type=document.doc_type,
            tags=tags,
        )
    )


# --- the registry tagger ----------------------------------------------------------------

_lock = threading.RLock()
_tagger_cache: dict[str, tuple[Any, Tagger]] = {}


def effective_lexicon() -> FocusLexicon:
    """The default lexicon with the secretariat's edits and the registry's focus areas."""
    rows = selectors.lexicon()
    return FocusLexicon(
        terms={r.focus_area.slug: r.terms for r in rows},
        sdgs={r.focus_area.slug: r.sdgs for r in rows},
        labels={r.focus_area.slug: r.focus_area.name for r in rows},
    )


def _registry_fingerprint() -> tuple:
    return (
        connection.alias,
        connection.settings_dict.get("NAME"),
        tuple(
            Institution.objects.filter(is_member=True)
            .order_by("pk")
            .values_list("pk", "name", "acronym")
        ),
        tuple(Expert.objects.order_by("pk").values_list("pk", "name")),
        tuple(NamedEvent.objects.order_by("pk").values_list("pk", "name", "aliases")),
        tuple(FocusArea.objects.order_by("pk").values_list("pk", "slug", "name", "sdgs")),
        tuple(FocusLexiconEntry.objects.order_by("pk").values_list("pk", "updated_at")),
    )


def current_tagger() -> Tagger:
    """A tagger for the registry as it is now (rebuilt only when the registry changed)."""
    key = repr(_registry_fingerprint())
    with _lock:
        cached = _tagger_cache.get("tagger")
        if cached is not None and cached[0] == key:
            return cached[1]
        institutions = [
            Entity(str(pk), name, (acronym,) if acronym else ())
            for pk, name, acronym in Institution.objects.filter(is_member=True).values_list(
                "pk", "name", "acronym"
            )
        ]
        experts = [Entity(str(pk), name) for pk, name in Expert.objects.values_list("pk", "name")]
        events = [
            Entity(str(e.pk), e.name, tuple(str(a) for a in e.aliases))
            for e in NamedEvent.objects.all()
        ]
        tagger = Tagger(
            institutions=institutions,
            experts=experts,
            events=events,
            focus_lexicon=effective_lexicon(),
        )
        _tagger_cache["tagger"] = (key, tagger)
        return tagger


# --- duplicates -------------------------------------------------------------------------


class _DuplicateCache:
    """Stored signatures in memory, refreshed incrementally (new ids) before each file.

    Candidates are re-checked against the database before a link is made, so stale
    entries (a deleted document, a rolled-back test) are harmless.
    """

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.index = DuplicateIndex(DEFAULT_THRESHOLD)
        self.max_id = 0

    def refresh(self) -> DuplicateIndex:
        key = (connection.alias, connection.settings_dict.get("NAME"))
        db_max = Document.objects.aggregate(m=Max("pk"))["m"] or 0
        if key != self.key or db_max < self.max_id:
            self.key, self.index, self.max_id = key, DuplicateIndex(DEFAULT_THRESHOLD), 0
        if db_max > self.max_id:
            rows = (
                Document.objects.filter(
                    pk__gt=self.max_id, duplicate_of__isnull=True, minhash__isnull=False
                )
                .exclude(body="")
                .values_list("pk", "minhash", "content_hash")
            )
            for pk, minhash, digest in rows.iterator(chunk_size=2000):
                self.index.add(pk, bytes(minhash or b""), digest)
            self.max_id = db_max
        return self.index

    def add(self, doc: Document) -> None:
        if doc.minhash and doc.body:
            self.index.add(doc.pk, bytes(doc.minhash), doc.content_hash)
        self.max_id = max(self.max_id, doc.pk)


_duplicates = _DuplicateCache()


def _compatible(original: Document, access: str, task_force: TaskForce | None) -> bool:
    """Link only to an original at least as open as the new document (no leak, no loss)."""
    if original.access == Access.PUBLIC:
        return True
    if access == Access.PUBLIC:
        return False
    if original.access == Access.NETWORK:
        return True
    return (
        access == Access.TASK_FORCE
        and task_force is not None
        and original.task_force_id == task_force.pk
    )


def _resolve_duplicate(
    p: ProcessedDocument,
    in_file: dict[int | None, Document],
    access: str,
    task_force: TaskForce | None,
) -> tuple[Document, str, float] | None:
    for match in p.duplicates:
        if "#" in match.id:  # an earlier article of this same file
            pos = match.id.rsplit("#", 1)[1]
            original = in_file.get(int(pos)) if pos.isdigit() else None
            if original is not None and original.duplicate_of_id is None:
                return original, match.kind, match.similarity
            continue
        if not match.id.isdigit():
            continue
        original = Document.objects.filter(pk=int(match.id), duplicate_of__isnull=True).first()
        if original is None or not original.body or original.minhash is None:
            continue
        if match.kind == "exact" and original.content_hash != p.content_hash:
            continue
        if match.kind == "near":
            similarity = jaccard(bytes(original.minhash or b""), p.minhash)
            if similarity < DEFAULT_THRESHOLD:
                continue
        if _compatible(original, access, task_force):
            return original, match.kind, match.similarity
    return None


# --- ingestion --------------------------------------------------------------------------


def _forget_seen_paragraphs() -> None:
    """Empty trafilatura's process-wide "seen paragraphs" cache before each file.

    The pipeline asks trafilatura to deduplicate; its cache lives as long as the process, so
    in a web or worker process the same page uploaded again (or pages sharing paragraphs)
    would lose its main text. Duplicates are the library's job (MinHash), per file only.
    """
    try:
        from trafilatura.deduplication import LRU_TEST
    except ImportError:  # pragma: no cover - another trafilatura layout
        return
    LRU_TEST.clear()


def check_ingest(
    actor,
    *,
    access: str,
    task_force: TaskForce | None,
    doc_type: str = DocType.OTHER,
    source: str = "",
) -> None:
    """Who may add documents, and with which access."""
    if not permissions.can_ingest(actor):
        raise ServiceError.forbidden()
    check_length(source, MAX_SOURCE, field="source")
    if access not in Access.values:
        raise ServiceError(_("Unknown access level '%(a)s'.") % {"a": access}, field="access")
    if doc_type not in DocType.values:
        raise ServiceError(_("Unknown document type '%(t)s'.") % {"t": doc_type}, field="doc_type")
    if access == Access.TASK_FORCE:
        if task_force is None:
            raise ServiceError(
                _("Choose the task force the document is restricted to."), field="task_force"
            )
        if not permissions.ingest_task_forces(actor).filter(pk=task_force.pk).exists():
            raise ServiceError(
                _("You can only restrict documents to a task force your institution is in."),
                field="task_force",
            )
    elif task_force is not None:
        raise ServiceError(
            _("A task force only applies to documents restricted to a task force."),
            field="task_force",
        )


def ingest_file(
    *,
    actor,
    data: bytes | IO[bytes],
    filename: str,
    access: str = Access.PUBLIC,
    task_force: TaskForce | None = None,
    doc_type: str = DocType.OTHER,
    source: str = "",
    content_type: str | None = None,
    batch: IngestBatch | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    tagger: Tagger | None = None,
    file_row: IngestFile | None = None,
    metadata: dict[str, Any] | None = None,
) -> list[Document]:
    """Extract, clean, split, tag and store one file; returns its documents (one per article
    of a listing page). An exact duplicate is stored as a link (``duplicate_of``) with no
    text; a near-duplicate keeps its text and is linked with ``similar_to``.

    With ``file_row`` (the batch's row for this file) the row is marked done in the same
    transaction as the documents, and nothing is stored if it is no longer pending: a task
    run again (its worker killed, the task re-queued) never stores a file twice.

    ``metadata`` (:func:`clean_metadata`'s keys) is what the uploader typed: it wins over
    what is found in the file (the file name is only the last resort for the title; a
    title applies only when the file gives one document). The file itself is kept for
    download (``Document.original``).

    Raises ServiceError(field="file") with the file name and the reason when it cannot be
    ingested; nothing is stored then.
    """
    check_ingest(actor, access=access, task_force=task_force, doc_type=doc_type, source=source)
    metadata = clean_metadata(**(metadata or {}))
    filename = (filename or "upload").rsplit("/", 1)[-1][:300]
    tagger = tagger or current_tagger()
    with _lock:
        index = _duplicates.refresh()
        _forget_seen_paragraphs()
        try:
            processed = process(
                data,
                filename,
                tagger=tagger,
                content_type=content_type,
                source=source or None,
                max_bytes=max_bytes,
                duplicates=index,
            )
        except ExtractionError as exc:
            raise ServiceError(f"{exc.filename}: {exc.reason}", field="file") from exc
        raw = _bytes_of(data)  # stored as the original, once the file proved readable
        with transaction.atomic():
            if file_row is not None and not _lock_pending(file_row):
                file_row.refresh_from_db()
                return []
            docs = _store(
                processed,
                actor=actor,
                access=access,
                task_force=task_force,
                doc_type=doc_type,
                source=source,
                batch=batch,
                metadata=metadata,
                original=(filename, raw),
            )
            if file_row is not None:
                finish_row(file_row, FileStatus.DONE, docs=docs)
        for doc in docs:
            if doc.duplicate_of_id is None:
                _duplicates.add(doc)
    return docs


def _bytes_of(data: bytes | IO[bytes]) -> bytes:
    if isinstance(data, bytes):
        return data
    data.seek(0)
    return data.read()


def _store(
    processed: Sequence[ProcessedDocument],
    *,
    actor,
    access: str,
    task_force: TaskForce | None,
    doc_type: str,
    source: str,
    batch: IngestBatch | None,
    metadata: dict[str, Any] | None = None,
    original: tuple[str, bytes] | None = None,
) -> list[Document]:
    added_by = actor if getattr(actor, "is_authenticated", False) else None
    metadata = metadata or {}
    stored_name = ""
    in_file: dict[int | None, Document] = {}
    docs: list[Document] = []
    tags: list[DocumentTag] = []
    for p in processed:
        notes = list(p.data_notes)
        if len(p.search_text) > MAX_SEARCH_TEXT:
            notes.append(
                _("Only the first %(n)s characters of the text are searchable.")
                % {"n": f"{MAX_SEARCH_TEXT:,}"}
            )
        dup = _resolve_duplicate(p, in_file, access, task_force)
        title = metadata.get("title") if len(processed) == 1 else None
        doc = Document(
            title=(title or p.title or p.filename or _("Untitled"))[:500],
            authors=list(metadata.get("authors") or p.authors),
            published=metadata.get("published") or p.published,
            source=(source or p.source or "")[:300],
            doc_type=doc_type,
            kind=p.kind,
            filename=p.filename,
            listing_position=p.listing_position,
            language=metadata.get("language") or p.language,
            body=p.body,
            search_text=p.search_text[:MAX_SEARCH_TEXT],
            content_hash=p.content_hash,
            minhash=p.minhash_bytes,
            data_notes=notes,
            has_text=p.has_text,
            truncated=p.truncated,
            page_count=p.page_count,
            access=access,
            task_force=task_force,
            batch=batch,
            added_by=added_by,
        )
        if title or (doc.language != p.language and p.body):  # typed: stem what is shown
            doc.search_text = search_terms(f"{doc.title}\n{doc.body}", doc.language)[
                :MAX_SEARCH_TEXT
            ]
        if original is not None and not stored_name:
            doc.original.save(original[0] or "upload", ContentFile(original[1]), save=False)
            stored_name = doc.original.name or ""
        elif stored_name:
            doc.original.name = stored_name
        if dup is not None:
            original_doc, kind, similarity = dup
            doc.duplicate_similarity = round(similarity, 3)
            if kind == "exact":  # the same words: one stored text serves both
                doc.duplicate_of, doc.duplicate_kind = original_doc, kind
                doc.body = doc.search_text = ""
                note = _("Same text as document %(id)s: linked, not stored twice.")
            else:  # its own paragraphs must stay readable and findable
                doc.similar_to, dup = original_doc, None
                note = _("Similar to document %(id)s (similarity %(s).2f); its own text is kept.")
            doc.data_notes = [*notes, note % {"id": original_doc.pk, "s": similarity}]
        if dup is None:
            doc.search_text = (
                doc.search_text
                + "\n"
                + filter_tokens(
                    access=access,
                    task_force_id=task_force.pk if task_force else None,
                    language=doc.language,
                    doc_type=doc_type,
                    tags=[(t.kind, t.key) for t in p.tags],
                )
            )
            doc.tag_keys = facet_keys((t.kind, t.key[:100]) for t in p.tags)
        doc.save()
        in_file[p.listing_position] = doc
        docs.append(doc)
        if dup is None:
            tags += [
                DocumentTag(
                    document=doc,
                    kind=t.kind,
                    key=t.key[:100],
                    label=t.label[:300],
                    count=t.count,
                    terms=[list(term) for term in t.terms],
                )
                for t in p.tags
            ]
    DocumentTag.objects.bulk_create(tags)
    index_documents((d.pk, d.search_text) for d in docs if d.duplicate_of_id is None)
    return docs


def _batch_tagger(batch: IngestBatch) -> Tagger:
    """One tagger per batch object: the registry is read once for all its files."""
    tagger = getattr(batch, "_tagger", None)
    if tagger is None:
        tagger = current_tagger()
        batch._tagger = tagger  # type: ignore[attr-defined]
    return tagger


def _lock_pending(row: IngestFile) -> bool:
    """Inside a transaction: lock the row (SQLite's write transaction is exclusive anyway)
    and tell whether it is still pending, i.e. no other run of its task finished it."""
    pending = IngestFile.objects.select_for_update().filter(pk=row.pk, status=FileStatus.PENDING)
    return pending.values_list("pk", flat=True).first() is not None


def finish_row(
    row: IngestFile, status: str, *, error: str = "", docs: Sequence[Document] = ()
) -> bool:
    """Record a pending file's outcome; False if it was no longer pending (left as it is)."""
    row.status, row.error, row.finished_at = status, error, timezone.now()
    row.document_count = sum(1 for d in docs if d.duplicate_of_id is None)
    row.duplicate_count = len(docs) - row.document_count
    fields = ["status", "error", "finished_at", "document_count", "duplicate_count"]
    changed = IngestFile.objects.filter(pk=row.pk, status=FileStatus.PENDING).update(
        **{f: getattr(row, f) for f in fields}
    )
    if not changed:
        row.refresh_from_db(fields=fields)
    return bool(changed)


def ingest_row(row: IngestFile, data: bytes | IO[bytes], actor) -> None:
    batch = row.batch
    try:
        ingest_file(
            actor=actor,
            data=data,
            filename=row.filename,
            access=batch.access,
            task_force=batch.task_force,
            doc_type=batch.doc_type,
            source=batch.source,
            batch=batch,
            tagger=_batch_tagger(batch),
            file_row=row,
            metadata=batch.metadata,
        )
    except ServiceError as exc:
        finish_row(row, FileStatus.FAILED, error=exc.message)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        finish_row(row, FileStatus.FAILED, error=f"{row.filename}: {type(exc).__name__}: {exc}")


def discard_upload(row: IngestFile) -> None:
    """Remove the stored copy of a file that is done with (ingested or failed)."""
    if row.upload:
        row.upload.delete(save=False)
        row.save(update_fields=["upload"])


def run_ingest_file(*, file_id: int) -> None:
    """Ingest one stored file of a background batch (what the task calls).

    Safe to run again for the same file (a re-queued task): a file that is done or failed
    is left as it is, only its stored copy removed if a killed worker left it behind.
    """
    row = IngestFile.objects.select_related("batch", "batch__created_by").filter(pk=file_id).first()
    if row is None:
        return
    if row.status == FileStatus.PENDING:
        _ingest_stored(row)
    discard_upload(row)


def _ingest_stored(row: IngestFile) -> None:
    actor = row.batch.created_by
    if actor is None:
        finish_row(row, FileStatus.FAILED, error=_("The uploader's account no longer exists."))
        return
    try:
        with row.upload.open("rb") as fh:
            data = fh.read()
    except (OSError, ValueError) as exc:  # ValueError: no file was stored
        finish_row(row, FileStatus.FAILED, error=f"{row.filename}: {exc}")
        return
    ingest_row(row, data, actor)
