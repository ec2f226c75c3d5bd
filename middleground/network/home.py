"""The home page: the network in numbers (its data is the network's)."""

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from middleground.core import charts
from middleground.network import selectors as network


def home(request: HttpRequest) -> HttpResponse:
    institutions = network.institutions(request.user)
    groups = list(
        institutions.values("country__regional_group").annotate(n=Count("id")).order_by("-n")
    )
    context = {
        "focus_areas": network.focus_areas(),
        "task_forces": network.task_forces()[:6],
        "institution_count": institutions.count(),
        "expert_count": network.experts(request.user).count(),
        "country_count": institutions.values("country").distinct().count(),
        "groups": groups,
        "chart": charts.bar_chart(
            [g["country__regional_group"] or "—" for g in groups],
            [charts.dataset(str(_("Institutions")), [g["n"] for g in groups])],
            legend=None,
        ),
    }
    return render(request, "network/home.html", context)
