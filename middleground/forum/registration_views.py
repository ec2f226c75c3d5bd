"""(being written)"""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def register(request, *args, **kwargs):
    raise Http404


def my_registration(request, *args, **kwargs):
    raise Http404


def cancel(request, *args, **kwargs):
    raise Http404


def agenda(request, *args, **kwargs):
    raise Http404


def badge_qr(request, *args, **kwargs):
    raise Http404


def certificate(request, *args, **kwargs):
    raise Http404


def delegations(request, *args, **kwargs):
    raise Http404


def delegation(request, *args, **kwargs):
    raise Http404


def registrations(request, *args, **kwargs):
    raise Http404


def registrations_csv(request, *args, **kwargs):
    raise Http404


def check_in(request, *args, **kwargs):
    raise Http404

