"""(being written)"""

from django.http import Http404


def join(request, *args, **kwargs):
    raise Http404


def audience(request, *args, **kwargs):
    raise Http404


def screen(request, *args, **kwargs):
    raise Http404


def moderate(request, *args, **kwargs):
    raise Http404


def stream(request, *args, **kwargs):
    raise Http404

