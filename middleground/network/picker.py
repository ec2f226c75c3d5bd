"""The expert picker: the directory filtered by focus area, country, regional group and
institution, with a count beside each value of a filter given the other filters.

Reads only: ``selectors.pick_experts`` gives it the experts the actor may see, so a
network-only profile is neither offered nor counted for someone outside the network. The
counts come from one aggregate query per filter (four in all), never one per value.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, Q, QuerySet

from .models import Country, Expert, FocusArea, RegionalGroup

#: the most experts one page lists; the count says how many more the filters match
PICK_LIMIT = 200
FACETS = ("focus_area", "regional_group", "country", "institution")
_GROUP_BY = {
    "focus_area": "focus_areas__slug",
    "regional_group": "country__regional_group",
    "country": "country_id",
    "institution": "institution_id",
}


@dataclass(frozen=True)
class PickFilters:
    """The picker's filters as given (a GET form or an API query); bad values count as none."""

    focus_area: str = ""
    country: str = ""
    regional_group: str = ""
    institution: str = ""
    q: str = ""

    @classmethod
    def from_values(cls, **values: Any) -> "PickFilters":
        """Clean what a query string gave: unknown regional groups and non-numeric
        institution ids are dropped, a country code is upper-cased."""
        text = {k: str(values.get(k) or "").strip() for k in (*FACETS, "q")}
        if text["regional_group"] not in RegionalGroup.values:
            text["regional_group"] = ""
        if not text["institution"].isdigit() or len(text["institution"]) > 12:
            text["institution"] = ""
        text["country"] = text["country"].upper()[:2]
        text["q"] = text["q"][:200]
        text["focus_area"] = text["focus_area"][:60]
        return cls(**text)

    def without(self, name: str) -> "PickFilters":
        return replace(self, **{name: ""})

    @property
    def is_empty(self) -> bool:
        return not any((self.focus_area, self.country, self.regional_group, self.institution))


@dataclass(frozen=True)
class Option:
    """One value of a filter: what the form sends, what it shows, how many experts it has."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass
class ExpertPick:
    """What the picker shows: the experts (at most ``PICK_LIMIT``), how many match, and for
    each filter its values with their counts."""

    filters: PickFilters
    experts: list[Expert]
    total: int
    facets: dict[str, list[Option]] = field(default_factory=dict)
    #: the ticked experts (ids the actor may see), kept while the filters change
    picked: frozenset[int] = frozenset()
    #: the ticked experts that the current filters do not show
    picked_elsewhere: list[Expert] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.experts)


def text_match(q: str) -> Q:
    """What a search box over experts matches, in the directory and the picker alike: the
    name, position and biography, the institution's name, or its acronym exactly."""
    return (
        Q(name__icontains=q)
        | Q(title__icontains=q)
        | Q(bio__icontains=q)
        | Q(institution__name__icontains=q)
        | Q(institution__acronym__iexact=q)
    )


def apply(qs: QuerySet[Expert], filters: PickFilters) -> QuerySet[Expert]:
    """``qs`` narrowed by every filter that is set."""
    if filters.q:
        qs = qs.filter(text_match(filters.q))
    if filters.focus_area:
        qs = qs.filter(focus_areas__slug=filters.focus_area)
    if filters.country:
        qs = qs.filter(country_id=filters.country)
    if filters.regional_group:
        qs = qs.filter(country__regional_group=filters.regional_group)
    if filters.institution:
        qs = qs.filter(institution_id=int(filters.institution))
    return qs


