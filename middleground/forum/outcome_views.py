"""(being written)"""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def minutes(request, *args, **kwargs):
    raise Http404


def outputs(request, *args, **kwargs):
    raise Http404


def event_report(request, *args, **kwargs):
    raise Http404

