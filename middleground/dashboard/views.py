"""The home page (what is happening, and the network in numbers) and "My page".

Both read every app only through its selectors, so each shows a person exactly what
that app lets them see; nothing here writes.
"""

import textwrap
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from middleground.accounts.http import SignedInRequest
from middleground.consultations import selectors as consultations
from middleground.core import charts
from middleground.delphi import selectors as delphi
from middleground.delphi.models import StudyStatus
from middleground.library import selectors as library
from middleground.network import selectors as network
from middleground.network.models import RegionalGroup
from middleground.notifications import selectors as notifications

from . import search as site

#: How many items each "happening now" list shows on the home page.
HOME_LIST = 4
#: How many items each list of "My page" shows.
MY_LIST = 20

#: What a person may follow: Follow.target_type -> (label, the app's visible objects by ids).
FOLLOWABLE: dict[str, tuple[Any, Any]] = {
    "consultations.consultation": (
        gettext_lazy("Consultation"),
        lambda user, ids: consultations.consultations(user).filter(pk__in=ids),
    ),
    "delphi.study": (
        gettext_lazy("Delphi panel"),
        lambda user, ids: delphi.studies(user).filter(pk__in=ids),
    ),
    "network.taskforce": (
        gettext_lazy("Task force"),
        lambda user, ids: network.task_forces().filter(pk__in=ids),
    ),
}


#: task forces shown on the home page; a "See all" link leads to the others
HOME_TASK_FORCES = 6


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    institutions = network.institutions(user)
    counts = institutions.values("country__regional_group").annotate(n=Count("id")).order_by("-n")
    names = dict(RegionalGroup.choices)
    # each group by its name in the reader's language, not its code ("APG")
    groups = [
        {
            "name": str(names.get(code, code)) if code else str(_("None")),
            "n": row["n"],
        }
        for row in counts
        for code in [row["country__regional_group"]]
    ]
    chart = charts.bar_chart(
        # a long name on several lines (Chart.js draws a list as lines), so a phone shows it
        [textwrap.wrap(str(g["name"]), 18) for g in groups],
        [charts.dataset(str(_("Institutions")), [g["n"] for g in groups])],
        horizontal=True,  # the groups' full names read across, not tilted
        counts=True,
        legend=None,
    )
    # every group's name, none skipped for room (the table beside says the same)
    chart["options"]["scales"]["y"] = {"ticks": {"autoSkip": False}}
    context = {
        "open_consultations": list(consultations.consultations(user, status="open")[:HOME_LIST]),
        "running_panels": list(delphi.studies(user, status=StudyStatus.RUNNING)[:HOME_LIST]),
        "latest_documents": library.latest_documents(user, limit=HOME_LIST),
        "focus_areas": network.focus_areas(),
        "task_forces": network.task_forces()[:HOME_TASK_FORCES],
        "task_force_count": network.task_forces().count(),
        "institution_count": institutions.count(),
        "expert_count": network.experts(user).count(),
        "country_count": institutions.values("country").distinct().count(),
        "groups": groups,
        "chart": chart,
    }
    return render(request, "dashboard/home.html", context)


def followed(user: Any) -> list[dict[str, Any]]:
    """What the person follows that they may still see, with its name and link (one query
    per kind of thing followed, never one per thing)."""
    by_type: dict[str, dict[str, Any]] = {}
    for follow in notifications.follows_for(user):
        by_type.setdefault(follow.target_type, {})[follow.target_id] = follow
    rows = []
    for target_type, follows in by_type.items():
        if target_type not in FOLLOWABLE:
            continue
        label, visible = FOLLOWABLE[target_type]
        ids = [int(i) for i in follows if i.isdigit()]
        for obj in visible(user, ids):
            follow = follows[str(obj.pk)]
            rows.append(
                {
                    "kind": label,
                    "name": str(obj),
                    "url": obj.get_absolute_url(),
                    "frequency": follow.get_frequency_display() if follow.frequency else "",
                }
            )
    return sorted(rows, key=lambda r: (str(r["kind"]), r["name"].lower()))


@login_required
def me(request: SignedInRequest) -> HttpResponse:
    user = request.user
    context = {
        "rounds": list(delphi.rounds_to_answer(user)[:MY_LIST]),
        "invitations": list(consultations.invitations_waiting(user)[:MY_LIST]),
        "actions": list(
            notifications.notifications_for(user)
            .filter(action_required=True, done_at__isnull=True)
            .select_related("institution")[:MY_LIST]
        ),
        "institution": user.institution if user.institution_id else None,
        "followed": followed(user),
        "participations": list(consultations.participations_of(user)[:5]),
        "panels": list(delphi.panels_of(user)[:5]),
    }
    return render(request, "dashboard/me.html", context)


#: Rows a page of one search group lists ("show all").
SEARCH_PAGE = 50


def search(request: HttpRequest) -> HttpResponse:
    """The site search of the header: every group with counts and links, or one group in
    full (``?group=experts``); each app's selectors decide what this person sees."""
    user: Any = request.user
    q = site.clean_query(request.GET.get("q"))
    key = request.GET.get("group", "")
    context: dict[str, Any] = {"q": q}
    if q and key in site.GROUPS:
        label = site.GROUPS[key][0]
        page = Paginator(site.group_queryset(user, q, key), SEARCH_PAGE).get_page(
            request.GET.get("page")
        )
        context.update(
            group_label=label,
            group_key=key,
            page=page,
            query=urlencode({"q": q, "group": key}),
            results=[site.result_of(key, obj) for obj in page.object_list],
        )
    else:
        context["found"] = site.site_search(user, q)
    return render(request, "dashboard/search.html", context)
