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

    @property
    def truncated(self) -> bool:
        return self.total > len(self.experts)


def apply(qs: QuerySet[Expert], filters: PickFilters) -> QuerySet[Expert]:
    """``qs`` narrowed by every filter that is set."""
    if filters.q:
        qs = qs.filter(
            Q(name__icontains=filters.q)
            | Q(title__icontains=filters.q)
            | Q(institution__name__icontains=filters.q)
            | Q(institution__acronym__iexact=filters.q)
        )
    if filters.focus_area:
        qs = qs.filter(focus_areas__slug=filters.focus_area)
    if filters.country:
        qs = qs.filter(country_id=filters.country)
    if filters.regional_group:
        qs = qs.filter(country__regional_group=filters.regional_group)
    if filters.institution:
        qs = qs.filter(institution_id=int(filters.institution))
    return qs


def pick(visible: QuerySet[Expert], filters: PickFilters, *, limit: int = PICK_LIMIT) -> ExpertPick:
    """The experts of ``visible`` that match ``filters``, with the facet counts.

    Each filter's counts apply all the *other* filters, so a value's count is how many
    experts choosing it would show.
    """
    ids = visible.values("pk")
    matching = apply(Expert.objects.filter(pk__in=ids), filters)
    experts = list(matching.select_related("country", "institution").order_by("name", "pk")[:limit])
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
    return ExpertPick(filters=filters, experts=experts, total=total, facets=facets)


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


def query_values(query: Any) -> dict[str, Any]:
    """The picker's filters from a request's ``GET``."""
    return {key: query.get(key, "") for key in QUERY_KEYS}


def picker_context(
    pick: ExpertPick,
    *,
    action: str,
    submit: str,
    unavailable: dict[int, str] | None = None,
    select_all: bool = False,
) -> dict[str, Any]:
    """The context ``network/includes/expert_picker.html`` expects. ``unavailable`` maps an
    expert's id to why they cannot be picked here (already a member, no account)."""
    unavailable = unavailable or {}
    rows = [
        PickRow(
            expert=e,
            unavailable=unavailable.get(e.pk, ""),
            checked=select_all and e.pk not in unavailable,
        )
        for e in pick.experts
    ]
    return {"pick": pick, "picker_rows": rows, "picker_action": action, "picker_submit": submit}
