"""(being written)"""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def cite(request, *args, **kwargs):
    raise Http404


def evidence_detail(request, *args, **kwargs):
    raise Http404