def pick(
    visible: QuerySet[Expert],
    filters: PickFilters,
    *,
    limit: int = PICK_LIMIT,
    picked: Iterable[int] = (),
) -> ExpertPick:
    """The experts of ``visible`` that match ``filters``, with the facet counts.

    Each filter's counts apply all the *other* filters, so a value's count is how many
    experts choosing it would show. ``picked`` are the ids ticked before the filters
    changed: those the actor may see stay ticked, shown or not.
    """
    ids = visible.values("pk")
    matching = apply(Expert.objects.filter(pk__in=ids), filters)
    experts = list(matching.select_related("country", "institution").order_by("name", "pk")[:limit])
    chosen = Expert.objects.filter(pk__in=ids).filter(pk__in=list(picked)[:PICK_LIMIT])
    shown = {e.pk for e in experts}
    elsewhere = [
        e
        for e in chosen.select_related("country", "institution").order_by("name", "pk")
        if e.pk not in shown
    ]
    picked_ids = frozenset(e.pk for e in elsewhere) | (shown & set(picked))
    total = len(experts) if len(experts) < limit else matching.count()
    counts: dict[str, dict[Any, int]] = {}
    institution_names: dict[Any, str] = {}
    for name in FACETS:
        key = _GROUP_BY[name]
        scope = apply(Expert.objects.filter(pk__in=ids), filters.without(name))
        columns = (key, "institution__name") if name == "institution" else (key,)
        rows = scope.order_by().values(*columns).annotate(n=Count("pk", distinct=True))
        counts[name] = {}
        for row in rows:
            if row[key] in (None, ""):
                continue
            counts[name][row[key]] = row["n"]
            if name == "institution":
                institution_names[row[key]] = row["institution__name"]
    facets = {
        "focus_area": _options(
            counts["focus_area"],
            filters.focus_area,
            _focus_area_labels(set(counts["focus_area"]) | {filters.focus_area}),
        ),
        "regional_group": _options(
            counts["regional_group"], filters.regional_group, dict(RegionalGroup.choices)
        ),
        "country": _options(
            counts["country"],
            filters.country,
            _country_labels(set(counts["country"]) | {filters.country}),
        ),
        "institution": _options(
            {str(k): v for k, v in counts["institution"].items()},
            filters.institution,
            {str(k): v for k, v in institution_names.items()},
        ),
    }
    return ExpertPick(
        filters=filters,
        experts=experts,
        total=total,
        facets=facets,
        picked=picked_ids,
        picked_elsewhere=elsewhere,
    )


def _options(counts: dict[Any, int], selected: str, labels: dict[Any, Any]) -> list[Option]:
    values = set(counts)
    if selected and selected in labels:
        values.add(selected)  # a chosen value stays in the list even when nothing matches it
    options = [
        Option(
            value=str(v),
            label=str(labels.get(v, v)),
            count=counts.get(v, 0),
            selected=str(v) == selected,
        )
        for v in values
    ]
    return sorted(options, key=lambda o: o.label.casefold())


def _focus_area_labels(slugs: Iterable[str]) -> dict[str, str]:
    return {
        a.slug: a.display_name for a in FocusArea.objects.filter(slug__in=[s for s in slugs if s])
    }


def _country_labels(codes: Iterable[str]) -> dict[str, str]:
    return {
        c.code: c.display_name for c in Country.objects.filter(code__in=[c for c in codes if c])
    }


@dataclass(frozen=True)
class PickRow:
    expert: Expert
    unavailable: str
    checked: bool


QUERY_KEYS = (*FACETS, "q")
#: the name of the ticked boxes; the filter form sends them along so ticks survive a filter
PICKED_KEY = "experts"


def query_values(query: Any) -> dict[str, Any]:
    """The picker's filters and ticked ids from a request's ``GET``."""
    values: dict[str, Any] = {key: query.get(key, "") for key in QUERY_KEYS}
    ticked = query.getlist(PICKED_KEY)[:PICK_LIMIT] if hasattr(query, "getlist") else []
    values["picked"] = [int(v) for v in ticked if v.isdigit() and len(v) <= 12]
    return values


def picker_context(
    pick: ExpertPick,
    *,
    query: Any,
    path: str,
    submit: str,
    unavailable: dict[int, str] | None = None,
) -> dict[str, Any]:
    """The context ``network/includes/expert_picker.html`` expects, for the page at ``path``
    read with ``query`` (its ``GET``). ``unavailable`` maps an expert's id to why they cannot
    be picked here (already a member, no account)."""
    unavailable = unavailable or {}
    select_all = bool(query.get("select_all"))
    rows = [
        PickRow(
            expert=e,
            unavailable=unavailable.get(e.pk, ""),
            checked=e.pk not in unavailable and (select_all or e.pk in pick.picked),
        )
        for e in pick.experts
    ]
    kept = query.copy()
    for key in ("select_all", PICKED_KEY):
        kept.pop(key, None)
    action = path + (f"?{kept.urlencode()}" if kept else "")
    return {"pick": pick, "picker_rows": rows, "picker_action": action, "picker_submit": submit}
