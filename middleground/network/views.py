"""Registry pages. Each view: parse, authorise through selectors, call one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from middleground.accounts.http import SignedInRequest
from middleground.accounts.models import Role
from middleground.core.errors import ServiceError
from middleground.core.forms import call_service

from . import permissions, picker, selectors, services
from .forms import ApplicationForm, ExpertForm, InstitutionForm, RegistryFilterForm
from .selectors import RegistryFilters

PAGE_SIZE = 30


def _filters(request: HttpRequest, fields) -> tuple[RegistryFilterForm, RegistryFilters]:
    form = RegistryFilterForm(request.GET or None, fields=fields)
    values = form.cleaned_data if form.is_valid() else {}
    return form, RegistryFilters(**{k: v for k, v in values.items() if v})


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _list(request: HttpRequest, *, template, queryset_fn, fields, title):
    form, filters = _filters(request, fields)
    page = _page(request, queryset_fn(filters))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter_form": form, "page": page, "title": title, "query": query.urlencode()}
    if request.headers.get("HX-Request"):
        template = template.replace(".html", "_results.html")
    return render(request, template, context)


def country_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        template="network/country_list.html",
        queryset_fn=selectors.countries,
        fields=("q", "regional_group", "bloc", "region"),
        title=_("Countries"),
    )


def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    country = selectors.get_country(code)
    filters = RegistryFilters(country=country.code)
    return render(
        request,
        "network/country_detail.html",
        {
            "country": country,
            "institutions": selectors.institutions(request.user, filters),
            "experts": selectors.experts(request.user, filters),
        },
    )


def institution_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        template="network/institution_list.html",
        queryset_fn=lambda f: selectors.institutions(request.user, f),
        fields=("q", "country", "regional_group", "bloc", "focus_area"),
        title=_("Institutions"),
    )


def institution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    institution = selectors.get_institution(request.user, slug=slug)
    return render(
        request,
        "network/institution_detail.html",
        {
            "institution": institution,
            "experts": selectors.experts(request.user, RegistryFilters()).filter(
                institution=institution
            ),
            "can_edit": permissions.can_edit_institution(request.user, institution),
            "can_add_expert": permissions.can_add_expert(request.user, institution),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def institution_create(request: SignedInRequest) -> HttpResponse:
    if not request.user.is_secretariat:
        raise PermissionDenied
    form = InstitutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data, verified=True)
        institution = call_service(
            form, lambda: services.create_institution(actor=request.user, data=data)
        )
        if institution:
            messages.success(
                request, _("The institution %(name)s is saved.") % {"name": institution.name}
            )
            return redirect(institution)
    return render(request, "network/form.html", {"form": form, "title": _("New institution")})


@login_required
@require_http_methods(["GET", "POST"])
def institution_edit(request: SignedInRequest, slug: str) -> HttpResponse:
    institution = selectors.get_institution_for_edit(request.user, slug=slug)
    form = InstitutionForm(
        request.POST or None,
        initial=InstitutionForm.initial_from(institution),
        institution=institution,
    )
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.update_institution(
                actor=request.user, institution=institution, data=form.cleaned_data
            ),
        )
        if saved:
            messages.success(
                request, _("Your changes to %(name)s are saved.") % {"name": saved.name}
            )
            return redirect(saved)
    return render(
        request,
        "network/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": institution.name}},
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: SignedInRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        motivation = data.pop("motivation")
        application = call_service(
            form,
            lambda: services.apply_for_membership(
                actor=request.user, data=data, motivation=motivation
            ),
        )
        if application:
            return render(request, "network/application_sent.html", {"application": application})
    return render(
        request,
        "network/form.html",
        {
            "form": form,
            "title": _("Apply for membership"),
            "intro": _("The secretariat reviews every application."),
        },
    )


@login_required
def application_list(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "network/application_list.html",
        {"applications": selectors.applications(request.user)},
    )


@login_required
@require_POST
def application_decide(request: SignedInRequest, pk: int) -> HttpResponse:
    application = selectors.get_application(request.user, pk)
    try:
        services.decide_application(
            actor=request.user,
            application=application,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("network:applications")


def expert_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        template="network/expert_list.html",
        queryset_fn=lambda f: selectors.experts(request.user, f),
        fields=("q", "focus_area", "regional_group", "region", "country", "bloc"),
        title=_("Experts"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def expert_create(request: SignedInRequest) -> HttpResponse:
    if not (request.user.is_secretariat or request.user.role == Role.REPRESENTATIVE):
        raise PermissionDenied
    # ?institution=<id>: "Add an expert" on an institution's page picks it in advance
    form = ExpertForm(
        request.POST or None, initial={"institution": request.GET.get("institution", "")}
    ).with_institution_choice(request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.service_data(), institution=int(form.cleaned_data["institution"]))
        expert = call_service(form, lambda: services.create_expert(actor=request.user, data=data))
        if expert:
            messages.success(
                request, _("The expert profile of %(name)s is saved.") % {"name": expert.name}
            )
            return redirect(expert)
    return render(request, "network/form.html", {"form": form, "title": _("New expert profile")})


def expert_detail(request: HttpRequest, slug: str) -> HttpResponse:
    expert = selectors.get_expert(request.user, slug=slug)
    return render(
        request,
        "network/expert_detail.html",
        {"expert": expert, "can_edit": permissions.can_edit_expert(request.user, expert)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def expert_edit(request: SignedInRequest, slug: str) -> HttpResponse:
    expert = selectors.get_expert_for_edit(request.user, slug=slug)
    initial = {
        "name": expert.name,
        "title": expert.title,
        "country": expert.country_id,
        "languages": ", ".join(expert.languages),
        "bio": expert.bio,
        "visibility": expert.visibility,
        "focus_areas": [f.slug for f in expert.focus_areas.all()],
    }
    form = ExpertForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.update_expert(
                actor=request.user, expert=expert, data=form.service_data()
            ),
        )
        if saved:
            messages.success(
                request, _("Your changes to %(name)s are saved.") % {"name": saved.name}
            )
            return redirect(saved)
    return render(
        request,
        "network/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": expert.name}},
    )


def focus_area_list(request: HttpRequest) -> HttpResponse:
    return render(request, "network/focus_area_list.html", {"focus_areas": selectors.focus_areas()})


def focus_area_detail(request: HttpRequest, slug: str) -> HttpResponse:
    area = selectors.get_focus_area(slug)
    filters = RegistryFilters(focus_area=area.slug)
    return render(
        request,
        "network/focus_area_detail.html",
        {
            "area": area,
            "institutions": selectors.institutions(request.user, filters),
            "experts": selectors.experts(request.user, filters),
            "task_forces": selectors.task_forces(filters),
        },
    )


def task_force_list(request: HttpRequest) -> HttpResponse:
    return render(request, "network/task_force_list.html", {"task_forces": selectors.task_forces()})


def task_force_detail(request: HttpRequest, slug: str) -> HttpResponse:
    task_force = selectors.get_task_force(slug=slug)
    return render(
        request,
        "network/task_force_detail.html",
        {
            "task_force": task_force,
            "experts": selectors.experts(request.user).filter(task_forces=task_force),
            "can_edit": permissions.can_edit_task_force(request.user, task_force),
        },
    )


def directory(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    results = selectors.directory_search(request.user, q)
    template = (
        "network/directory_results.html"
        if request.headers.get("HX-Request")
        else "network/directory.html"
    )
    return render(
        request, template, {"q": q, "results": results, "has_results": any(results.values())}
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_force_members(request: SignedInRequest, slug: str) -> HttpResponse:
    """The task force's expert members: pick more from the directory, or remove one."""
    task_force = selectors.get_task_force(slug=slug)
    if not permissions.can_edit_task_force(request.user, task_force):
        raise PermissionDenied
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                expert = selectors.visible_experts_by_id(request.user, [request.POST["remove"]])[0]
                services.remove_task_force_expert(
                    actor=request.user, task_force=task_force, expert=expert
                )
                messages.success(
                    request, _("%(name)s left the task force.") % {"name": expert.name}
                )
            else:
                added = services.add_task_force_experts(
                    actor=request.user,
                    task_force=task_force,
                    expert_ids=request.POST.getlist("experts"),
                )
                n = len(added)
                messages.success(
                    request, ngettext("%(n)d expert added.", "%(n)d experts added.", n) % {"n": n}
                )
            return redirect(request.get_full_path())
        except ServiceError as exc:
            messages.error(request, exc.message)
    members = selectors.experts(request.user).filter(task_forces=task_force)
    pick = selectors.pick_experts(request.user, **picker.query_values(request.GET))
    present = set(task_force.experts.values_list("pk", flat=True))
    context = picker.picker_context(
        pick,
        query=request.GET,
        path=request.path,
        submit=_("Add the selected experts to the task force"),
        unavailable={e.pk: _("a member") for e in pick.experts if e.pk in present},
    )
    return render(
        request,
        "network/task_force_members.html",
        {"task_force": task_force, "members": members, **context},
    )
