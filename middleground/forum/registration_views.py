"""Registration pages: register, my registration (code, QR, agenda), delegations, the
organisers' list and CSV, the door's check-in, the certificate of attendance.

Each view: parse, authorise (selectors, permissions), call one service
(``registration.py``), render.
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from middleground.accounts.http import SignedInRequest
from middleground.core.csv_export import csv_text
from middleground.core.errors import ServiceError
from middleground.core.forms import call_service
from middleground.network.models import Institution

from . import badges, permissions, registration, selectors
from .models import (
    Delegation,
    Event,
    Registration,
    RegistrationStatus,
    RegistrationType,
    Session,
)

# --- forms -------------------------------------------------------------------------------


class RegisterForm(forms.Form):
    type = forms.ModelChoiceField(
        label=gettext_lazy("Registration type"),
        queryset=RegistrationType.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["type"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = event.registration_types.filter(delegates_only=False)


class SessionsField(forms.ModelMultipleChoiceField):
    """Sessions labelled by their local start and title."""

    def label_from_instance(self, obj: Session) -> str:
        return f"{timezone.localtime(obj.starts_at, _zone(obj.event)):%d %b %H:%M} · {obj.title}"


class PersonField(forms.ModelChoiceField):
    """People labelled by their display name."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


class AgendaForm(forms.Form):
    sessions = SessionsField(
        label=gettext_lazy("Sessions I plan to attend"),
        queryset=Session.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, registration: Registration, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["sessions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = registration_sessions(registration)


class DelegationForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=gettext_lazy("Institution"),
        queryset=Institution.objects.filter(is_member=True).order_by("name"),
    )
    quota = forms.IntegerField(label=gettext_lazy("Delegates"), min_value=0, max_value=500)
    substitutes_quota = forms.IntegerField(
        label=gettext_lazy("Substitutes"), min_value=0, max_value=500
    )
    head = forms.ModelChoiceField(
        label=gettext_lazy("Head of delegation"),
        queryset=get_user_model().objects.filter(is_active=True, institution__is_member=True),
        required=False,
        help_text=gettext_lazy("A person of the institution; they name its delegates."),
    )


class NameDelegateForm(forms.Form):
    user = PersonField(label=gettext_lazy("Person"), queryset=get_user_model().objects.none())
    substitute = forms.BooleanField(label=gettext_lazy("as a substitute"), required=False)

    def __init__(self, *args: Any, delegation: Delegation, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            get_user_model()
            .objects.filter(is_active=True, institution_id=delegation.institution_id)
            .order_by("last_name", "first_name", "username")
        )


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Registration code"),
        max_length=40,
        help_text=gettext_lazy("Type the code on the badge, or scan its QR code."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


# --- helpers -----------------------------------------------------------------------------


def _zone(event: Event):
    from zoneinfo import ZoneInfo

    return ZoneInfo(event.time_zone)


def registration_sessions(reg: Registration):
    return registration.included_sessions(reg.type)


def _own(request: SignedInRequest, event: Event) -> Registration:
    found = registration.current_registration(request.user, event)
    if found is None:
        raise Http404
    return found


def _service_error_page(request, event: Event, exc: ServiceError, *, status: int) -> HttpResponse:
    return render(
        request,
        "forum/registration_error.html",
        {"event": event, "message": exc.message},
        status=status,
    )


# --- the participant's pages -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def register(request: SignedInRequest, slug: str) -> HttpResponse:
    event = selectors.get_event(request.user, slug=slug)
    if registration.current_registration(request.user, event) is not None:
        return redirect("forum:my_registration", event.slug)
    form = RegisterForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        made = call_service(
            form,
            lambda: registration.register(
                actor=request.user, event=event, registration_type=form.cleaned_data["type"]
            ),
        )
        if made is not None:
            if made.status == RegistrationStatus.CONFIRMED:
                messages.success(request, _("You are registered. Your code is %s.") % made.code)
            else:
                messages.info(
                    request,
                    _("The places are taken: you are number %s on the waiting list.")
                    % registration.waiting_position(made),
                )
            return redirect("forum:my_registration", event.slug)
    counts = {row["type"].pk: row for row in registration.counts_by_type(event)}
    types = [{"type": t, **counts[t.pk]} for t in event.registration_types.all() if t.pk in counts]
    return render(
        request,
        "forum/registration_form.html",
        {
            "event": event,
            "form": form,
            "types": types,
            "open": permissions.can_register(request.user, event),
        },
    )


@login_required
def my_registration(request: SignedInRequest, slug: str) -> HttpResponse:
    event = selectors.get_event(request.user, slug=slug)
    reg = registration.current_registration(request.user, event)
    if reg is None:
        return redirect("forum:register", event.slug)
    ended = registration.has_ended(event)
    return render(
        request,
        "forum/registration_detail.html",
        {
            "event": event,
            "ended": ended,
            "registration": reg,
            "position": registration.waiting_position(reg),
            # segno's SVG of our own code (A-Z, 2-9): no user text in it
            "qr_svg": mark_safe(badges.qr_svg(reg.code)),  # noqa: S308
            "sessions": registration_sessions(reg),
            "agenda": set(reg.agenda.values_list("pk", flat=True)),
            "certificate_ready": reg.checked_in_at is not None and ended,
            "zone": event.time_zone,
        },
    )


@login_required
@require_POST
def cancel(request: SignedInRequest, slug: str) -> HttpResponse:
    event = selectors.get_event(request.user, slug=slug)
    reg = _own(request, event)
    try:
        registration.cancel(actor=request.user, registration=reg)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("forum:my_registration", event.slug)
    messages.success(request, _("Your registration is cancelled."))
    return redirect(event.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def agenda(request: SignedInRequest, slug: str) -> HttpResponse:
    event = selectors.get_event(request.user, slug=slug)
    reg = _own(request, event)
    form = AgendaForm(
        request.POST or None,
        registration=reg,
        initial={"sessions": list(reg.agenda.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            lambda: registration.set_agenda(
                actor=request.user, registration=reg, sessions=form.cleaned_data["sessions"]
            ),
        )
        if done is not None:
            messages.success(request, _("Your agenda is saved."))
            return redirect("forum:my_registration", event.slug)
    return render(
        request,
        "forum/registration_agenda.html",
        {"event": event, "registration": reg, "form": form},
    )


@login_required
def badge_qr(request: SignedInRequest, slug: str) -> HttpResponse:
    event = selectors.get_event(request.user, slug=slug)
    reg = _own(request, event)
    response = HttpResponse(badges.qr_png(reg.code), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def certificate(request: SignedInRequest, slug: str) -> HttpResponse:
    event = selectors.get_event(request.user, slug=slug)
    reg = _own(request, event)
    try:
        issued = registration.issue_certificate(actor=request.user, registration=reg)
    except ServiceError as exc:
        return _service_error_page(request, event, exc, status=403)
    response = HttpResponse(badges.certificate_pdf(issued), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{issued.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- delegations -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def delegations(request: SignedInRequest, slug: str) -> HttpResponse:
    event = selectors.get_event(request.user, slug=slug)
    manage = permissions.can_manage_event(request.user, event)
    if request.method == "POST" and not manage:
        raise PermissionDenied
    form = DelegationForm(request.POST or None) if manage else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = call_service(
            form,
            lambda: registration.set_delegation(
                actor=request.user,
                event=event,
                institution=data["institution"],
                quota=data["quota"],
                substitutes_quota=data["substitutes_quota"],
                head=data["head"],
            ),
        )
        if made is not None:
            messages.success(request, _("The delegation of %s is saved.") % made.institution.name)
            return redirect("forum:delegations", event.slug)
    found = event.delegations.select_related("institution", "head")
    rows = [d for d in found if manage or permissions.can_lead_delegation(request.user, d)]
    used: dict[int, Mapping[str, Any]] = {
        row["delegation"]: row
        for row in Registration.objects.filter(delegation__in=rows, status__in=registration.LIVE)
        .values("delegation")
        .annotate(
            delegates=Count("pk", filter=Q(is_substitute=False)),
            substitutes=Count("pk", filter=Q(is_substitute=True)),
        )
    }
    listing = [
        {
            "delegation": d,
            "delegates": used.get(d.pk, {}).get("delegates", 0),
            "substitutes": used.get(d.pk, {}).get("substitutes", 0),
        }
        for d in rows
    ]
    return render(
        request,
        "forum/delegation_list.html",
        {
            "event": event,
            "rows": listing,
            "form": form,
            "can_manage": manage,
            "delegates_type": registration.delegates_type(event),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def delegation(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    event = selectors.get_event(request.user, slug=slug)
    found = (
        Delegation.objects.select_related("institution", "head", "event")
        .filter(event=event, pk=pk)
        .first()
    )
    if found is None or not permissions.can_lead_delegation(request.user, found):
        raise Http404
    form = NameDelegateForm(
        request.POST if request.POST.get("action") == "name" else None, delegation=found
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "name":
                if form.is_valid():
                    named = call_service(
                        form,
                        lambda: registration.name_delegate(
                            actor=request.user,
                            delegation=found,
                            user=form.cleaned_data["user"],
                            substitute=form.cleaned_data["substitute"],
                        ),
                    )
                    if named is not None:
                        messages.success(request, _("%s is named.") % named.user.display_name)
                        return redirect("forum:delegation", event.slug, found.pk)
            elif action == "remove":
                member = _member(found, request.POST.get("registration"))
                registration.cancel(actor=request.user, registration=member)
                messages.success(request, _("%s is removed.") % member.user.display_name)
                return redirect("forum:delegation", event.slug, found.pk)
            elif action == "swap":
                sub = _member(found, request.POST.get("substitute"))
                dele = _member(found, request.POST.get("delegate"))
                registration.swap_substitute(
                    actor=request.user, delegation=found, substitute=sub, delegate=dele
                )
                messages.success(
                    request,
                    _("%(sub)s replaces %(delegate)s as a delegate.")
                    % {"sub": sub.user.display_name, "delegate": dele.user.display_name},
                )
                return redirect("forum:delegation", event.slug, found.pk)
            else:
                messages.error(request, _("Choose what to do."))
        except ServiceError as exc:
            messages.error(request, exc.message)
    members = list(registration.delegation_members(found))
    delegates = [m for m in members if not m.is_substitute]
    substitutes = [m for m in members if m.is_substitute]
    return render(
        request,
        "forum/delegation_detail.html",
        {
            "event": event,
            "delegation": found,
            "delegates": delegates,
            "substitutes": substitutes,
            "form": form,
            "full": len(delegates) >= found.quota and len(substitutes) >= found.substitutes_quota,
            "ended": registration.has_ended(event),
            "delegates_type": registration.delegates_type(event),
        },
    )


def _member(found: Delegation, value: str | None) -> Registration:
    member = (
        Registration.objects.select_related("user", "event", "delegation", "type")
        .filter(
            delegation=found,
            status__in=registration.LIVE,
            pk=int(value or 0) if (value or "").isdigit() else 0,
        )
        .first()
    )
    if member is None:
        raise ServiceError(_("Choose a person of this delegation."), field="registration")
    return member


# --- organisers --------------------------------------------------------------------------


def _filters(request, event: Event) -> dict[str, Any]:
    status = request.GET.get("status", "")
    if status not in RegistrationStatus.values:
        status = ""
    raw_type = request.GET.get("type", "")
    type_id = int(raw_type) if raw_type.isdigit() else None
    return {"status": status, "type_id": type_id, "q": request.GET.get("q", "").strip()[:100]}


@login_required
def registrations(request: SignedInRequest, slug: str) -> HttpResponse:
    event = selectors.get_event_for_manage(request.user, slug=slug)
    filters = _filters(request, event)
    found = registration.registrations_for(event, **filters)
    total = found.count()
    return render(
        request,
        "forum/registration_list.html",
        {
            "event": event,
            "counts": registration.counts_by_type(event),
            "registrations": found[:500],
            "total": total,
            "filters": filters,
            "statuses": RegistrationStatus.choices,
            "types": event.registration_types.all(),
        },
    )


@login_required
def registrations_csv(request: SignedInRequest, slug: str) -> HttpResponse:
    event = selectors.get_event_for_manage(request.user, slug=slug)
    found = registration.registrations_for(event, **_filters(request, event))
    header = [
        "code",
        "name",
        "username",
        "email",
        "institution",
        "type",
        "status",
        "delegation",
        "substitute",
        "queued_at",
        "confirmed_at",
        "cancelled_at",
        "checked_in_at",
    ]

    def stamp(value) -> str:
        return value.isoformat() if value else ""

    rows = (
        [
            r.code,
            r.user.display_name,
            r.user.username,
            r.user.email,
            r.user.institution.name if r.user.institution is not None else "",
            r.type.name,
            r.status,
            r.delegation.institution.name if r.delegation is not None else "",
            "yes" if r.is_substitute else "",
            stamp(r.queued_at),
            stamp(r.confirmed_at),
            stamp(r.cancelled_at),
            stamp(r.checked_in_at),
        ]
        for r in found
    )
    response = HttpResponse(csv_text(rows, header=header), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-registrations.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request: SignedInRequest, slug: str) -> HttpResponse:
    event = selectors.get_event(request.user, slug=slug)
    if not permissions.can_check_in(request.user, event):
        raise PermissionDenied
    form = CheckInForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = call_service(
            form,
            lambda: registration.check_in(
                actor=request.user, event=event, code=form.cleaned_data["code"]
            ),
        )
        if result is not None:
            form = CheckInForm()  # ready for the next badge
    checked = Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=False
    ).count()
    confirmed = Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED
    ).count()
    return render(
        request,
        "forum/check_in.html",
        {
            "event": event,
            "form": form,
            "result": result,
            "checked": checked,
            "confirmed": confirmed,
            "zone": event.time_zone,
            "list_url": reverse("forum:registrations", args=[event.slug]),
        },
    )
