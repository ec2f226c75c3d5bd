"""Library endpoints: ingest, read and search documents; export results; lexicon; saved
searches. Each one: parse, authorise through selectors, call one service."""

import json
from typing import Annotated

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from middleground.core.csv_export import csv_dicts
from middleground.core.errors import ServiceError
from middleground.core.pagination import MAX_OFFSET, BoundedLimitOffsetPagination

from . import permissions, selectors, services
from .models import Access, DocType, FileStatus
from .schemas import (
    BatchOut,
    DeletionOut,
    DocumentOut,
    DocumentPatch,
    DocumentSummary,
    IngestOut,
    LexiconIn,
    LexiconOut,
    SavedSearchIn,
    SavedSearchOut,
    SearchOut,
    SearchQuery,
)
from .templatetags.library import snippet_html

router = Router()

MAX_LIMIT = 100
EXPORT_LIMIT = 1000


@router.get("/documents", response=list[DocumentSummary])
@paginate(BoundedLimitOffsetPagination)
def list_documents(request):
    """Every document you may read, newest first; duplicates carry `duplicate_of`."""
    return selectors.documents(request.auth)


@router.post("/documents", response={201: IngestOut, 202: IngestOut})
def upload_documents(
    request,
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
    access: Form[str] = Access.PUBLIC.value,
    task_force: Form[int | None] = None,
    doc_type: Form[str] = DocType.OTHER.value,
    source: Form[str] = "",
    title: Form[str] = "",
    authors: Form[list[str]] = None,  # type: ignore[assignment]
    published: Form[str] = "",
    language: Form[str] = "",
):
    """Upload one or more files (multipart field `files`). Up to 5 files are ingested at
    once (201); more run as background tasks (202: follow `/batches/{batch}`). A listing
    page gives one document per article; an exact duplicate is linked (`duplicate_of`, no
    text of its own), a near-duplicate keeps its text and is linked with `similar_to`.
    `title` (one file only), `authors` (repeat the field), `published` (YYYY-MM-DD) and
    `language` win over what is found in the files; the file name is the last resort."""
    batch = services.ingest_batch(
        actor=request.auth,
        files=[(f.name or "upload", f) for f in files or []],
        access=access,
        task_force=selectors.task_force_by_id(task_force),
        doc_type=doc_type,
        source=source,
        metadata={
            "title": title,
            "authors": [a for a in authors or [] if a.strip()] or None,
            "published": published,
            "language": language,
        },
    )
    rows = list(batch.files.all())
    failures = [{"filename": r.filename, "reason": r.error} for r in rows if r.error]
    pending = sum(1 for r in rows if r.status == FileStatus.PENDING)
    documents = list(batch.documents.order_by("pk"))
    if not pending and not documents and failures:
        raise ServiceError(failures[0]["reason"], field="files")
    body = {
        "batch": batch.pk,
        "background": bool(pending),
        "documents": documents,
        "failures": failures,
        "pending": pending,
    }
    return Status(202 if pending else 201, body)


@router.get("/documents/{int:document_id}", response=DocumentOut)
def get_document(request, document_id: int):
    """One document with its text, tags (and the terms that matched), `data_notes` and
    `duplicate_of` or `similar_to` (null when you may not read the original)."""
    document = selectors.get_document(request.auth, document_id)
    if document.duplicate_of_id and selectors.visible_duplicate_of(request.auth, document) is None:
        document.duplicate_of_id = None
    if document.similar_to_id and selectors.visible_similar_to(request.auth, document) is None:
        document.similar_to_id = None
    return document


def _signed_in(request) -> None:
    """Changes need a person: the anonymous are asked to sign in (401) before any lookup."""
    if not request.auth.is_authenticated:
        raise ServiceError.forbidden()


@router.patch("/documents/{int:document_id}", response=DocumentOut)
def update_document(request, document_id: int, payload: DocumentPatch):
    """Correct a document's metadata (its uploader and the secretariat): only the fields
    sent change, the search follows, and the audit log records what changed."""
    _signed_in(request)
    document = selectors.get_document(request.auth, document_id)
    sent = payload.model_dump(exclude_unset=True)
    if "type" in sent:
        sent["doc_type"] = sent.pop("type")
    if "task_force" in sent:
        sent["task_force"] = selectors.task_force_by_id(sent["task_force"])
    for name in ("title", "authors", "language", "doc_type", "source", "access"):
        if name in sent and sent[name] is None:
            raise ServiceError(_("This field cannot be empty (null)."), field=name)
    services.update_document(actor=request.auth, document=document, **sent)
    return get_document(request, document_id)


@router.delete("/documents/{int:document_id}", response={204: None})
def delete_document(request, document_id: int):
    """Delete a document: its text leaves the search, its tags the filters; an exact copy
    takes over the text. `GET .../deletion` says what would be removed."""
    _signed_in(request)
    document = selectors.get_document(request.auth, document_id)
    services.delete_document(actor=request.auth, document=document)
    return HttpResponse(status=204)


