"""(being written)"""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def pdf(request, *args, **kwargs):
    raise Http404


def docx(request, *args, **kwargs):
    raise Http404


def markdown(request, *args, **kwargs):
    raise Http404


def data_json(request, *args, **kwargs):
    raise Http404


def data_csv(request, *args, **kwargs):
    raise Http404

