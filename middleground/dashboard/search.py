"""One site search across the apps, read only through each app's selectors.

Every group starts from the selector that lists what ``user`` may see (a network-only
expert stays hidden from the public, a draft consultation or strategy from outsiders) and
only then narrows it to what matches the words. People are found by name, position and
short bio (their expertise) and by their focus areas, matched in the active language too,
so "water" finds the experts of "Water security".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from middleground.consultations import selectors as consultations
from middleground.delphi import selectors as delphi
from middleground.forum import selectors as forum
from middleground.library import selectors as library
from middleground.library.selectors import SearchParams
from middleground.network import selectors as network
from middleground.strategies import selectors as strategies

#: Results shown per group on the overview; "show all" lists the whole group.
GROUP_LIMIT = 5
#: The longest query taken (longer input is cut).
Q_MAX = 300


@dataclass
class Result:
    title: str
    url: str
    detail: str = ""


@dataclass
class Group:
    key: str
    label: Any
    count: int
    results: list[Result]
    #: Where the whole group is listed (this page filtered to the group, or the library).
    more_url: str = ""


@dataclass
class SiteSearch:
    q: str
    groups: list[Group] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups)


def matching_focus_areas(q: str) -> list[int]:
    """Ids of the focus areas whose name (stored or in the active language) or slug
    contains ``q``: the list is short, and translated names live in the catalogs."""
    needle = q.casefold()
    return [
        area.pk
        for area in network.focus_areas()
        if needle in area.name.casefold()
        or needle in gettext(area.name).casefold()
        or needle in area.slug.casefold()
    ]


def _narrow(visible: QuerySet[Any], match: Q) -> QuerySet[Any]:
    """``visible`` (an app selector's rows) limited to those matching ``match``: through a
    subquery of ids, so the selector's own joins and annotations are left as they are."""
    ids = visible.model._default_manager.filter(match).values("pk")
    return visible.filter(pk__in=ids)


def _words(q: str, *fields: str) -> Q:
    match = Q()
    for name in fields:
        match |= Q(**{f"{name}__icontains": q})
    return match


def _experts(user: Any, q: str, areas: list[int]) -> QuerySet[Any]:
    match = _words(q, "name", "title", "bio") | Q(focus_areas__in=areas)
    return _narrow(network.experts(user), match).order_by("name")


def _institutions(user: Any, q: str, areas: list[int]) -> QuerySet[Any]:
    match = (
        _words(q, "name", "description")
        | Q(acronym__iexact=q)
        | Q(focus_areas__in=areas)
        | Q(country__name__icontains=q)
    )
    return _narrow(network.institutions(user), match).order_by("name")


def _task_forces(user: Any, q: str, areas: list[int]) -> QuerySet[Any]:
    match = _words(q, "name", "mandate") | Q(focus_area__in=areas)
    return _narrow(network.task_forces(), match).order_by("name")


def _consultations(user: Any, q: str, areas: list[int]) -> QuerySet[Any]:
    match = _words(q, "title", "question") | Q(focus_areas__in=areas)
    return _narrow(consultations.consultations(user), match)


def _studies(user: Any, q: str, areas: list[int]) -> QuerySet[Any]:
    match = _words(q, "title", "question") | Q(focus_area__in=areas)
    return _narrow(delphi.studies(user), match).order_by("-pk")


def _strategies(user: Any, q: str, areas: list[int]) -> QuerySet[Any]:
    match = _words(q, "title", "summary") | Q(focus_area__in=areas)
    return _narrow(strategies.strategies(user), match).order_by("-pk")


def _events(user: Any, q: str, areas: list[int]) -> QuerySet[Any]:
    match = _words(q, "name", "theme", "description", "city") | Q(focus_areas__in=areas)
    return _narrow(forum.events(user), match).order_by("-starts_at")


def _detail_expert(e: Any) -> str:
    parts = [e.title, e.institution.name if e.institution_id else "", e.country.name]
    return " · ".join(str(p) for p in parts if p)


def _detail_institution(i: Any) -> str:
    return " · ".join(str(p) for p in (i.acronym, i.country.name) if p)


def _detail_status(obj: Any) -> str:
    return str(obj.get_status_display()) if hasattr(obj, "get_status_display") else ""


def _detail_event(e: Any) -> str:
    return " · ".join(p for p in (date_format(localtime(e.starts_at), "DATE_FORMAT"), e.city) if p)


#: key -> (label, finder(user, q, focus-area ids), detail of one row)
GROUPS: dict[str, tuple[Any, Callable[..., QuerySet[Any]], Callable[[Any], str]]] = {
    "experts": (_("Experts"), _experts, _detail_expert),
    "institutions": (_("Institutions"), _institutions, _detail_institution),
    "task_forces": (_("Task forces"), _task_forces, lambda t: str(t.focus_area)),
    "consultations": (_("Consultations"), _consultations, _detail_status),
    "studies": (_("Delphi studies"), _studies, _detail_status),
    "strategies": (_("Strategies"), _strategies, _detail_status),
    "events": (_("Forum events"), _events, _detail_event),
}


def clean_query(raw: str | None) -> str:
    return (raw or "").strip()[:Q_MAX]


def _page_url(q: str, group: str) -> str:
    return reverse("dashboard:search") + "?" + urlencode({"q": q, "group": group})


def group_queryset(user: Any, q: str, key: str) -> QuerySet[Any]:
    """Every row of one group that ``user`` may see and that matches ``q``."""
    _label, finder, _detail = GROUPS[key]
    return finder(user, q, matching_focus_areas(q))


def result_of(key: str, obj: Any) -> Result:
    detail = GROUPS[key][2]
    return Result(title=str(obj), url=obj.get_absolute_url(), detail=detail(obj))


def library_group(user: Any, q: str, *, limit: int = GROUP_LIMIT) -> Group:
    page = library.search(user, SearchParams(q=q), limit=limit, with_facets=False)
    results = [
        Result(
            title=hit.document.title,
            url=hit.document.get_absolute_url(),
            detail=date_format(hit.document.published) if hit.document.published else "",
        )
        for hit in page.hits
    ]
    return Group(
        key="library",
        label=_("Library"),
        count=page.count,
        results=results,
        more_url=reverse("library:index") + "?" + urlencode({"q": q}),
    )


def site_search(user: Any, q: str, *, limit: int = GROUP_LIMIT) -> SiteSearch:
    """Each group of what ``user`` may see matching ``q``: its count and first ``limit``
    results, with a link to all of them. An empty query finds nothing."""
    q = clean_query(q)
    found = SiteSearch(q=q)
    if not q:
        return found
    areas = matching_focus_areas(q)
    for key, (label, finder, _detail) in GROUPS.items():
        qs = finder(user, q, areas)
        count = qs.count()
        rows = [result_of(key, obj) for obj in qs[:limit]] if count else []
        found.groups.append(
            Group(
                key=key,
                label=label,
                count=count,
                results=rows,
                more_url=_page_url(q, key) if count > limit else "",
            )
        )
    found.groups.append(library_group(user, q, limit=limit))
    return found