@router.get("/documents/{int:document_id}/deletion", response=DeletionOut)
def deletion_summary(request, document_id: int):
    """What deleting the document would remove from the library and its search."""
    document = selectors.get_document(request.auth, document_id)
    if not permissions.can_delete_document(request.auth, document):
        raise ServiceError.forbidden()
    return vars(selectors.deletion_summary(document))


@router.get("/documents/{int:document_id}/original", response={200: None})
def document_original(request, document_id: int):
    """The file as uploaded (an attachment), to those who may read the document."""
    from .views import original_response

    return original_response(selectors.get_document(request.auth, document_id))


@router.get("/batches/{int:batch_id}", response=BatchOut)
def get_batch(request, batch_id: int):
    """The files of an upload and what became of each (your own batches)."""
    return selectors.get_batch(request.auth, batch_id)


def _search(request, filters: SearchQuery, limit: int, offset: int, **kwargs):
    limit = max(1, min(limit, MAX_LIMIT if not kwargs.get("export") else EXPORT_LIMIT))
    kwargs.pop("export", None)
    return selectors.search(
        request.auth, filters.to_params(), limit=limit, offset=max(0, offset), **kwargs
    )


def _hit(hit) -> dict:
    return {
        "document": hit.document,
        "score": hit.score,
        "snippet": hit.snippet.text if hit.snippet else "",
        "snippet_html": str(snippet_html(hit.snippet)),
    }


@router.get("/search", response=SearchOut)
def search(
    request,
    filters: Query[SearchQuery],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
):
    """Full-text search with filters, ranked (or by date), with highlighted snippets and
    facet counts. Only documents you may read are counted or shown."""
    page = _search(request, filters, limit, offset)
    return {
        "items": [_hit(h) for h in page.hits],
        "count": page.count,
        "capped": page.capped,
        "facets": {k: [vars(v) for v in values] for k, values in page.facets.items()},
    }


EXPORT_FIELDS = ["id", "title", "authors", "published", "source", "type", "language", "url"]


@router.get("/search/export", response={200: None})
def export_search(request, filters: Query[SearchQuery], format: str = "csv"):
    """The search's results (up to 1,000) as CSV or JSON."""
    if format not in ("csv", "json"):
        raise ServiceError(_("Choose the format csv or json."), field="format")
    page = _search(request, filters, EXPORT_LIMIT, 0, export=True, with_facets=False)
    rows = [
        {
            "id": h.document.pk,
            "title": h.document.title,
            "authors": "; ".join(h.document.authors),
            "published": h.document.published.isoformat() if h.document.published else "",
            "source": h.document.source,
            "type": h.document.doc_type,
            "language": h.document.language,
            "url": request.build_absolute_uri(h.document.get_absolute_url()),
            "snippet": h.snippet.text if h.snippet else "",
        }
        for h in page.hits
    ]
    if format == "json":
        response = HttpResponse(
            json.dumps({"count": page.count, "items": rows}, ensure_ascii=False, indent=1),
            content_type="application/json",
        )
        response["Content-Disposition"] = 'attachment; filename="library-search.json"'
        return response
    text = csv_dicts(rows, fieldnames=[*EXPORT_FIELDS, "snippet"])
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="library-search.csv"'
    return response


@router.get("/lexicon", response=list[LexiconOut])
def list_lexicon(request):
    """The focus-area lexicon used for tagging (transparent: what each area matches)."""
    return [
        {
            "focus_area": r.focus_area.slug,
            "name": r.focus_area.name,
            "sdgs": r.sdgs,
            "terms": r.terms,
            "edited": r.edited,
        }
        for r in selectors.lexicon()
    ]


@router.put("/lexicon/{slug}", response=LexiconOut)
def update_lexicon(request, slug: str, payload: LexiconIn):
    """Replace a focus area's terms (secretariat); `terms: null` restores the default."""
    row = selectors.get_lexicon_row(slug)
    services.update_lexicon(actor=request.auth, focus_area=row.focus_area, terms=payload.terms)
    r = selectors.get_lexicon_row(slug)
    return {
        "focus_area": slug,
        "name": r.focus_area.name,
        "sdgs": r.sdgs,
        "terms": r.terms,
        "edited": r.edited,
    }


@router.get("/saved-searches", response=list[SavedSearchOut])
def list_saved_searches(request):
    """Your saved searches (digests are sent daily or weekly)."""
    return selectors.saved_searches(request.auth)


@router.post("/saved-searches", response={201: SavedSearchOut})
def create_saved_search(request, payload: SavedSearchIn):
    return Status(
        201,
        services.save_search(
            actor=request.auth,
            name=payload.name,
            params=payload.params,
            frequency=payload.frequency,
        ),
    )


@router.delete("/saved-searches/{int:saved_id}", response={204: None})
def delete_saved_search(request, saved_id: int):
    saved = selectors.get_saved_search(request.auth, saved_id)
    services.delete_saved_search(actor=request.auth, saved=saved)
    return HttpResponse(status=204)
