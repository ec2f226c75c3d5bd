"""Permission-checked reads of the registry: the only way views and the API fetch objects.

``user`` is a signed-in ``User`` or the anonymous visitor.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from middleground.core.errors import ServiceError

from . import permissions, picker
from .models import (
    Bloc,
    Country,
    Expert,
    FocusArea,
    Institution,
    MembershipApplication,
    TaskForce,
    Visibility,
)


@dataclass(frozen=True)
class RegistryFilters:
    """Filters shared by pages and API: text, country, regional group, bloc, focus area."""

    q: str = ""
    country: str = ""
    regional_group: str = ""
    bloc: str = ""
    focus_area: str = ""
    kind: str = ""
    region: str = ""
    language: str = ""


def countries(filters: RegistryFilters = RegistryFilters()) -> QuerySet[Country]:
    qs = Country.objects.prefetch_related("blocs")
    if filters.q:
        qs = qs.filter(
            Q(name__icontains=filters.q) | Q(code__iexact=filters.q) | Q(alpha3__iexact=filters.q)
        )
    if filters.regional_group:
        qs = qs.filter(regional_group=filters.regional_group)
    if filters.bloc:
        qs = qs.filter(blocs__code=filters.bloc)
    if filters.region:
        qs = qs.filter(m49_region=filters.region)
    return qs.distinct()


def get_country(code: str) -> Country:
    country = Country.objects.prefetch_related("blocs").filter(code=code.upper()).first()
    if country is None:
        raise Http404
    return country


def blocs() -> QuerySet[Bloc]:
    return Bloc.objects.annotate(member_count=Count("countries"))


def institutions(user: Any, filters: RegistryFilters = RegistryFilters()) -> QuerySet[Institution]:
    """Member institutions for everyone; applicants only for the secretariat."""
    qs = Institution.objects.select_related("country").prefetch_related("focus_areas")
    if not (user.is_authenticated and user.is_secretariat):
        qs = qs.filter(is_member=True)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(acronym__iexact=filters.q))
    if filters.country:
        qs = qs.filter(country_id=filters.country.upper())
    if filters.regional_group:
        qs = qs.filter(country__regional_group=filters.regional_group)
    if filters.bloc:
        qs = qs.filter(country__blocs__code=filters.bloc)
    if filters.focus_area:
        qs = qs.filter(focus_areas__slug=filters.focus_area)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.region:
        qs = qs.filter(country__m49_region=filters.region)
    return qs.distinct()


def get_institution(user: Any, *, slug: str | None = None, pk: int | None = None) -> Institution:
    lookup = {"slug": slug} if slug is not None else {"pk": pk}
    institution = institutions(user).filter(**lookup).first()
    if institution is None:
        raise Http404
    return institution


def get_institution_for_edit(user: Any, **lookup: Any) -> Institution:
    institution = get_institution(user, **lookup)
    if not permissions.can_edit_institution(user, institution):
        raise PermissionDenied
    return institution


def experts(user: Any, filters: RegistryFilters = RegistryFilters()) -> QuerySet[Expert]:
    """Public profiles for everyone; network-only profiles for members of the network."""
    qs = Expert.objects.select_related("country", "institution").prefetch_related("focus_areas")
    if not (user.is_authenticated and user.is_network_member):
        qs = qs.filter(visibility=Visibility.PUBLIC)
    if filters.q:
        qs = qs.filter(picker.text_match(filters.q))
    if filters.country:
        qs = qs.filter(country_id=filters.country.upper())
    if filters.regional_group:
        qs = qs.filter(country__regional_group=filters.regional_group)
    if filters.bloc:
        qs = qs.filter(country__blocs__code=filters.bloc)
    if filters.focus_area:
        qs = qs.filter(focus_areas__slug=filters.focus_area)
    if filters.region:
        qs = qs.filter(country__m49_region=filters.region)
    if filters.language:
        # JSON containment is not portable to SQLite; the list is short, so match the quoted code.
        qs = qs.filter(languages__icontains=f'"{filters.language.lower()}"')
    return qs.distinct()


def get_expert(user: Any, *, slug: str | None = None, pk: int | None = None) -> Expert:
    lookup = {"slug": slug} if slug is not None else {"pk": pk}
    expert = experts(user).filter(**lookup).first()
    if expert is None:
        raise Http404
    return expert


def get_expert_for_edit(user: Any, **lookup: Any) -> Expert:
    expert = get_expert(user, **lookup)
    if not permissions.can_edit_expert(user, expert):
        raise PermissionDenied
    return expert


def focus_areas() -> QuerySet[FocusArea]:
    return FocusArea.objects.annotate(
        expert_count=Count("experts", distinct=True),
        institution_count=Count("institutions", distinct=True),
    )


def get_focus_area(slug: str) -> FocusArea:
    area = FocusArea.objects.filter(slug=slug).first()
    if area is None:
        raise Http404
    return area


def task_forces(filters: RegistryFilters = RegistryFilters()) -> QuerySet[TaskForce]:
    qs = TaskForce.objects.select_related("focus_area", "chair", "chair__country").prefetch_related(
        "members"
    )
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(mandate__icontains=filters.q))
    if filters.focus_area:
        qs = qs.filter(focus_area__slug=filters.focus_area)
    return qs


def get_task_force(*, slug: str | None = None, pk: int | None = None) -> TaskForce:
    lookup = {"slug": slug} if slug is not None else {"pk": pk}
    task_force = task_forces().filter(**lookup).first()
    if task_force is None:
        raise Http404
    return task_force


def applications(user: Any) -> QuerySet[MembershipApplication]:
    if not (user.is_authenticated and user.is_secretariat):
        raise PermissionDenied
    return MembershipApplication.objects.select_related(
        "institution", "institution__country", "submitted_by"
    )


def get_application(user: Any, pk: int) -> MembershipApplication:
    application = applications(user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def directory_search(user: Any, q: str, limit: int = 20) -> dict[str, list]:
    """Search by name across institutions, experts, countries and task forces."""
    q = q.strip()
    if not q:
        return {"institutions": [], "experts": [], "countries": [], "task_forces": []}
    filters = RegistryFilters(q=q)
    return {
        "institutions": list(institutions(user, filters)[:limit]),
        "experts": list(experts(user, filters)[:limit]),
        "countries": list(countries(filters)[:limit]),
        "task_forces": list(task_forces(filters)[:limit]),
    }


def pick_experts(
    actor: Any,
    *,
    focus_area: str = "",
    country: str = "",
    regional_group: str = "",
    institution: str | int = "",
    q: str = "",
    limit: int = picker.PICK_LIMIT,
    picked: Iterable[int] = (),
) -> picker.ExpertPick:
    """The expert picker: the experts ``actor`` may see that match the filters, and for each
    filter (focus area, regional group, country, institution) its values with how many
    experts each would show given the other filters. Network-only profiles stay out for
    people outside the network, in the list and in the counts."""
    filters = picker.PickFilters.from_values(
        focus_area=focus_area,
        country=country,
        regional_group=regional_group,
        institution=institution,
        q=q,
    )
    return picker.pick(experts(actor), filters, limit=limit, picked=picked)


#: the most experts one call may name (a page shows at most ``picker.PICK_LIMIT``)
MAX_PICKED = 500


def visible_experts_by_id(
    actor: Any, ids: Iterable[Any], *, field: str = "experts"
) -> list[Expert]:
    """The experts with these ids, in the order given (each once), if ``actor`` may see
    every one.

    An id that does not exist and one of a profile hidden from ``actor`` are refused with
    the same message, so the answer tells nothing about profiles one may not see."""
    ids = list(ids)
    if len(ids) > MAX_PICKED:
        raise ServiceError(
            _("Pick at most %(n)s experts at once.") % {"n": MAX_PICKED}, field=field
        )
    wanted: list[int] = []
    for raw in ids:
        pk = int(raw) if str(raw).isdigit() and len(str(raw)) < 11 else -1
        if not 0 < pk < 2**31:
            raise ServiceError(_("No expert %(id)s in the directory.") % {"id": raw}, field=field)
        if pk not in wanted:
            wanted.append(pk)
    found = {e.pk: e for e in experts(actor).filter(pk__in=wanted).select_related("user")}
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise ServiceError(
            _("No expert %(id)s in the directory.") % {"id": ", ".join(missing)}, field=field
        )
    return [found[pk] for pk in wanted]
