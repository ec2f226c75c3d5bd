"""Accountability pages. Each view: parse, authorise (selectors, permissions), call one
service, render. What a reader sees of a cycle is ``selectors.visible_cells``."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from middleground.analysis import compliance
from middleground.core import charts
from middleground.core.csv_export import csv_text
from middleground.core.errors import ServiceError
from middleground.core.forms import call_service
from middleground.network.models import Bloc, Country, FocusArea, RegionalGroup
from middleground.strategies.models import Strategy

from . import interop, jobs, permissions, report, selectors, services
from .forms import (
    AssignForm,
    CorrectForm,
    ImportUploadForm,
    OpenCycleForm,
    ReconcileForm,
    ReplyForm,
    ReviewForm,
    ScoreForm,
    SelfReportForm,
    parse_sources,
)
from .models import (
    Assignment,
    CellResult,
    CellStatus,
    Cycle,
    CycleStatus,
    ImportStatus,
    MemberKind,
    ReplyStatus,
)

FILTERS = ("country", "regional_group", "bloc", "focus_area")


def _done(form: Any, service: Callable[[], Any]) -> bool:
    """The form is valid and the service ran (a ServiceError is put beside its field)."""
    return bool(form.is_valid() and call_service(form, service) is not None)


def cycle_label(cycle: Cycle) -> str:
    label = _("%(kind)s cycle of %(date)s") % {
        "kind": cycle.get_kind_display(),
        "date": cycle.opened_at.date().isoformat(),
    }
    if cycle.revision:
        label += " · " + _("revision %(n)s") % {"n": cycle.revision}
    return label


def export_links(cycle: Cycle) -> dict[str, str]:
    base = f"/api/v1/compliance/cycles/{cycle.pk}"
    return {
        "csv": base + "/scores.csv",
        "json": base,
        "pdf": reverse("accountability:report", args=[cycle.pk]),
    }


def strategy_list(request: HttpRequest) -> HttpResponse:
    strategies = selectors.strategies_with_commitments(request.user)
    return render(
        request,
        "accountability/strategy_list.html",
        {"strategies": strategies, "can_manage": permissions.can_manage(request.user)},
    )


def _filter_choices() -> dict[str, Any]:
    return {
        "countries": Country.objects.order_by("name"),
        "groups": RegionalGroup.choices,
        "blocs": Bloc.objects.order_by("code"),
        "areas": FocusArea.objects.order_by("name"),
    }


def _trend_chart(user: Any, strategy: Strategy) -> dict[str, Any] | None:
    data = selectors.trend_series(user, strategy)
    if not data["cycles"]:
        return None
    labels = [cycle_label(c) for c in data["cycles"]]
    names = dict(data["names"], **{compliance.OVERALL: _("All members")})
    series = data["series"]
    keys = [compliance.OVERALL] + [k for k in series if k != compliance.OVERALL]
    # the legend gets short names (it is cut off on a phone); the table below has them whole
    datasets = [
        {
            "label": Truncator(str(names.get(k, k))).chars(36),
            "data": [a.percent for _c, a in series[k]],
        }
        for k in keys
    ]
    chart = charts.line_chart(
        labels,
        datasets,
        scales={"y": {"min": 0, "max": 100}},
        plugins={"legend": {"position": "bottom"}},
    )
    rows = [{"name": names.get(k, k), "values": [a for _c, a in series[k]]} for k in keys]
    return {"chart": chart, "labels": labels, "rows": rows}


def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = selectors.get_strategy(request.user, slug)
    visible = list(
        selectors.cycles(request.user, strategy_id=strategy.pk).order_by("-opened_at", "-pk")
    )
    cycle = None
    wanted = request.GET.get("cycle", "")
    if wanted.isdigit():
        cycle = next((c for c in visible if c.pk == int(wanted)), None)
        if cycle is None:
            raise selectors.Http404
    else:
        cycle = selectors.default_cycle(request.user, strategy)
    filters = {name: request.GET.get(name, "").strip() for name in FILTERS}
    context: dict[str, Any] = {
        "strategy": strategy,
        "cycles": [(c, cycle_label(c)) for c in visible],
        "cycle": cycle,
        "filters": filters,
        "filtered": any(filters.values()),
        "can_manage": permissions.can_manage(request.user),
        "has_commitments": strategy.commitments.exists(),
        "trend": _trend_chart(request.user, strategy),
        **_filter_choices(),
    }
    if cycle is not None:
        table = selectors.dashboard(request.user, cycle, filters)
        context.update(
            table=table,
            # the cells' links, built once (a reverse() per cell costs seconds at 10,000)
            cell_base=reverse("accountability:cell", args=[0]).removesuffix("0/"),
            in_review=cycle.status == CycleStatus.REVIEW,
            cycle_name=cycle_label(cycle),
            exports=export_links(cycle),
            rolled=selectors.rolled_up(cycle, table["cells"], summary=table["summary"]),
        )
    return render(request, "accountability/dashboard.html", context)


def member_detail(request: HttpRequest, kind: str, ident: str) -> HttpResponse:
    data = selectors.member_cells(request.user, kind, ident)
    bindings = []
    for entry in data["bindings"]:
        binding = entry["binding"]
        latest_report = entry["reports"][0] if entry["reports"] else None
        bindings.append(
            {
                **entry,
                "latest_report": latest_report,
                "can_report": permissions.can_self_report(request.user, binding),
                "cells": [
                    {"view": v, "label": cycle_label(v.cell.cycle), "reply": _reply_of(v.cell)}
                    for v in entry["cells"]
                ],
            }
        )
    return render(
        request,
        "accountability/member_detail.html",
        {
            "member": data["member"],
            "kind_label": MemberKind(data["member"].kind).label,
            "bindings": bindings,
        },
    )


def _reply_of(cell: CellResult) -> Any:
    return getattr(cell, "reply", None) if hasattr(cell, "reply") else None


def _cell_context(request: HttpRequest, cell: CellResult, **forms: Any) -> dict[str, Any]:
    user = request.user
    cycle = cell.cycle
    manage = permissions.can_manage(user)
    view = next(v for v in selectors.visible_cells(user, cycle) if v.cell.pk == cell.pk)
    commitment, member = cell.commitment, cell.member
    in_review = cycle.status == CycleStatus.REVIEW and permissions.speaks_for(user, member)
    if manage or cycle.is_final or in_review:
        assessments = selectors.assessments_of(user, cell)
    else:
        assessments = [
            a
            for a in selectors.own_assessments(user, cycle)
            if a.commitment_id == cell.commitment_id and a.member_id == cell.member_id
        ]
    slots = {
        a.assessor_id: a.slot for a in Assignment.objects.filter(cycle=cycle, commitment=commitment)
    }
    can_score = permissions.can_score(user, cycle, commitment)
    own = next((a for a in assessments if a.assessor_id == user.pk), None) if can_score else None
    if can_score and "score_form" not in forms:
        initial = (
            {
                "score": str(own.score),
                "justification": own.justification,
                "sources": "\n".join(str(s) for s in own.sources),
            }
            if own
            else None
        )
        forms["score_form"] = ScoreForm(initial=initial)
    can_reconcile = (
        manage
        and cycle.status == CycleStatus.DRAFT
        and cell.status in (CellStatus.DISAGREEMENT, CellStatus.RECONCILED)
    )
    if can_reconcile and "reconcile_form" not in forms:
        forms["reconcile_form"] = ReconcileForm()
    reply = _reply_of(cell)
    deadline_open = cycle.reply_deadline is None or timezone.now() <= cycle.reply_deadline
    can_reply = (
        cycle.status == CycleStatus.REVIEW
        and cell.reply_status != ReplyStatus.NONE
        and deadline_open
        and permissions.can_reply(user, member)
    )
    if can_reply and "reply_form" not in forms:
        initial = (
            {
                "accepts": "yes" if reply.accepts else "no",
                "text": reply.text,
                "evidence": "\n".join(str(s) for s in reply.evidence),
            }
            if reply
            else None
        )
        forms["reply_form"] = ReplyForm(initial=initial)
    # the agreed draft score stays hidden from assessors while they score independently
    show_draft = manage or cycle.status != CycleStatus.DRAFT
    *sources, evidence = selectors.sources_for(
        user, [*(a.sources for a in assessments), reply.evidence if reply else []]
    )
    return {
        "cell": cell,
        "view": view,
        "cycle": cycle,
        "cycle_name": cycle_label(cycle),
        "strategy": cycle.strategy,
        "commitment": commitment,
        "member": member,
        "assessments": [
            (a, slots.get(a.assessor_id), a_sources)
            for a, a_sources in zip(assessments, sources, strict=True)
        ],
        "evidence": evidence,
        "show_draft": show_draft,
        "reply": reply,
        "can_manage": manage,
        "can_finalise": manage and cycle.status == CycleStatus.REVIEW,
        **forms,
    }


def cell_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cell = selectors.get_cell(request.user, pk)
    return render(request, "accountability/cell_detail.html", _cell_context(request, cell))


def _post_cell(request: HttpRequest, pk: int) -> CellResult:
    return selectors.get_cell(request.user, pk)


@login_required
@require_POST
def cell_score(request: HttpRequest, pk: int) -> HttpResponse:
    cell = _post_cell(request, pk)
    if not permissions.can_score(request.user, cell.cycle, cell.commitment):
        raise PermissionDenied
    form = ScoreForm(request.POST)
    if _done(
        form,
        lambda: services.score(
            actor=request.user,
            cycle=cell.cycle,
            commitment=cell.commitment,
            member=cell.member,
            score=int(form.cleaned_data["score"]),
            justification=form.cleaned_data["justification"],
            sources=parse_sources(form.cleaned_data["sources"]),
        ),
    ):
        messages.success(request, _("Your score is saved."))
        return redirect("accountability:cell", pk=cell.pk)
    return render(
        request, "accountability/cell_detail.html", _cell_context(request, cell, score_form=form)
    )


@login_required
@require_POST
def cell_reconcile(request: HttpRequest, pk: int) -> HttpResponse:
    cell = _post_cell(request, pk)
    if not permissions.can_manage(request.user):
        raise PermissionDenied
    form = ReconcileForm(request.POST)
    if _done(
        form,
        lambda: services.reconcile(
            actor=request.user,
            cell=cell,
            score=int(form.cleaned_data["score"]),
            note=form.cleaned_data["note"],
        ),
    ):
        messages.success(request, _("The agreed score is saved."))
        return redirect("accountability:cell", pk=cell.pk)
    return render(
        request,
        "accountability/cell_detail.html",
        _cell_context(request, cell, reconcile_form=form),
    )


@login_required
@require_POST
def cell_reply(request: HttpRequest, pk: int) -> HttpResponse:
    cell = _post_cell(request, pk)
    if not permissions.can_reply(request.user, cell.member):
        raise PermissionDenied
    form = ReplyForm(request.POST)
    if _done(
        form,
        lambda: services.reply(
            actor=request.user,
            cell=cell,
            accepts=form.cleaned_data["accepts"] == "yes",
            text=form.cleaned_data["text"],
            evidence=parse_sources(form.cleaned_data["evidence"]),
        ),
    ):
        messages.success(request, _("Your reply is recorded."))
        return redirect("accountability:cell", pk=cell.pk)
    return render(
        request, "accountability/cell_detail.html", _cell_context(request, cell, reply_form=form)
    )


# --------------------------------------------------------------------------- secretariat


def io_links(strategy: Strategy) -> dict[str, str]:
    """The strategy's round-trip export and import: the API (``io_api``) and the page."""
    base = f"/api/v1/compliance/strategies/{strategy.pk}"
    return {
        "csv": f"{base}/export.csv",
        "json": f"{base}/export.json",
        "import": f"{base}/import",
        "upload": reverse("accountability:import_upload", args=[strategy.slug]),
    }


