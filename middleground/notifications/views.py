"""Notification pages: the list (read / done), and mail preferences with the follows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from middleground.accounts.http import SignedInRequest
from middleground.core.errors import ServiceError
from middleground.core.forms import call_service

from . import selectors, services
from .forms import KINDS, FollowForm, PreferenceForm


@login_required
def notification_list(request: SignedInRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_for(request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "notifications": page.object_list},
    )


def _back(request: SignedInRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


def _row_or_back(request: SignedInRequest, notification) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return render(request, "notifications/partials/item.html", {"n": notification})
    return _back(request)


@login_required
@require_POST
def mark_read(request: SignedInRequest, pk: int) -> HttpResponse:
    notification = services.mark_read(user=request.user, notification_id=pk)
    return _row_or_back(request, notification)


@login_required
@require_POST
def mark_done(request: SignedInRequest, pk: int) -> HttpResponse:
    notification = services.mark_done(user=request.user, notification_id=pk)
    return _row_or_back(request, notification)


@login_required
@require_POST
def mark_all_read(request: SignedInRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user)
    messages.success(request, _("%(n)d notices marked read.") % {"n": count})
    return _back(request)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: SignedInRequest) -> HttpResponse:
    preference = selectors.preference_for(request.user)
    initial = {
        "information_mail": preference.information_mail,
        "time_zone": preference.time_zone,
        "digest_hour": preference.digest_hour,
    }
    for kind, _label in KINDS:
        initial[f"kind:{kind}"] = (preference.per_kind or {}).get(kind, "")
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = call_service(
            form,
            lambda: services.update_preference(
                user=request.user,
                information_mail=data["information_mail"],
                time_zone=data["time_zone"],
                digest_hour=data["digest_hour"],
                per_kind=form.per_kind(),
            ),
        )
        if saved is not None:
            messages.success(request, _("Your mail preferences have been saved."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "follows": selectors.follow_rows(request.user),
            "follow_choices": FollowForm.base_fields["frequency"].choices,  # type: ignore[attr-defined]
        },
    )


@login_required
@require_POST
def follow_update(request: SignedInRequest, pk: int) -> HttpResponse:
    form = FollowForm(request.POST)
    if form.is_valid():
        try:
            services.set_follow_frequency(
                user=request.user, follow_id=pk, frequency=form.cleaned_data["frequency"] or None
            )
        except ServiceError as exc:
            if exc.status == 404:
                from django.http import Http404

                raise Http404 from exc
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
    return redirect("notifications:preferences")


@login_required
@require_POST
def unfollow(request: SignedInRequest, pk: int) -> HttpResponse:
    if not services.unfollow(user=request.user, follow_id=pk):
        from django.http import Http404

        raise Http404
    messages.success(request, _("You no longer follow it."))
    return redirect("notifications:preferences")
