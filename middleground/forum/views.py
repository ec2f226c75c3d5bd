"""(being written)"""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def event_list(request, *args, **kwargs):
    raise Http404


def event_create(request, *args, **kwargs):
    raise Http404


def event_detail(request, *args, **kwargs):
    raise Http404


def event_edit(request, *args, **kwargs):
    raise Http404


def programme(request, *args, **kwargs):
    raise Http404


def session_create(request, *args, **kwargs):
    raise Http404


def session_detail(request, *args, **kwargs):
    raise Http404


def session_edit(request, *args, **kwargs):
    raise Http404


def speaker_detail(request, *args, **kwargs):
    raise Http404


def programme_json(request, *args, **kwargs):
    raise Http404


def programme_csv(request, *args, **kwargs):
    raise Http404


def event_ics(request, *args, **kwargs):
    raise Http404


def session_ics(request, *args, **kwargs):
    raise Http404


def agenda_feed(request, *args, **kwargs):
    raise Http404


def calendar_feeds(request, *args, **kwargs):
    raise Http404