def _manage_strategy(request: HttpRequest, slug: str) -> Strategy:
    strategy = selectors.get_strategy(request.user, slug)
    if not permissions.can_manage(request.user):
        raise PermissionDenied
    return strategy


@login_required
def commitment_list(request: HttpRequest, slug: str, open_form: Any = None) -> HttpResponse:
    strategy = _manage_strategy(request, slug)
    cycles = list(
        selectors.cycles(request.user, strategy_id=strategy.pk).order_by("-opened_at", "-pk")
    )
    return render(
        request,
        "accountability/commitment_list.html",
        {
            "strategy": strategy,
            "commitments": selectors.commitments(request.user, strategy_id=strategy.pk),
            "cycles": [(c, cycle_label(c)) for c in cycles],
            "open_form": open_form or OpenCycleForm(),
            # one cycle at a time (services.open_cycle): say so rather than offer the form
            "in_progress": next((c for c in cycles if c.status != CycleStatus.FINAL), None),
            "io": io_links(strategy),
        },
    )


@login_required
@require_POST
def commitments_from_strategy(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _manage_strategy(request, slug)
    try:
        made = services.commitments_from_strategy(actor=request.user, strategy=strategy)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(n)s commitments created from the recommendations.") % {"n": len(made)}
        )
    return redirect("accountability:commitments", slug=strategy.slug)


