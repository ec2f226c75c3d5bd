from django.db.models import Count
from django.shortcuts import render
from django.utils.translation import gettext as _

from middleground.network import selectors as network


def home(request):
    institutions = network.institutions(request.user)
    context = {
        "focus_areas": network.focus_areas(),
        "task_forces": network.task_forces()[:6],
        "institution_count": institutions.count(),
        "expert_count": network.experts(request.user).count(),
        "country_count": institutions.values("country").distinct().count(),
        "groups": institutions.values("country__regional_group")
        .annotate(n=Count("id"))
        .order_by("-n"),
    }
    groups = list(context["groups"])
    context["groups"] = groups
    context["chart"] = {
        "type": "bar",
        "data": {
            "labels": [g["country__regional_group"] or "—" for g in groups],
            "datasets": [
                {
                    "label": str(_("Institutions")),
                    "data": [g["n"] for g in groups],
                    "backgroundColor": "#0b5f8a",
                }
            ],
        },
        "options": {"plugins": {"legend": {"display": False}}},
    }
    return render(request, "core/home.html", context)
