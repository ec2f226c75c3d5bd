"""Permission-checked reads of the reform lab: the only way views and the API fetch
scenarios for a user.

Who may see and change what is in :mod:`.permissions`. 404 for what the user may not
see, PermissionDenied for what they may see but not change.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from middleground.core.errors import ServiceError
from middleground.network.models import Country

from . import permissions
from .models import Body, PowerResultCache, Scenario, ScenarioVisibility, Seat


def _listed(user: Any) -> Q:
    """Listed scenarios: built-in, published, the user's own (the secretariat: all). Those
    shared by link are visible (``permissions.can_view``) but not listed."""
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
    qs = Scenario.objects.filter(_listed(user)).select_related("body", "owner")
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
    if scenario is None or not permissions.can_view(user, scenario):
        raise Http404
    return scenario


def get_scenario_for_edit(user: Any, slug: str) -> Scenario:
    scenario = get_scenario(user, slug)
    if not permissions.can_edit(user, scenario):
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


def country_by_code(code: str, field: str = "members") -> Country:
    """A country by its ISO 3166 alpha-2 or alpha-3 code, or a ServiceError naming ``field``."""
    code = (code or "").strip().upper()
    country = (
        Country.objects.filter(code=code).first()
        if len(code) == 2
        else Country.objects.filter(alpha3=code).first()
    )
    if country is None:
        raise ServiceError(_("Unknown country code '%(code)s'.") % {"code": code}, field=field)
    return country


def body_by_slug(slug: str) -> Body:
    body = Body.objects.filter(slug=slug).first()
    if body is None:
        raise ServiceError(_("Unknown body '%(b)s'.") % {"b": slug}, field="body")
    return body
