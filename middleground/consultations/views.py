"""Consultation pages: parse, authorise through selectors, call one service, render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from middleground.accounts.http import SignedInRequest
from middleground.core.errors import ServiceError
from middleground.core.forms import call_service, filter_params
from middleground.network import picker as network_picker
from middleground.network import picker_post
from middleground.network import selectors as network_selectors
from middleground.translations.display import translated_map

from . import interop, permissions, selectors, services
from .forms import ConsultationEditForm, ConsultationForm, ImportForm, InviteForm, StatementForm
from .identity import client_ip, cookie_id, ensure_cookie_id, store_cookie_id
from .models import CHOOSABLE_STATUSES, Consultation, Participant, Status


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _secretariat(request: HttpRequest) -> None:
    if not permissions.can_create(request.user):
        raise PermissionDenied


def index(request: HttpRequest) -> HttpResponse:
    params = filter_params(request, ("q", "status"))
    qs = selectors.consultations(request.user, q=params["q"], status=params["status"])
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/index.html",
        {"page": page, "params": params, "statuses": CHOOSABLE_STATUSES},
    )


@login_required
def create(request: SignedInRequest) -> HttpResponse:
    _secretariat(request)
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consultation = call_service(
            form,  # type: ignore[arg-type]
            lambda: services.create_consultation(actor=request.user, data=form.service_data()),
        )
        if consultation is not None:
            messages.success(request, _("Consultation created."))
            return redirect(consultation)
    return render(
        request, "consultations/form.html", {"form": form, "title": _("New consultation")}
    )


@login_required
def import_polis(request: SignedInRequest) -> HttpResponse:
    _secretariat(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        consultation = call_service(
            form,
            lambda: interop.import_polis_zip(
                actor=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                attribution=form.cleaned_data["attribution"],
            ),
        )
        if consultation is not None:
            messages.success(request, _("Polis conversation imported."))
            return redirect(consultation)
    return render(
        request,
        "consultations/form.html",
        {"form": form, "title": _("Import a Polis export"), "multipart": True},
    )


def _participant(request: HttpRequest, consultation: Consultation) -> Participant | None:
    return services.get_participant(
        consultation=consultation, user=request.user, cookie_id=cookie_id(request), create=False
    )


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = selectors.get_consultation(request.user, slug=slug)
    manager = permissions.can_manage(request.user, consultation)
    participant = _participant(request, consultation)
    context = {
        "consultation": consultation,
        "manager": manager,
        "can_participate": permissions.can_participate(request.user, consultation),
        "participant": participant,
        "statement_count": selectors.visible_statements(consultation).count(),
        "pending_count": consultation.statements.filter(status="pending").count() if manager else 0,
        "participant_count": consultation.participants.filter(votes__isnull=False)
        .distinct()
        .count(),
        "latest": selectors.latest_result(consultation),
        "focus_areas": consultation.focus_areas.all(),
    }
    return render(request, "consultations/detail.html", context)


@login_required
def edit(request: SignedInRequest, slug: str) -> HttpResponse:
    consultation = selectors.get_consultation_for_manage(request.user, slug=slug)
    form = ConsultationEditForm(request.POST or None, instance=consultation)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,  # type: ignore[arg-type]
            lambda: services.update_consultation(
                actor=request.user,
                consultation=selectors.get_consultation_for_manage(request.user, slug=slug),
                data=form.service_data(),
            ),
        )
        if saved is not None:
            messages.success(request, _("Consultation saved."))
            return redirect(saved)
    return render(
        request,
        "consultations/form.html",
        {"form": form, "title": _("Edit consultation"), "consultation": consultation},
    )


@require_POST
@login_required
def open_consultation(request: SignedInRequest, slug: str) -> HttpResponse:
    """The "Open for votes" button of a draft: the status change of the edit form, alone."""
    consultation = selectors.get_consultation_for_manage(request.user, slug=slug)
    try:
        services.update_consultation(
            actor=request.user, consultation=consultation, data={"status": Status.OPEN}
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The consultation is open: people can vote and write now."))
    return redirect(consultation)


@login_required
def invite(request: SignedInRequest, slug: str) -> HttpResponse:
    consultation = selectors.get_consultation_for_manage(request.user, slug=slug)
    by_email = request.method == "POST" and not picker_post.sent_picked_experts(request)
    form = InviteForm(request.POST if by_email else None)
    if request.method == "POST":
        base = request.build_absolute_uri(
            reverse("accounts:accept_invitation", args=["x"]).rsplit("/x/", 1)[0]
        )
        outcome = picker_post.invite_from_post(
            request,
            form,
            to_experts=lambda picked: services.invite_people(
                actor=request.user,
                consultation=consultation,
                expert_ids=picked,
                accept_url_base=base,
            ),
            to_addresses=lambda: services.invite_people(
                actor=request.user,
                consultation=consultation,
                emails=form.cleaned_data["emails"].splitlines(),
                accept_url_base=base,
            ),
        )
        if outcome is not None:
            # the people reached by this call: a notice or a sign-up mail each
            messages.success(request, _("%(n)d people invited.") % {"n": len(outcome.added)})
            if outcome.already:
                messages.info(
                    request,
                    _("%(n)d of them had been invited already.") % {"n": len(outcome.already)},
                )
            picker_post.show_unlined_refusals(request, outcome.rejected)
            if not outcome.rejected:
                return redirect(request.get_full_path())
            if by_email:
                form = InviteForm.with_rejected(request.POST, outcome.rejected)
    invitees = consultation.invitees.select_related("user").order_by("email")
    return render(
        request,
        "consultations/invite.html",
        {
            "form": form,
            "consultation": consultation,
            "invitees": invitees,
            **_invite_picker(request, invitees),
        },
    )


def _invite_picker(request: SignedInRequest, invitees: Any) -> dict[str, Any]:
    pick = network_selectors.pick_experts(request.user, **network_picker.query_values(request.GET))
    invited = {i.user_id for i in invitees if i.user_id}
    unavailable = {e.pk: _("no account yet") for e in pick.experts if e.user_id is None}
    unavailable.update({e.pk: _("invited") for e in pick.experts if e.user_id in invited})
    return network_picker.picker_context(
        pick,
        query=request.GET,
        path=request.path,
        submit=_("Invite the selected experts"),
        unavailable=unavailable,
    )


def _participation_context(request: HttpRequest, consultation, participant) -> dict[str, Any]:
    statement = selectors.next_statement(consultation=consultation, participant=participant)
    voted = participant.votes.count() if participant else 0
    total = selectors.visible_statements(consultation).count()
    return {
        "consultation": consultation,
        "manager": permissions.can_manage(request.user, consultation),
        "statement": statement,
        "voted": voted,
        "total": total,
        "statement_form": StatementForm(),
        "can_add": consultation.participants_can_add
        or permissions.can_manage(request.user, consultation),
    }


def participate(request: HttpRequest, slug: str) -> HttpResponse:
    """One statement at a time; a plain form post without JavaScript, an htmx swap with it."""
    consultation = selectors.get_consultation(request.user, slug=slug)
    if not permissions.can_participate(request.user, consultation):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        raise PermissionDenied
    error = None
    status = 200
    if request.method == "POST":
        try:
            ident = "" if request.user.is_authenticated else ensure_cookie_id(request)
            services.cast_vote(
                actor=request.user,
                consultation=consultation,
                statement_id=request.POST.get("statement"),
                value=request.POST.get("vote"),
                cookie_id=ident,
                ip=client_ip(request),
            )
        except ServiceError as exc:
            error, status = exc.message, exc.status
        if error is None and not _htmx(request):
            redirect_response = redirect("consultations:participate", slug=slug)
            store_cookie_id(request, redirect_response)
            return redirect_response
    participant = _participant(request, consultation)
    context = _participation_context(request, consultation, participant)
    context["error"] = error
    template = (
        "consultations/partials/participate_card.html"
        if _htmx(request)
        else "consultations/participate.html"
    )
    response = render(request, template, context, status=status)
    store_cookie_id(request, response)
    return response


def add_statement(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = selectors.get_consultation(request.user, slug=slug)
    if not permissions.can_participate(request.user, consultation):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        raise PermissionDenied
    form = StatementForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        ident = "" if request.user.is_authenticated else ensure_cookie_id(request)
        try:
            statement = services.add_statement(
                actor=request.user,
                consultation=consultation,
                text=form.cleaned_data["text"],
                cookie_id=ident,
                ip=client_ip(request),
            )
        except ServiceError as exc:
            form.add_error("text" if exc.field == "text" else None, exc.message)
            status = exc.status
        else:
            if statement.status == "pending":
                messages.success(request, _("Thank you: your statement awaits moderation."))
            else:
                messages.success(request, _("Thank you: your statement is published."))
            response = redirect("consultations:participate", slug=slug)
            store_cookie_id(request, response)
            return response
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "consultations/add_statement.html",
        {"form": form, "consultation": consultation},
        status=status,
    )


@login_required
def moderation(request: SignedInRequest, slug: str) -> HttpResponse:
    consultation = selectors.get_consultation_for_manage(request.user, slug=slug)
    queue = selectors.moderation_queue(request.user, consultation)
    return render(
        request,
        "consultations/moderation.html",
        {
            "consultation": consultation,
            "pending": [s for s in queue if s.status == "pending"],
            "decided": [s for s in queue if s.status != "pending"][:100],
        },
    )


@require_POST
@login_required
def moderate(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    consultation = selectors.get_consultation_for_manage(request.user, slug=slug)
    statement = selectors.get_statement_for_moderation(request.user, consultation, pk)
    accept = request.POST.get("decision") == "accept"
    services.moderate_statement(actor=request.user, statement=statement, accept=accept)
    messages.success(request, _("Statement accepted.") if accept else _("Statement rejected."))
    return redirect("consultations:moderation", slug=slug)


def results(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = selectors.get_consultation(request.user, slug=slug)
    participant = _participant(request, consultation)
    context = interop.report_context(
        consultation, you=participant.number if participant is not None else None
    )
    context["manager"] = permissions.can_manage(request.user, consultation)
    # the statements in the reader's language where someone translated them (one query)
    context["statement_texts"] = translated_map(
        selectors.visible_statements(consultation), "text", key="number"
    )
    return render(request, "consultations/results.html", context)


def results_status(request: HttpRequest, slug: str) -> HttpResponse:
    """The htmx-polled line: which version is shown, and whether a newer one is computing."""
    consultation = selectors.get_consultation(request.user, slug=slug)
    return render(
        request,
        "consultations/partials/results_status.html",
        {
            "consultation": consultation,
            "status": selectors.analysis_status(consultation),
            "shown": request.GET.get("shown", ""),
        },
    )


def export_polis(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = selectors.get_consultation(request.user, slug=slug)
    response = HttpResponse(
        interop.polis_zip(consultation, full=permissions.can_manage(request.user, consultation)),
        content_type="application/zip",
    )
    response["Content-Disposition"] = f'attachment; filename="{consultation.slug}-polis.zip"'
    return response


def export_json(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = selectors.get_consultation(request.user, slug=slug)
    response = JsonResponse(
        interop.export_json(consultation, full=permissions.can_manage(request.user, consultation)),
        json_dumps_params={"indent": 1},
    )
    response["Content-Disposition"] = f'attachment; filename="{consultation.slug}.json"'
    return response


def report(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = selectors.get_consultation(request.user, slug=slug)
    return render(request, "consultations/report.html", interop.report_context(consultation))


def report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = selectors.get_consultation(request.user, slug=slug)
    response = HttpResponse(interop.report_pdf(consultation), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{consultation.slug}-report.pdf"'
    return response
