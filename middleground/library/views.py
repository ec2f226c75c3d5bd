"""Library pages. Each view: parse, authorise through selectors, call one service, render."""

import importlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from middleground.core.forms import call_service
from middleground.core.pagination import MAX_OFFSET
from middleground.network import selectors as network

from . import permissions, selectors, services
from .forms import DocumentForm, LexiconForm, SavedSearchForm, SearchForm, UploadForm, split_authors
from .models import Access, FileStatus
from .selectors import SearchParams

PAGE_SIZE = 20


def _params(request: HttpRequest) -> tuple[SearchForm, SearchParams]:
    form = SearchForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, SearchParams.from_mapping(form.cleaned_data)
    return form, SearchParams.from_mapping({"q": request.GET.get("q", "")})


#: Beyond this the offset would exceed what any list holds (and the database's integers).
MAX_PAGE = MAX_OFFSET // PAGE_SIZE


def _page_number(request: HttpRequest) -> int:
    """``?page=``: page 1 when it is not a whole number, 404 when it is past any list."""
    raw = request.GET.get("page", "1").strip()
    if not (raw.isascii() and raw.isdigit()):  # "1e20", "-3", "x"
        return 1
    number = int(raw) if len(raw) <= 18 else MAX_PAGE + 1  # no 4,300-digit parse
    if number > MAX_PAGE:
        raise Http404
    return max(1, number)


def index(request: HttpRequest) -> HttpResponse:
    """Search the library: text, filters, facets, sort; htmx swaps the results."""
    form, params = _params(request)
    page_number = _page_number(request)
    result = selectors.search(
        request.user, params, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
    )
    query = params.to_params()
    context = {
        "filter_form": form,
        "result": result,
        "params": params,
        "query": urlencode(query),
        "page_number": page_number,
        "has_next": page_number * PAGE_SIZE < result.count,
        "next_query": urlencode({**query, "page": str(page_number + 1)}),
        "prev_query": urlencode({**query, "page": str(page_number - 1)}),
        "export_query": urlencode(query),
        "facet_links": _facet_links(params, result.facets),
        "save_form": SavedSearchForm(initial={"name": params.q[:200]}),
        "can_ingest": permissions.can_ingest(request.user),
    }
    template = "library/index.html"
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        template = "library/partials/results.html"
    return render(request, template, context)


def _facet_links(
    params: SearchParams, facets: dict[str, list[selectors.FacetValue]]
) -> list[dict[str, Any]]:
    """Each facet value with the link that adds (or removes) it as a filter."""
    base = params.to_params()
    titles = {
        "country": _("Countries"),
        "regional_group": _("UN regional groups"),
        "institution": _("Institutions"),
        "focus_area": _("Focus areas"),
        "sdg": _("SDGs"),
        "language": _("Languages"),
        "type": _("Types"),
    }
    out = []
    for name, title in titles.items():
        values = []
        for v in facets.get(name, []):
            active = base.get(name) == v.key
            query = dict(base)
            if active:
                query.pop(name)
            else:
                query[name] = v.key
            values.append({"value": v, "active": active, "query": urlencode(query)})
        if values:
            out.append({"name": name, "title": title, "values": values})
    return out


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.get_document(request.user, pk)
    return render(
        request,
        "library/document_detail.html",
        {
            "document": document,
            "original": selectors.visible_duplicate_of(request.user, document),
            "duplicates": selectors.visible_documents(request.user).filter(duplicate_of=document),
            "similar_to": selectors.visible_similar_to(request.user, document),
            "similar": selectors.visible_documents(request.user).filter(similar_to=document),
            "tags": selectors.tag_links(request.user, document),
            "related": selectors.related_documents(request.user, document),
            "paragraphs": [p for p in document.body.split("\n") if p.strip()],
            "can_change": permissions.can_delete_document(request.user, document),
        },
    )


def document_original(request: HttpRequest, pk: int) -> FileResponse:
    """The file as uploaded, to those who may read the document (a download, never shown
    inline: an uploaded HTML page must not run on this site)."""
    document = selectors.get_document(request.user, pk)
    return original_response(document)


def original_response(document) -> FileResponse:
    if not document.original:
        raise Http404
    try:
        handle = document.original.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.filename or "document",
        content_type="application/octet-stream",
    )
    response["Content-Security-Policy"] = "sandbox"
    return response


