"""Permission-checked reads of the reform lab: the only way views and the API fetch
scenarios for a user.

Built-in and published scenarios are visible to everyone; a scenario shared by link to
anyone who has its (unguessable) address; a private one to its owner and the
secretariat. 404 for what the user may not see, PermissionDenied for what they may see
but not change.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from .models import Body, PowerResultCache, Scenario, ScenarioVisibility, Seat


def _visible(user: Any) -> Q:
    listed = Q(builtin=True) | Q(visibility=ScenarioVisibility.PUBLIC)
    if not user.is_authenticated:
        return listed
    if user.is_secretariat:
        return Q()
    return listed | Q(owner_id=user.pk)


def bodies() -> QuerySet[Body]:
    return Body.objects.all()


def scenarios(user: Any, *, body: str = "", q: str = "", mine: bool = False) -> QuerySet[Scenario]:
    """Listed scenarios: built-in, published, the user's own (the secretariat: all)."""
    qs = Scenario.objects.filter(_visible(user)).select_related("body", "owner")
    if body:
        qs = qs.filter(body__slug=body)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    if mine:
        qs = qs.filter(owner_id=user.pk) if user.is_authenticated else qs.none()
    return qs


def _with_seats(qs: QuerySet[Scenario]) -> QuerySet[Scenario]:
    return qs.select_related("body", "owner", "based_on").prefetch_related(
        Prefetch("seats", queryset=Seat.objects.select_related("country"))
    )


def get_scenario(user: Any, slug: str) -> Scenario:
    scenario = _with_seats(Scenario.objects.filter(slug=slug)).first()
    if scenario is None:
        raise Http404
    if scenario.builtin or scenario.visibility != ScenarioVisibility.PRIVATE:
        return scenario
    if user.is_authenticated and (user.is_secretariat or scenario.owner_id == user.pk):
        return scenario
    raise Http404


def get_scenario_for_edit(user: Any, slug: str) -> Scenario:
    scenario = get_scenario(user, slug)
    if scenario.builtin or not user.is_authenticated:
        raise PermissionDenied
    if not (user.is_secretariat or scenario.owner_id == user.pk):
        raise PermissionDenied
    return scenario


def get_scenarios(user: Any, slugs: list[str]) -> list[Scenario]:
    """Scenarios by slug, in the order asked, skipping those the user may not see."""
    found = []
    for slug in dict.fromkeys(slugs):
        try:
            found.append(get_scenario(user, slug))
        except Http404:
            continue
    return found


def get_result(key: str) -> PowerResultCache:
    row = PowerResultCache.objects.filter(key=key).first()
    if row is None:
        raise Http404
    return row
