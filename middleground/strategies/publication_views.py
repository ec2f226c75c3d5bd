"""The published text as files: PDF, DOCX, Markdown, JSON and CSV (``?version=N``)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse

from . import publication

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _file(pub: publication.Publication, body, content_type: str, ext: str, *, inline=False):
    response = HttpResponse(body, content_type=content_type)
    name = publication.filename(pub.strategy, pub.version, ext)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    if not pub.version.is_published:
        response["Cache-Control"] = "private, no-store"  # a draft is for its task force only
    return response


def _gather(request: HttpRequest, slug: str) -> publication.Publication:
    return publication.gather(request.user, slug, request.GET.get("version"))


def _args(pub: publication.Publication):
    return pub.strategy, pub.version, pub.endorsements


def pdf(request: HttpRequest, slug: str) -> HttpResponse:
    pub = _gather(request, slug)
    body = publication.pdf_bytes(*_args(pub), call=pub.call)
    return _file(pub, body, "application/pdf", "pdf", inline=True)


def docx(request: HttpRequest, slug: str) -> HttpResponse:
    pub = _gather(request, slug)
    return _file(pub, publication.docx_bytes(*_args(pub), call=pub.call), DOCX_TYPE, "docx")


def markdown(request: HttpRequest, slug: str) -> HttpResponse:
    pub = _gather(request, slug)
    body = publication.markdown_text(*_args(pub), call=pub.call)
    return _file(pub, body, "text/markdown; charset=utf-8", "md")


def data_json(request: HttpRequest, slug: str) -> HttpResponse:
    pub = _gather(request, slug)
    body = json.dumps(
        publication.data(*_args(pub), call=pub.call),
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        indent=1,
    )
    return _file(pub, body, "application/json", "json")


def data_csv(request: HttpRequest, slug: str) -> HttpResponse:
    pub = _gather(request, slug)
    body = publication.csv_text(*_args(pub), call=pub.call)
    return _file(pub, body, "text/csv; charset=utf-8", "csv")