def _editable(request: HttpRequest, pk: int):
    document = selectors.get_document(request.user, pk)
    if not permissions.can_delete_document(request.user, document):
        raise PermissionDenied
    return document


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = _editable(request, pk)
    task_forces = list(permissions.ingest_task_forces(request.user))
    if document.task_force is not None and document.task_force not in task_forces:
        task_forces.append(document.task_force)
    form = DocumentForm(
        request.POST or None,
        initial=DocumentForm.initial_for(document),
        task_forces=task_forces,
        language=document.language,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def run():
            return services.update_document(
                actor=request.user,
                document=document,
                title=data["title"],
                authors=split_authors(data["authors"]),
                published=data["published"],
                language=data["language"],
                doc_type=data["doc_type"],
                source=data["source"],
                access=data["access"],
                task_force=selectors.task_force_by_id(data["task_force"] or None),
            )

        changes = call_service(form, run)
        if changes is not None:
            if changes:
                messages.success(request, _("The document's details were saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(document)
    return render(
        request,
        "library/document_edit.html",
        {"form": form, "document": document, "access_task_force": Access.TASK_FORCE.value},
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = _editable(request, pk)
    if request.method == "POST":
        title = document.title
        services.delete_document(actor=request.user, document=document)
        messages.success(request, _("“%(title)s” was deleted from the library.") % {"title": title})
        return redirect("library:index")
    return render(
        request,
        "library/document_delete.html",
        {"document": document, "removal": selectors.deletion_summary(document)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if not permissions.can_ingest(request.user):
        raise PermissionDenied
    task_forces = permissions.ingest_task_forces(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, task_forces=task_forces)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        files = data["upload_files"]

        def run():
            return services.ingest_batch(
                actor=request.user,
                files=[(f.name, f) for f in files],
                access=data["access"],
                task_force=selectors.task_force_by_id(data["task_force"] or None),
                doc_type=data["doc_type"],
                source=data["source"],
                metadata=form.metadata(),
            )

        batch = call_service(form, run)
        if batch is not None:
            rows = list(batch.files.all())
            documents = list(batch.documents.filter(duplicate_of__isnull=True))
            failed = [r for r in rows if r.status == FileStatus.FAILED]
            pending = [r for r in rows if r.status == FileStatus.PENDING]
            if len(rows) == 1 and len(documents) == 1 and not failed:
                messages.success(request, _("The document was added to the library."))
                return redirect(documents[0])
            if len(rows) == 1 and failed:
                form.add_error("upload_files", failed[0].error)
            else:
                if pending:
                    messages.info(request, _("The files are being ingested in the background."))
                return redirect(batch)
    return render(
        request,
        "library/upload.html",
        {"form": form, "access_task_force": Access.TASK_FORCE.value},
    )


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.get_batch(request.user, pk)
    rows = list(batch.files.all())
    context = {
        "batch": batch,
        "rows": rows,
        "documents": batch.documents.select_related("duplicate_of").order_by("pk"),
        "pending": any(r.status == FileStatus.PENDING for r in rows),
    }
    if request.headers.get("HX-Request"):
        return render(request, "library/partials/batch_files.html", context)
    return render(request, "library/batch_detail.html", context)


def lexicon(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "library/lexicon.html",
        {
            "rows": selectors.lexicon(),
            "can_edit": permissions.can_edit_lexicon(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def lexicon_edit(request: HttpRequest, slug: str) -> HttpResponse:
    if not permissions.can_edit_lexicon(request.user):
        raise PermissionDenied
    row = selectors.get_lexicon_row(slug)
    form = LexiconForm(request.POST or None, initial={"terms": "\n".join(row.terms)})
    if request.method == "POST" and "reset" in request.POST:
        services.update_lexicon(actor=request.user, focus_area=row.focus_area, terms=None)
        messages.success(request, _("The default terms are back."))
        return redirect("library:lexicon")
    if request.method == "POST" and form.is_valid():
        terms = form.cleaned_data["terms"].splitlines()

        def save() -> bool:
            services.update_lexicon(actor=request.user, focus_area=row.focus_area, terms=terms)
            return True

        if call_service(form, save):
            messages.success(
                request,
                _(
                    "Saved. New documents are tagged with these terms; existing ones keep "
                    "their tags until they are ingested again."
                ),
            )
            return redirect("library:lexicon")
    return render(request, "library/lexicon_edit.html", {"form": form, "row": row})


@login_required
def saved_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "library/saved_list.html",
        {"saved": [(s, urlencode(s.params)) for s in selectors.saved_searches(request.user)]},
    )


@login_required
@require_POST
def saved_create(request: HttpRequest) -> HttpResponse:
    form = SavedSearchForm(request.POST)
    params = {k: v for k, v in request.POST.items() if k not in ("name", "frequency")}
    if form.is_valid():
        saved = call_service(
            form,
            lambda: services.save_search(
                actor=request.user,
                name=form.cleaned_data["name"],
                params=params,
                frequency=form.cleaned_data["frequency"],
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("Search saved. You will get a %(freq)s digest of new matches by email.")
                % {"freq": saved.get_frequency_display().lower()},
            )
            return redirect("library:saved")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect(
        reverse("library:index") + "?" + urlencode(SearchParams.from_mapping(params).to_params())
    )


@login_required
@require_POST
def saved_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = selectors.get_saved_search(request.user, pk)
    services.delete_saved_search(actor=request.user, saved=saved)
    messages.success(request, _("The saved search was deleted."))
    return redirect("library:saved")


def _consultations(user: Any, q: str) -> tuple[list[Any], bool]:
    """Consultations matching ``q``, when the consultations app has its model yet."""
    try:
        module = importlib.import_module("middleground.consultations.selectors")
    except ImportError:
        return [], False
    finder = getattr(module, "search_consultations", None) or getattr(module, "consultations", None)
    if finder is None:
        return [], False
    try:
        items = finder(user, q) if finder.__name__ == "search_consultations" else finder(user)
        if finder.__name__ != "search_consultations":
            items = items.filter(title__icontains=q)
        return list(items[:10]), True
    except Exception:  # noqa: BLE001 - an app still being built must not break site search
        return [], False


def site_search(request: HttpRequest) -> HttpResponse:
    """One box for the whole site: documents, institutions, experts, consultations."""
    # Any: the network's selectors are annotated for a User; the anonymous visitor has the
    # same role helpers.
    user: Any = request.user
    q = request.GET.get("q", "").strip()[:300]
    documents = selectors.search(user, SearchParams(q=q), limit=10, with_facets=False)
    directory = network.directory_search(user, q, limit=10)
    consultations, has_consultations = _consultations(user, q) if q else ([], False)
    return render(
        request,
        "library/site_search.html",
        {
            "q": q,
            "documents": documents if q else None,
            "institutions": directory["institutions"],
            "experts": directory["experts"],
            "countries": directory["countries"],
            "consultations": consultations,
            "has_consultations": has_consultations,
            "more_query": urlencode({"q": q}),
        },
    )
