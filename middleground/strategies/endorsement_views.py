"""Endorsement pages: the public breadth page, the answer form, opening and closing a call.

Each view: parse, authorise (``endorsing.get_strategy`` and ``permissions``), call one
service, render.
"""

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from middleground.accounts.http import SignedInRequest
from middleground.analysis.breadth import REGIONAL_GROUPS
from middleground.core import charts
from middleground.core.errors import ServiceError
from middleground.core.forms import call_service
from middleground.network.models import RegionalGroup

from . import endorsements as endorsing
from . import permissions
from .models import RESERVATION_MAX, BreadthKind, Position, Strategy


class EndorseForm(forms.Form):
    position = forms.ChoiceField(
        label=gettext_lazy("Your institution's position"),
        choices=Position.choices,
        widget=forms.RadioSelect,
    )
    reservation = forms.CharField(
        label=gettext_lazy("Reservation"),
        required=False,
        max_length=RESERVATION_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text=gettext_lazy(
            "Only with “Endorse with a reservation”: what your institution does not endorse, "
            "and why. It is published with your institution's name."
        ),
    )
    reservation_paragraphs = forms.CharField(
        label=gettext_lazy("Paragraphs the reservation concerns"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Optional: paragraph numbers separated by commas, e.g. 3, 4."),
    )

    def paragraph_numbers(self) -> list[str]:
        text = self.cleaned_data.get("reservation_paragraphs", "")
        return [p for p in re.split(r"[\s,;]+", text) if p]


class OpenCallForm(forms.Form):
    deadline = forms.DateTimeField(
        label=gettext_lazy("Deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text=gettext_lazy("Institutions can answer and change their answer until then."),
    )
    silence_procedure = forms.BooleanField(
        label=gettext_lazy("Silence procedure"),
        required=False,
        help_text=gettext_lazy(
            "The text is adopted unless an institution dissociates by the deadline (the "
            "breadth rule is then not applied)."
        ),
    )


def _group_label(code: str) -> str:
    try:
        return str(RegionalGroup(code).label)
    except ValueError:
        return code or _("No regional group")


def _rule_text(strategy: Strategy) -> str:
    groups = (
        _("UN regional groups")
        if strategy.breadth_kind == BreadthKind.REGIONAL_GROUPS
        else _("blocs")
    )
    k = strategy.breadth_min_per_group
    return ngettext(
        "at least %(k)d endorsing institution in each of at least %(m)d %(groups)s",
        "at least %(k)d endorsing institutions in each of at least %(m)d %(groups)s",
        k,
    ) % {"k": k, "m": strategy.breadth_min_groups, "groups": groups}


def _row(row: Any) -> dict[str, Any]:
    country = row.institution.country
    return {
        "row": row,
        "institution": row.institution,
        "country": country,
        "position": row.position,
        "label": row.get_position_display(),
        "symbol": endorsing.SYMBOLS.get(row.position, ""),
        "endorses": row.position in ("endorse", "endorse_with_reservation"),
    }


def _tables(strategy: Strategy, call: Any) -> dict[str, Any]:
    """The map-like table by regional group, the table by bloc, and the chart's data."""
    rows = [_row(r) for r in endorsing.current_positions(call)]
    by_group = endorsing.breadth_for(strategy, call, kind="regional_groups")
    by_bloc = endorsing.breadth_for(strategy, call, kind="blocs")
    rule = endorsing.breadth_for(strategy, call)
    regional = []
    for code in by_group.counts:
        members = [r for r in rows if (r["country"].regional_group if r["country"] else "") == code]
        countries: dict[str, dict[str, Any]] = {}
        for r in members:
            key = r["country"].code if r["country"] else ""
            countries.setdefault(key, {"country": r["country"], "rows": []})["rows"].append(r)
        regional.append(
            {
                "code": code,
                "label": _group_label(code),
                "count": by_group.counts[code],
                "meets": by_group.counts[code] >= strategy.breadth_min_per_group,
                "countries": list(countries.values()),
                "answered": len(members),
            }
        )
    blocs = []
    for code, count in by_bloc.counts.items():
        members = [
            r for r in rows if r["country"] and code in {b.code for b in r["country"].blocs.all()}
        ]
        blocs.append(
            {
                "code": code,
                "count": count,
                "meets": count >= strategy.breadth_min_per_group,
                "rows": members,
            }
        )
    labels = [_group_label(c) for c in REGIONAL_GROUPS]
    values = [by_group.counts[c] for c in REGIONAL_GROUPS]
    chart = charts.bar_chart(
        labels,
        [
            charts.dataset(_("Endorsing institutions"), values, 0),
            {
                "type": "line",
                "label": _("Needed per group"),
                "data": [strategy.breadth_min_per_group] * len(labels),
                "borderColor": charts.colour(1),
                "backgroundColor": charts.colour(1),
                "borderDash": [6, 4],
                "pointRadius": 0,
            },
        ],
        counts=True,
    )
    return {
        "rows": rows,
        "regional": regional,
        "blocs": blocs,
        "result": rule,
        "chart": chart,
        "chart_rows": list(zip(labels, values, strict=True)),
        "box_counts": [
            {"label": p.label, "symbol": endorsing.SYMBOLS[p], "n": rule.by_position[p]}
            for p in Position
        ],
    }


def _page_context(request: HttpRequest, strategy: Strategy, form: Any = None) -> dict[str, Any]:
    user = request.user
    call = endorsing.current_call(strategy)
    context: dict[str, Any] = {
        "strategy": strategy,
        "call": call,
        "rule_text": _rule_text(strategy),
        "can_lead": permissions.can_lead(user, strategy),
        "symbols": [(p.label, endorsing.SYMBOLS[p]) for p in Position],
    }
    if call is None:
        return context
    staff = user.is_authenticated and user.is_secretariat
    manage = staff or permissions.can_lead(user, strategy)
    institution = getattr(user, "institution", None) if user.is_authenticated else None
    mine = endorsing.my_position(call, user) if institution is not None else None
    may = endorsing.may_endorse(user, call)
    if may and form is None:
        initial = {}
        if mine is not None:
            initial = {
                "position": mine.position,
                "reservation": mine.reservation,
                "reservation_paragraphs": ", ".join(str(n) for n in mine.reservation_paragraphs),
            }
        form = EndorseForm(initial=initial)
    context.update(
        _tables(strategy, call),
        accepting=endorsing.accepting(call),
        history=list(endorsing.history(call)),
        show_people=staff,
        manage=manage,
        can_close=call.is_open and permissions.can_close_call(user),
        not_answered=list(endorsing.not_answered(call)) if manage else [],
        may_endorse=may,
        represents=institution if permissions.can_endorse(user, institution) else None,
        mine=mine,
        my_history=list(endorsing.history(call, institution)) if institution else [],
        form=form,
        paragraphs=len(list(_paragraph_numbers(call))),
        now=timezone.now(),
        # while answers may come, the page refreshes its breadth tables by itself
        live_seconds=_live_seconds() if endorsing.accepting(call) else 0,
    )
    return context


def _live_seconds() -> float:
    """How often an open call's endorsements page looks for new answers
    (settings.STRATEGIES_LIVE_SECONDS, 30 s by default)."""
    return float(getattr(settings, "STRATEGIES_LIVE_SECONDS", 30))


def _paragraph_numbers(call: Any) -> list[int]:
    from .versioning import paragraphs_of

    return [p["number"] for p in paragraphs_of(call.version.content)]


def endorsements(request: HttpRequest, slug: str) -> HttpResponse:
    """The public page (once the call is open): positions by group, breadth, history; the
    answer form for a representative; who has not answered, for the lead."""
    strategy = endorsing.get_strategy(request.user, slug=slug)
    return render(request, "strategies/endorsements.html", _page_context(request, strategy))


@login_required
@require_http_methods(["GET", "POST"])
def endorse(request: SignedInRequest, slug: str) -> HttpResponse:
    strategy = endorsing.get_strategy(request.user, slug=slug)
    call = endorsing.current_call(strategy)
    if call is None:
        raise Http404
    if not permissions.can_endorse(request.user, request.user.institution):
        raise PermissionDenied
    form = EndorseForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        row = call_service(
            form,
            lambda: endorsing.endorse(
                actor=request.user,
                strategy=strategy,
                position=form.cleaned_data["position"],
                reservation=form.cleaned_data["reservation"],
                reservation_paragraphs=form.paragraph_numbers(),
            ),
        )
        if row is not None:
            messages.success(
                request,
                _("Saved: %(institution)s — %(position)s. You can change it until the deadline.")
                % {"institution": row.institution.name, "position": row.get_position_display()},
            )
            return redirect("strategies:endorsements", strategy.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "strategies/endorse.html", _page_context(request, strategy, form), status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def open_call(request: SignedInRequest, slug: str) -> HttpResponse:
    strategy = endorsing.get_strategy(request.user, slug=slug)
    if not permissions.can_lead(request.user, strategy):
        raise PermissionDenied
    form = OpenCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        call = call_service(
            form,
            lambda: endorsing.open_call(
                actor=request.user,
                strategy=strategy,
                deadline=form.cleaned_data["deadline"],
                silence_procedure=form.cleaned_data["silence_procedure"],
            ),
        )
        if call is not None:
            messages.success(
                request,
                _("Version %(n)d is open for endorsement; every member institution was asked.")
                % {"n": call.version.number},
            )
            return redirect("strategies:endorsements", strategy.slug)
    return render(
        request,
        "strategies/endorse_open.html",
        {
            "strategy": strategy,
            "form": form,
            "rule_text": _rule_text(strategy),
            "version": strategy.latest_version(),
            "is_drafting": strategy.is_drafting,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def close_call(request: SignedInRequest, slug: str) -> HttpResponse:
    strategy = endorsing.get_strategy(request.user, slug=slug)
    if not permissions.can_close_call(request.user):
        raise PermissionDenied
    call = endorsing.current_call(strategy)
    if call is None:
        raise Http404
    try:
        call = endorsing.close_call(actor=request.user, call=call)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if call.adopted:
            messages.success(request, _("The call is closed: the strategy is adopted."))
        else:
            messages.success(request, _("The call is closed: the strategy is not adopted."))
    return redirect("strategies:endorsements", strategy.slug)
