"""(being written)"""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def strategy_list(request, *args, **kwargs):
    raise Http404


def strategy_create(request, *args, **kwargs):
    raise Http404


def strategy_detail(request, *args, **kwargs):
    raise Http404


def strategy_edit(request, *args, **kwargs):
    raise Http404


def section_create(request, *args, **kwargs):
    raise Http404


def paragraph_create(request, *args, **kwargs):
    raise Http404


def paragraph_detail(request, *args, **kwargs):
    raise Http404


def paragraph_edit(request, *args, **kwargs):
    raise Http404


def comment_create(request, *args, **kwargs):
    raise Http404


def amendment_create(request, *args, **kwargs):
    raise Http404


def amendment_decide(request, *args, **kwargs):
    raise Http404


def amendment_withdraw(request, *args, **kwargs):
    raise Http404


def amendment_promote(request, *args, **kwargs):
    raise Http404


def amendment_merge(request, *args, **kwargs):
    raise Http404


def version_list(request, *args, **kwargs):
    raise Http404


def version_detail(request, *args, **kwargs):
    raise Http404


def compare(request, *args, **kwargs):
    raise Http404

