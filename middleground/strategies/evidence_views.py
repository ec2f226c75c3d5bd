"""Evidence pages: cite a source on a recommendation, and a citation's frozen figures beside
the live ones. Each view: parse, authorise, call one service, render."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from middleground.consultations import selectors as consultation_selectors
from middleground.core.errors import ServiceError
from middleground.core.forms import call_service

from . import evidence, permissions, selectors, versioning
from .models import EvidenceKind


class CiteForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of evidence"), choices=EvidenceKind.choices)
    # chosen from the radio list the page renders; the service checks it and names the field
    source_id = forms.CharField(label=gettext_lazy("Source"), required=False)
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=evidence.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Why this evidence supports the recommendation."),
    )


def _kind(value: str) -> str:
    return value if value in EvidenceKind.values else ""


@login_required
@require_http_methods(["GET", "POST"])
def cite(request: HttpRequest, slug: str, key: Any) -> HttpResponse:
    strategy = selectors.get_strategy(request.user, slug=slug)
    paragraph = evidence.get_paragraph(strategy, key)
    if not permissions.can_take_part(request.user, strategy):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    kind = _kind((data or request.GET).get("kind", ""))
    form = CiteForm(data, initial={"kind": kind or EvidenceKind.STATEMENT})
    if data is not None and form.is_valid():
        cited = call_service(
            form,
            lambda: evidence.cite(
                actor=request.user,
                strategy=strategy,
                paragraph=paragraph,
                kind=form.cleaned_data["kind"],
                source_id=form.cleaned_data["source_id"],
                note=form.cleaned_data["note"],
            ),
        )
        if cited:
            messages.success(request, _("Evidence cited; its figures are frozen."))
            return redirect("strategies:evidence", slug=strategy.slug, pk=cited.pk)
    context: dict[str, Any] = {
        "strategy": strategy,
        "paragraph": paragraph,
        "form": form,
        "kind": kind,
        "kinds": EvidenceKind.choices,
        "chosen": data.get("source_id", "") if data is not None else "",
        "existing": evidence.annotate(
            [
                {
                    "kind": e.kind,
                    "source_id": e.source_id,
                    "snapshot": e.snapshot,
                    "sha256": e.sha256,
                    "note": e.note,
                }
                for e in paragraph.evidence.all()
            ]
        ),
    }
    if kind == EvidenceKind.STATEMENT:
        context["consultations"] = evidence.statement_consultations(strategy)
        chosen = (data or request.GET).get("consultation", "")
        consultation = next((c for c in context["consultations"] if c.slug == chosen), None)
        if consultation is None and chosen:
            consultation = (
                consultation_selectors.consultations(evidence.ANONYMOUS).filter(slug=chosen).first()
            )
        if consultation is not None:
            context["consultation"] = consultation
            context["statements"] = evidence.statement_candidates(consultation)
    elif kind == EvidenceKind.DELPHI_ITEM:
        context["studies"] = evidence.delphi_candidates(strategy)
    elif kind == EvidenceKind.DOCUMENT:
        context["q"] = request.GET.get("q", "").strip()[:200]
        context["documents"] = evidence.document_candidates(context["q"])
    status = 400 if data is not None and form.errors else 200
    return render(request, "strategies/cite.html", context, status=status)


@require_http_methods(["GET", "POST"])
def evidence_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    strategy = selectors.get_strategy(request.user, slug=slug)
    cited = evidence.get_evidence(request.user, strategy, pk)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not evidence.can_uncite(request.user, strategy, cited):
            raise PermissionDenied
        try:
            evidence.uncite(actor=request.user, strategy=strategy, evidence=cited)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("strategies:evidence", slug=strategy.slug, pk=cited.pk)
        messages.success(request, _("The citation was removed; earlier versions keep it."))
        return redirect(strategy)
    item = {
        "kind": cited.kind,
        "source_id": cited.source_id,
        "snapshot": cited.snapshot,
        "sha256": cited.sha256,
        "note": cited.note,
    }
    annotated = evidence.annotate([item])[0]
    canonical = versioning.canonical_json(cited.snapshot)
    return render(
        request,
        "strategies/evidence_detail.html",
        {
            "strategy": strategy,
            "evidence": cited,
            "item": annotated,
            "snapshot": cited.snapshot,
            "canonical": canonical,
            "declared_rows": [
                {
                    "label": g.get("label", ""),
                    "rate": evidence.format_figure("share", g.get("agree_rate")),
                    "lower": evidence.format_figure("share", g.get("agree_lower")),
                }
                for g in cited.snapshot.get("declared_groups", [])
            ],
            "can_uncite": evidence.can_uncite(request.user, strategy, cited),
        },
    )
