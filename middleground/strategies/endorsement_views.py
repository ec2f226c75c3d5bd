"""(being written)"""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def open_call(request, *args, **kwargs):
    raise Http404


def close_call(request, *args, **kwargs):
    raise Http404


def endorse(request, *args, **kwargs):
    raise Http404


def endorsements(request, *args, **kwargs):
    raise Http404

