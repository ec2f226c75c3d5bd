"""Reform lab pages. Each view: parse, authorise through selectors, call one service,
render (reports.py turns results into tables and charts)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from middleground.core.errors import ServiceError
from middleground.core.forms import call_service

from . import exports, permissions, reports, selectors, services
from .forms import BuilderForm, CompareForm, IndexForm, ScenarioMetaForm
from .models import PowerResultCache, Scenario, ScenarioVisibility

DEFAULT_COMPARISON = ["unsc-today", "unsc-g4", "unsc-ufc", "unsc-ezulwini"]


def _charts(report: reports.Report) -> dict[str, Any]:
    if not report.ready:
        return {}
    return {
        "members_chart": reports.members_chart(report),
        "groups_chart": reports.shares_chart(report.groups) if report.groups else None,
        "blocs_chart": reports.shares_chart(report.blocs, label="code") if report.blocs else None,
    }


def index(request: HttpRequest) -> HttpResponse:
    listed = list(selectors.scenarios(request.user))
    bodies = []
    for body in selectors.bodies():
        own = [s for s in listed if s.body_id == body.pk]
        bodies.append(
            {
                "body": body,
                "builtin": [s for s in own if s.builtin],
                "custom": [s for s in own if not s.builtin],
            }
        )
    return render(
        request,
        "reformlab/index.html",
        {
            "bodies": bodies,
            "mine": [
                s for s in listed if request.user.is_authenticated and s.owner_id == request.user.pk
            ],
            "source_note": reports.SOURCE_NOTE,
        },
    )


def _scenario_result(scenario: Scenario) -> tuple[PowerResultCache | None, str]:
    try:
        return services.compute_scenario(scenario=scenario), ""
    except ServiceError as error:
        return None, error.message


def scenario_detail(request: HttpRequest, slug: str) -> HttpResponse:
    scenario = selectors.get_scenario(request.user, slug)
    index_form = IndexForm(request.GET or None)
    row, error = _scenario_result(scenario)
    report = (
        reports.scenario_report(scenario, row, index_form.value())
        if row is not None
        else reports.Report(status="failed", error=error)
    )
    context = {
        "scenario": scenario,
        "report": report,
        "index_form": index_form,
        "can_edit": permissions.can_edit(request.user, scenario),
        "results_url": request.get_full_path(),
        "index_labels": reports.INDEX_LABELS,
        "source_note": reports.SOURCE_NOTE,
        **_charts(report),
    }
    if request.headers.get("HX-Request"):
        return render(request, "reformlab/partials/results.html", context)
    return render(request, "reformlab/scenario_detail.html", context)


def scenario_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    scenario = selectors.get_scenario(request.user, slug)
    row, error = _scenario_result(scenario)
    if row is None:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    report = reports.scenario_report(scenario, row, IndexForm(request.GET or None).value())
    if not report.ready:
        return HttpResponse(
            _("The result is still being computed; try again in a moment."),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    filename = f"reformlab-{scenario.slug}"
    if fmt == "csv":
        response = HttpResponse(exports.report_csv(report), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        response = HttpResponse(
            exports.dumps(exports.report_json(scenario, report, row.result or {})),
            content_type="application/json",
        )
    elif fmt == "pdf":
        response = HttpResponse(
            exports.report_pdf(scenario, report), content_type="application/pdf"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _comparison(
    request: HttpRequest,
) -> tuple[CompareForm, reports.Comparison, list[tuple[Scenario, str]], str]:
    available = list(selectors.scenarios(request.user))
    listed = {s.slug for s in available}
    # scenarios shared by link are not listed but may be compared by whoever has the link
    available += [
        s
        for s in selectors.get_scenarios(request.user, request.GET.getlist("s"))
        if s.slug not in listed
    ]
    form = CompareForm(request.GET or None, scenarios=available)
    slugs = DEFAULT_COMPARISON
    share_index = "shapley_shubik"
    if form.is_valid():
        slugs = form.cleaned_data["s"] or DEFAULT_COMPARISON
        share_index = form.cleaned_data.get("index") or share_index
    else:
        form = CompareForm(initial={"s": DEFAULT_COMPARISON}, scenarios=available)
    chosen = selectors.get_scenarios(request.user, slugs)
    rows, failed = [], []
    for scenario in chosen:
        row, error = _scenario_result(scenario)
        if row is None:
            failed.append((scenario, error))
        else:
            rows.append((scenario, row))
    comparison = reports.compare([s for s, _ in rows], [r for _, r in rows], share_index)
    return form, comparison, failed, share_index


def compare(request: HttpRequest) -> HttpResponse:
    form, comparison, failed, share_index = _comparison(request)
    return render(
        request,
        "reformlab/compare.html",
        {
            "form": form,
            "comparison": comparison,
            "failed": failed,
            "chart": reports.comparison_chart(comparison) if comparison.groups else None,
            "share_index": share_index,
            "source_note": reports.SOURCE_NOTE,
        },
    )


def _builder(
    request: HttpRequest, *, base: Scenario, scenario: Scenario | None = None
) -> HttpResponse:
    """The builder page: recompute on every change (htmx fragment), save on submit."""
    form = BuilderForm(request.POST or None, base=base, user=request.user)
    report, seats_error = None, ""
    if request.method == "POST" and form.is_valid():
        state = form.state()
        if request.POST.get("action") == "save":
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            saved = call_service(
                form,
                lambda: services.save_builder_scenario(
                    actor=request.user,
                    base=base,
                    state=state,
                    visibility=form.cleaned_data["visibility"],
                    description=form.cleaned_data.get("description") or "",
                    scenario=scenario,
                ),
            )
            if saved is not None:
                messages.success(request, _("Scenario saved."))
                return redirect(saved)
        preview = call_service(form, lambda: services.preview_builder(base=base, state=state))
        if preview is not None:
            rows, preview_row = preview
            report = reports.build_report(reports.Seating(rows, base.data_year), preview_row)
    elif request.method == "GET":
        base_row, seats_error = _scenario_result(base)
        if base_row is not None:
            report = reports.scenario_report(base, base_row, "shapley_shubik")
    context = {
        "form": form,
        "base": base,
        "scenario": scenario,
        "report": report,
        "error": seats_error,
        "index_labels": reports.INDEX_LABELS,
        "source_note": reports.SOURCE_NOTE,
        **(_charts(report) if report is not None else {}),
    }
    if request.headers.get("HX-Request"):
        return render(request, "reformlab/partials/builder_results.html", context)
    return render(request, "reformlab/builder.html", context)


@require_http_methods(["GET", "POST"])
def builder(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("base") or request.POST.get("base") or "unsc-today"
    base = selectors.get_scenario(request.user, slug)
    if not base.is_seat_council:
        messages.error(
            request,
            _("The builder edits councils with one vote per seat; use the API for this rule."),
        )
        return redirect(base)
    return _builder(request, base=base)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_edit(request: HttpRequest, slug: str) -> HttpResponse:
    scenario = selectors.get_scenario_for_edit(request.user, slug)
    if scenario.is_seat_council:
        return _builder(request, base=scenario, scenario=scenario)
    form = ScenarioMetaForm(
        request.POST or None,
        user=request.user,
        initial={
            "name": scenario.name,
            "description": scenario.description,
            "visibility": scenario.visibility,
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.save_api_scenario(
                actor=request.user, data=dict(form.cleaned_data), scenario=scenario
            ),
        )
        if saved is not None:
            messages.success(request, _("Scenario saved."))
            return redirect(saved)
    return render(request, "reformlab/scenario_form.html", {"form": form, "scenario": scenario})


@login_required
@require_POST
def scenario_delete(request: HttpRequest, slug: str) -> HttpResponse:
    scenario = selectors.get_scenario_for_edit(request.user, slug)
    try:
        services.delete_scenario(actor=request.user, scenario=scenario)
    except ServiceError as error:
        raise PermissionDenied(error.message) from error
    messages.success(request, _("Scenario deleted."))
    return redirect("reformlab:index")


@login_required
@require_POST
def scenario_publish(request: HttpRequest, slug: str) -> HttpResponse:
    scenario = selectors.get_scenario(request.user, slug)
    if not permissions.can_publish(request.user) or scenario.builtin:
        raise PermissionDenied
    publish = request.POST.get("publish", "1") != "0"
    services.publish_scenario(actor=request.user, scenario=scenario, publish=publish)
    messages.success(
        request,
        _("Scenario published.")
        if scenario.visibility == ScenarioVisibility.PUBLIC
        else _("Scenario withdrawn; it stays shared by link."),
    )
    return redirect(scenario)


def compare_export(request: HttpRequest) -> HttpResponse:
    _form, comparison, _failed, _index = _comparison(request)
    response = HttpResponse(
        exports.comparison_csv(comparison), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="reformlab-comparison.csv"'
    return response