@login_required
@require_POST
def cycle_open(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _manage_strategy(request, slug)
    form = OpenCycleForm(request.POST)
    cycle = None
    if form.is_valid():
        cycle = call_service(
            form,
            lambda: services.open_cycle(
                actor=request.user,
                strategy=strategy,
                kind=form.cleaned_data["kind"],
                roll_up=form.cleaned_data["roll_up"],
                simulated=form.cleaned_data["simulated"],
            ),
        )
    if cycle is not None:
        messages.success(request, _("Cycle opened. Assign the assessors."))
        return redirect("accountability:cycle", pk=cycle.pk)
    return commitment_list(request, slug, open_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload an export (CSV or JSON) into the strategy: checked whole, stored at once when
    small, else in the background (``interop.start_import``); either way, on to its page."""
    strategy = _manage_strategy(request, slug)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        fmt, content = form.cleaned_data["file"]
        try:
            rows = interop.parse(content, fmt=fmt)
            job = interop.start_import(actor=request.user, strategy=strategy, rows=rows)
        except ServiceError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("accountability:import_job", pk=job.pk)
    recent = interop.recent_import_jobs(request.user, strategy)
    return render(
        request,
        "accountability/import_upload.html",
        {
            "strategy": strategy,
            "form": form,
            "recent": recent,
            "large": interop.LARGE_IMPORT,
            "io": io_links(strategy),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


#: seconds between two looks at a running import
IMPORT_POLL_SECONDS = 2


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """An import's progress (polled while it runs), then its counts or its full report."""
    job = interop.get_import_job(request.user, pk)
    running = job.status in (ImportStatus.PENDING, ImportStatus.RUNNING)
    context = {
        "job": job,
        "strategy": job.strategy,
        "running": running,
        "poll_seconds": IMPORT_POLL_SECONDS,
        "summary": sorted(
            job.summary.items(),
            key=lambda kv: jobs.RECORDS.index(kv[0]) if kv[0] in jobs.RECORDS else 99,
        ),
        "max_reported": jobs.MAX_REPORTED,
        "percent": round(100 * job.rows_done / job.total_rows) if job.total_rows else 0,
    }
    if request.headers.get("HX-Request") == "true":
        response = render(
            request, "accountability/partials/import_progress.html", {**context, "oob": True}
        )
    else:
        response = render(request, "accountability/import_job.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A rejected import's report as CSV (row, column, problem), to fix the file by."""
    job = interop.get_import_job(request.user, pk)
    rows = [(e.get("row") or "", e.get("field") or "", e.get("message") or "") for e in job.errors]
    response = HttpResponse(
        csv_text(rows, header=["row", "column", "problem"]), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    return response


def _finalise_rows(cycle: Cycle, data: Any = None) -> list[dict[str, Any]]:
    replied = cycle.cells.filter(reply_status=ReplyStatus.REPLIED).select_related(
        "commitment", "member__institution", "member__country", "reply"
    )
    return [
        {
            "cell": c,
            "label": services.cell_label(c),
            "score": (data or {}).get(f"score_{c.pk}", ""),
            "note": (data or {}).get(f"note_{c.pk}", ""),
        }
        for c in replied
    ]


def _own_cells(user: Any, cycle: Cycle, views: list[selectors.CellView]) -> list[Any]:
    """The cells ``user`` may score: ``permissions.can_score`` asked once per commitment."""
    allowed: dict[int, bool] = {}
    out = []
    for v in views:
        if v.cell.commitment_id not in allowed:
            allowed[v.cell.commitment_id] = permissions.can_score(user, cycle, v.cell.commitment)
        if allowed[v.cell.commitment_id]:
            out.append(v)
    return out


def _cycle_context(request: HttpRequest, cycle: Cycle, **forms: Any) -> dict[str, Any]:
    user = request.user
    manage = permissions.can_manage(user)
    commitments = list(cycle.strategy.commitments.order_by("position", "pk"))
    views = selectors.visible_cells(user, cycle)
    context: dict[str, Any] = {
        "cycle": cycle,
        "cycle_name": cycle_label(cycle),
        "strategy": cycle.strategy,
        "can_manage": manage,
        "cells": views,
        "exports": export_links(cycle),
        "assignments": Assignment.objects.filter(cycle=cycle).select_related(
            "commitment", "assessor"
        ),
        "own_cells": _own_cells(user, cycle, views),
    }
    if manage:
        context["agreement"] = selectors.assessor_agreement(cycle)
        if cycle.status == CycleStatus.DRAFT:
            context["assign_form"] = forms.get("assign_form") or AssignForm(commitments=commitments)
            context["review_form"] = forms.get("review_form") or ReviewForm()
        if cycle.status == CycleStatus.REVIEW:
            context["finalise_rows"] = forms.get("finalise_rows") or _finalise_rows(cycle)
            context["finalise_error"] = forms.get("finalise_error")
        if cycle.is_final and not cycle.revisions.exists():
            cells = [
                (c.pk, services.cell_label(c))
                for c in cycle.cells.select_related(
                    "commitment", "member__institution", "member__country"
                )
            ]
            context["correct_form"] = forms.get("correct_form") or CorrectForm(cells=cells)
    return context


def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, pk)
    return render(request, "accountability/cycle_detail.html", _cycle_context(request, cycle))


@login_required
@require_POST
def cycle_assign(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = selectors.get_cycle_for_manage(request.user, pk)
    commitments = list(cycle.strategy.commitments.order_by("position", "pk"))
    form = AssignForm(request.POST, commitments=commitments)
    if _done(
        form,
        lambda: services.assign(
            actor=request.user,
            cycle=cycle,
            commitment=next(c for c in commitments if str(c.pk) == form.cleaned_data["commitment"]),
            assessor=form.cleaned_data["assessor"],
            slot=int(form.cleaned_data["slot"]),
        ),
    ):
        messages.success(request, _("Assessor assigned."))
        return redirect("accountability:cycle", pk=cycle.pk)
    return render(
        request,
        "accountability/cycle_detail.html",
        _cycle_context(request, cycle, assign_form=form),
    )


@login_required
@require_POST
def cycle_review(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = selectors.get_cycle_for_manage(request.user, pk)
    form = ReviewForm(request.POST)
    if _done(
        form,
        lambda: services.send_for_review(
            actor=request.user, cycle=cycle, reply_deadline=form.cleaned_data["reply_deadline"]
        ),
    ):
        messages.success(request, _("The draft scores are sent to the members for reply."))
        return redirect("accountability:cycle", pk=cycle.pk)
    return render(
        request,
        "accountability/cycle_detail.html",
        _cycle_context(request, cycle, review_form=form),
    )


@login_required
@require_POST
def cycle_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = selectors.get_cycle_for_manage(request.user, pk)
    rows = _finalise_rows(cycle, request.POST)
    overrides = {}
    for row in rows:
        if row["score"] != "" or row["note"].strip():
            value = row["score"]
            score = int(value) if value.lstrip("-").isdigit() else value
            overrides[row["cell"].pk] = (score, row["note"])
    try:
        services.finalise(actor=request.user, cycle=cycle, overrides=overrides)
    except ServiceError as exc:
        return render(
            request,
            "accountability/cycle_detail.html",
            _cycle_context(request, cycle, finalise_rows=rows, finalise_error=exc.message),
        )
    messages.success(request, _("The cycle is final and its record is frozen."))
    return redirect("accountability:cycle", pk=cycle.pk)


@login_required
@require_POST
def cycle_correct(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = selectors.get_cycle_for_manage(request.user, pk)
    cells = [
        (c.pk, services.cell_label(c))
        for c in cycle.cells.select_related("commitment", "member__institution", "member__country")
    ]
    form = CorrectForm(request.POST, cells=cells)
    revision = None
    if form.is_valid():
        data = form.cleaned_data
        revision = call_service(
            form,
            lambda: services.correct(
                actor=request.user,
                cycle=cycle,
                changes={data["cell"]: (int(data["score"]), data["cell_note"])},
                note=data["note"],
            ),
        )
    if revision is not None:
        messages.success(request, _("Revision %(n)s published.") % {"n": revision.revision})
        return redirect("accountability:cycle", pk=revision.pk)
    return render(
        request,
        "accountability/cycle_detail.html",
        _cycle_context(request, cycle, correct_form=form),
    )


def cycle_report(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, pk)
    response = HttpResponse(
        report.cycle_report(request.user, cycle), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'inline; filename="compliance-{cycle.strategy.slug}-{cycle.pk}.pdf"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def self_report(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    commitment = selectors.get_commitment(request.user, pk)
    member = selectors.get_member(request.user, commitment, member_pk)
    if not permissions.can_self_report(request.user, member):
        raise PermissionDenied
    form = SelfReportForm(request.POST or None)
    if request.method == "POST" and _done(
        form,
        lambda: services.self_report(
            actor=request.user,
            commitment=commitment,
            member=member,
            status=form.cleaned_data["status"],
            text=form.cleaned_data["text"],
            evidence=parse_sources(form.cleaned_data["evidence"]),
        ),
    ):
        messages.success(request, _("Your report is published."))
        return redirect("accountability:member", kind=member.kind, ident=member.member_id)
    return render(
        request,
        "accountability/self_report.html",
        {"form": form, "commitment": commitment, "member": member, "strategy": commitment.strategy},
    )
