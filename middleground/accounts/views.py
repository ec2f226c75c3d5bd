"""Account pages: sign-in, profile, invitations, audit log, personal data."""

import json

from allauth.account import views as allauth_views
from allauth.mfa.totp import views as totp_views
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from middleground.core.csv_export import csv_text
from middleground.core.errors import ServiceError
from middleground.core.forms import call_service

from . import audit, selectors, services, two_factor
from .forms import AcceptInvitationForm, DeleteAccountForm, InvitationForm, ProfileForm
from .http import SignedInRequest


class LoginView(allauth_views.LoginView):
    """allauth's sign-in (through axes' backend), then the TOTP code for those who set it up;
    a signed-in person is sent on to the site."""


class ConfirmEmailView(allauth_views.ConfirmEmailView):
    """allauth's verification link; a dead link says so on the site's page, after the button
    too (allauth answers that POST with a bare 404)."""

    def post(self, *args, **kwargs):
        try:
            self.get_object()
        except Http404:
            return render(self.request, self.template_name, {"confirmation": None}, status=404)
        return super().post(*args, **kwargs)


class ActivateTOTPView(totp_views.ActivateTOTPView):
    """allauth's TOTP set-up; the code just checked counts as this session's second factor."""

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session[two_factor.SET_UP_IN_SESSION] = True
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    # Saving the new password revokes the person's API tokens (User.save).
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(
            self.request, _("Your password has been changed and your API tokens revoked.")
        )
        return super().form_valid(form)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: SignedInRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "preferred_language": user.preferred_language,
        },
    )
    if request.method == "POST" and form.is_valid():
        base = request.build_absolute_uri(reverse("accounts:profile")) + "email"
        pending = services.update_profile(user=user, confirm_url_base=base, **form.cleaned_data)
        translation.activate(user.preferred_language)
        messages.success(request, _("Your profile has been saved."))
        if pending:
            messages.info(
                request,
                _(
                    "We sent a confirmation link to %(email)s. Your e-mail address changes "
                    "when you open it."
                )
                % {"email": pending},
            )
        response = redirect("accounts:profile")
        response.set_cookie("django_language", user.preferred_language, samesite="Lax")
        return response
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def confirm_email(request: SignedInRequest, token: str) -> HttpResponse:
    """The link mailed to a new address: a page with one button, so that mail scanners
    fetching the link change nothing."""
    try:
        email = services.pending_email_change(user=request.user, token=token)
    except ServiceError as exc:
        return render(
            request, "accounts/confirm_email.html", {"message": exc.message}, status=exc.status
        )
    if request.method == "POST":
        services.confirm_email_change(user=request.user, token=token)
        messages.success(request, _("Your e-mail address is now %(email)s.") % {"email": email})
        return redirect("accounts:profile")
    return render(request, "accounts/confirm_email.html", {"email": email})


@login_required
def api_tokens(request: SignedInRequest) -> HttpResponse:
    tokens = selectors.api_tokens_for(request.user)
    return render(request, "accounts/api_tokens.html", {"tokens": tokens})


@login_required
@require_http_methods(["POST"])
def revoke_api_token(request: SignedInRequest, token_id: int) -> HttpResponse:
    services.revoke_api_token(user=request.user, token_id=token_id)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:api_tokens")


@login_required
@require_http_methods(["GET", "POST"])
def invitations(request: SignedInRequest) -> HttpResponse:
    queryset = selectors.invitations_for(request.user)
    form = InvitationForm(request.POST or None)
    link = None
    if request.method == "POST" and form.is_valid():
        base = request.build_absolute_uri(reverse("accounts:invitations")) + "accept"
        result = call_service(
            form,
            lambda: services.create_invitation(
                actor=request.user, accept_url_base=base, **form.cleaned_data
            ),
        )
        if result:
            link = result[1]
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": result[0].email}
            )
            form = InvitationForm()
    return render(
        request,
        "accounts/invitations.html",
        {"form": form, "invitations": queryset[:100], "link": link},
    )


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.find_usable_invitation(token)
    except ServiceError as exc:
        return render(
            request, "accounts/invitation_invalid.html", {"message": exc.message}, status=exc.status
        )
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = call_service(
            form, lambda: services.accept_invitation(token=token, **form.cleaned_data)
        )
        if user:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Middle Ground."))
            return redirect("core:home")
    return render(
        request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation}
    )


@login_required
def audit_log(request: SignedInRequest) -> HttpResponse:
    form = audit.AuditFilterForm(request.GET or None)
    events = audit.filtered(selectors.audit_events_for(request.user), form)
    page = Paginator(events.select_related("actor__institution"), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter_form": form,
        "page": page,
        "entries": audit.describe(list(page.object_list)),
        "query": query.urlencode(),
    }
    template = "accounts/audit_log.html"
    if request.headers.get("HX-Request"):
        template = "accounts/audit_log_results.html"
    return render(request, template, context)


@login_required
def audit_export(request: SignedInRequest) -> HttpResponse:
    """The filtered audit log as CSV (every line, not one page), for the secretariat."""
    form = audit.AuditFilterForm(request.GET or None)
    events = audit.filtered(selectors.audit_events_for(request.user), form)
    entries = audit.describe(list(events.select_related("actor__institution")[:50_000]))
    body = csv_text(
        audit.csv_rows(entries, base_url=request.build_absolute_uri("/").rstrip("/")),
        header=audit.CSV_HEADER,
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


@login_required
def export_data(request: SignedInRequest) -> HttpResponse:
    data = services.export_personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    # Older accounts may have names with quotes or non-ASCII letters: keep the header valid.
    name = slugify(request.user.username) or str(request.user.pk)
    response["Content-Disposition"] = f'attachment; filename="middleground-{name}.json"'

    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: SignedInRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.delete_account(user=user)
        messages.success(request, _("Your account has been deleted."))
        return redirect("core:home")
    return render(request, "accounts/delete_account.html", {"form": form})
