"""Permission-checked reads of commitments and compliance cycles.

404 for what the user may not see; PermissionDenied for what they may see but not change.

What each reader sees of a cycle (``visible_cells``):

* a final cycle: every cell and its final score, for whoever may read the strategy;
* the secretariat: every cell and its draft score at every step;
* in draft, an assessor sees only the cells of the commitments assigned to them, each with
  *their own* score — never the other assessor's, nor the agreed draft score, nor whether
  the two agree, so the two assess independently;
* in review, assessors see every cell's draft score; the member concerned only its own cells.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from middleground.accounts.models import Role
from middleground.analysis import compliance
from middleground.strategies.models import Strategy
from middleground.strategies.permissions import visible_q

from .models import (
    Assessment,
    Assignment,
    CellResult,
    CellStatus,
    Commitment,
    CommitmentMember,
    Cycle,
    CycleStatus,
    RollUp,
)
from .permissions import can_manage, can_view_cycle, is_assessor, speaks_for


def _strategies(user: Any) -> QuerySet[Strategy]:
    return Strategy.objects.filter(visible_q(user))


def commitments(user: Any, *, strategy_id: int | None = None) -> QuerySet[Commitment]:
    """Commitments of the strategies the user may read, in their order."""
    qs = Commitment.objects.filter(strategy__in=_strategies(user).values("pk"))
    if strategy_id is not None:
        qs = qs.filter(strategy_id=strategy_id)
    return (
        qs.select_related("strategy", "focus_area")
        .prefetch_related("members__institution", "members__country")
        .order_by("strategy_id", "position", "pk")
    )


def get_commitment(user: Any, pk: int) -> Commitment:
    commitment = commitments(user).filter(pk=pk).first()
    if commitment is None:
        raise Http404
    return commitment


def get_member(user: Any, commitment: Commitment, pk: int) -> CommitmentMember:
    member = commitment.members.select_related("institution", "country").filter(pk=pk).first()
    if member is None:
        raise Http404
    return member


def get_strategy_for_manage(user: Any, pk: int) -> Strategy:
    strategy = _strategies(user).filter(pk=pk).first()
    if strategy is None:
        raise Http404
    if not can_manage(user):
        raise PermissionDenied
    return strategy


def _spoken_for_q(user: Any, prefix: str) -> Q | None:
    """Members ``user`` speaks for, as a filter on ``<prefix>institution`` / ``country``."""
    if not user.is_authenticated or user.role != Role.REPRESENTATIVE or not user.institution_id:
        return None
    q = Q(**{f"{prefix}institution_id": user.institution_id})
    institution = user.institution
    if institution.is_member:
        q |= Q(**{f"{prefix}country_id": institution.country_id})
    return q


def cycles(user: Any, *, strategy_id: int | None = None) -> QuerySet[Cycle]:
    """``permissions.can_view_cycle`` in SQL."""
    qs = Cycle.objects.filter(strategy__in=_strategies(user).values("pk"))
    if not can_manage(user):
        visible = Q(status=CycleStatus.FINAL)
        if user.is_authenticated:
            visible |= Q(pk__in=Assignment.objects.filter(assessor=user).values("cycle_id"))
            spoken = _spoken_for_q(user, "")
            if spoken is not None:
                strategies = CommitmentMember.objects.filter(spoken).values(
                    "commitment__strategy_id"
                )
                visible |= Q(status=CycleStatus.REVIEW, strategy_id__in=strategies)
        qs = qs.filter(visible)
    if strategy_id is not None:
        qs = qs.filter(strategy_id=strategy_id)
    return qs.select_related("strategy").order_by("strategy_id", "opened_at", "pk")


def get_cycle(user: Any, pk: int) -> Cycle:
    cycle = cycles(user).filter(pk=pk).first()
    if cycle is None:
        raise Http404
    return cycle


def get_cycle_for_manage(user: Any, pk: int) -> Cycle:
    cycle = get_cycle(user, pk)
    if not can_manage(user):
        raise PermissionDenied
    return cycle


def get_cycle_for_scoring(user: Any, pk: int) -> Cycle:
    cycle = get_cycle(user, pk)
    if not (can_manage(user) or is_assessor(user, cycle)):
        raise PermissionDenied
    return cycle


@dataclass(frozen=True)
class CellView:
    """A cell as one reader may see it: ``score`` is the final, the draft or the reader's own
    score (see the module docstring)."""

    cell: CellResult
    score: int | None
    status: str
    reply_status: str


class Related:
    """The commitments and members of a strategy (with their focus areas, institutions and
    countries), loaded once and shared by every cell that refers to them: one query per
    table instead of a copy of each related row per cell. Pass one ``Related`` to several
    reads of the same strategy's cycles to load them only once."""

    def __init__(self, strategy_id: int):
        from middleground.network.models import Country, Institution

        self.strategy_id = strategy_id
        self.commitments: dict[int, Commitment] = {
            c.pk: c
            for c in Commitment.objects.filter(strategy_id=strategy_id).select_related("focus_area")
        }
        members = list(CommitmentMember.objects.filter(commitment__strategy_id=strategy_id))
        institutions = Institution.objects.select_related("country").in_bulk(
            {m.institution_id for m in members if m.institution_id is not None}
        )
        countries = Country.objects.in_bulk(
            {m.country_id for m in members if m.country_id is not None}
        )
        for m in members:
            _set(m, "commitment", self.commitments[m.commitment_id])
            _set(m, "institution", institutions.get(m.institution_id))
            _set(m, "country", countries.get(m.country_id))
        self.members: dict[int, CommitmentMember] = {m.pk: m for m in members}

    def attach(self, cells: list[CellResult]) -> list[CellResult]:
        for c in cells:
            _set(c, "commitment", self.commitments[c.commitment_id])
            _set(c, "member", self.members[c.member_id])
        return cells


def _set(obj: Any, name: str, value: Any) -> None:
    """Fill the cache of the foreign key ``name`` (as ``select_related`` would)."""
    obj._meta.get_field(name).set_cached_value(obj, value)


def _related(cycle: Cycle, related: Related | None) -> Related:
    if related is None or related.strategy_id != cycle.strategy_id:
        return Related(cycle.strategy_id)
    return related


def _cells(cycle: Cycle, related: Related | None = None) -> list[CellResult]:
    """The cycle's cells in matrix order, each with its commitment (and focus area) and
    member (and institution with its country, or country)."""
    cells = list(cycle.cells.order_by("commitment__position", "commitment_id", "member_id"))
    return _related(cycle, related).attach(cells)


def visible_cells(user: Any, cycle: Cycle, *, related: Related | None = None) -> list[CellView]:
    if not can_view_cycle(user, cycle):
        raise Http404
    cells = _cells(cycle, related)
    if cycle.status == CycleStatus.FINAL:
        return [CellView(c, c.final_score, c.status, c.reply_status) for c in cells]
    if can_manage(user):
        return [CellView(c, c.draft_score, c.status, c.reply_status) for c in cells]
    assigned = set(
        Assignment.objects.filter(cycle=cycle, assessor=user).values_list(
            "commitment_id", flat=True
        )
    )
    if cycle.status == CycleStatus.DRAFT:
        own = dict(
            Assessment.objects.filter(cycle=cycle, assessor=user).values_list("member_id", "score")
        )
        return [
            CellView(
                c,
                own.get(c.member_id),
                CellStatus.SCORED if c.member_id in own else CellStatus.UNSCORED,
                c.reply_status,
            )
            for c in cells
            if c.commitment_id in assigned
        ]
    if assigned:  # review, an assessor of the cycle
        return [CellView(c, c.draft_score, c.status, c.reply_status) for c in cells]
    return [
        CellView(c, c.draft_score, c.status, c.reply_status)
        for c in cells
        if speaks_for(user, c.member)
    ]


def get_cell(user: Any, pk: int) -> CellResult:
    """A cell the user may see (in a cycle they may see)."""
    cell = (
        CellResult.objects.select_related("cycle__strategy", "member__institution")
        .filter(pk=pk)
        .first()
    )
    if cell is None or not cycles(user).filter(pk=cell.cycle_id).exists():
        raise Http404
    if not any(v.cell.pk == cell.pk for v in visible_cells(user, cell.cycle)):
        raise Http404
    return cell


def assessments_of(user: Any, cell: CellResult) -> list[Assessment]:
    """Both assessors' scores of a cell: the secretariat (to reconcile); the member concerned
    once the draft is sent to it for review (a reply needs the reasons it answers); everyone
    with access once the cycle is final, as the record of how it was scored."""
    cycle = cell.cycle
    member_in_review = cycle.status == CycleStatus.REVIEW and speaks_for(user, cell.member)
    if not (
        can_manage(user) or member_in_review or (cycle.is_final and can_view_cycle(user, cycle))
    ):
        raise PermissionDenied
    return list(
        Assessment.objects.filter(
            cycle_id=cell.cycle_id, commitment_id=cell.commitment_id, member_id=cell.member_id
        ).select_related("assessor")
    )


def own_assessments(user: Any, cycle: Cycle) -> list[Assessment]:
    if not user.is_authenticated:
        return []
    return list(Assessment.objects.filter(cycle=cycle, assessor=user).order_by("pk"))


def member_group(member: CommitmentMember) -> str:
    """The member's UN regional group (an institution's: its country's)."""
    if member.institution is not None:
        return member.institution.country.regional_group or ""
    if member.country is not None:
        return member.country.regional_group or ""
    return ""


def to_cells(cycle: Cycle, views: list[CellView]) -> list[compliance.Cell]:
    weighted = cycle.roll_up == RollUp.WEIGHTED
    label = str(cycle.pk)
    # the labels of each member and commitment, worked out once (not once per cell)
    members: dict[int, tuple[str, str]] = {}
    commitments: dict[int, tuple[str, str, float]] = {}
    out = []
    for v in views:
        cell = v.cell
        member = members.get(cell.member_id)
        if member is None:
            member = members[cell.member_id] = (
                cell.member.member_key(),
                member_group(cell.member),
            )
        commitment = commitments.get(cell.commitment_id)
        if commitment is None:
            c = cell.commitment
            commitment = commitments[cell.commitment_id] = (
                c.code,
                c.focus_area.slug if c.focus_area else "",
                c.weight if weighted else 1.0,
            )
        out.append(
            compliance.Cell(
                member=member[0],
                commitment=commitment[0],
                score=v.score,
                cycle=label,
                focus_area=commitment[1],
                regional_group=member[1],
                weight=commitment[2],
            )
        )
    return out


def cycle_summary(cycle: Cycle, views: list[CellView] | None = None) -> compliance.Summary:
    """The averages of a cycle's cells (final scores once final, else draft scores), by
    member, commitment, focus area and regional group. ``views``: the cells one reader may
    see (``visible_cells``); all the cells by default."""
    if views is None:
        return compliance.summarise(_all_cells(cycle))
    return compliance.summarise(to_cells(cycle, views))


class _Labels:
    """What ``to_cells`` reads of a strategy's commitments and members, as plain values from
    one query each: commitment id -> (code, focus area slug, weight); member id -> (key,
    regional group, name)."""

    def __init__(self, strategy_id: int):
        self.commitments: dict[int, tuple[str, str, float]] = {
            pk: (code, slug or "", weight)
            for pk, code, slug, weight in Commitment.objects.filter(
                strategy_id=strategy_id
            ).values_list("pk", "code", "focus_area__slug", "weight")
        }
        self.members: dict[int, tuple[str, str, str]] = {}
        for (
            pk,
            institution,
            country,
            partner,
            i_group,
            c_group,
            i_name,
            c_name,
        ) in CommitmentMember.objects.filter(commitment__strategy_id=strategy_id).values_list(
            "pk",
            "institution_id",
            "country_id",
            "partner",
            "institution__country__regional_group",
            "country__regional_group",
            "institution__name",
            "country__name",
        ):
            if institution is not None:
                self.members[pk] = (f"institution:{institution}", i_group or "", i_name)
            elif country is not None:
                self.members[pk] = (f"country:{country}", c_group or "", c_name)
            else:
                self.members[pk] = (f"partner:{partner}", "", partner)

    def cells(self, cycle: Cycle, rows: Iterable[tuple[Any, int, int]]) -> list[compliance.Cell]:
        """``to_cells`` of ``(score, member_id, commitment_id)`` rows of ``cycle``."""
        weighted = cycle.roll_up == RollUp.WEIGHTED
        label = str(cycle.pk)
        out = []
        for score, member_id, commitment_id in rows:
            member, commitment = self.members[member_id], self.commitments[commitment_id]
            out.append(
                compliance.Cell(
                    member=member[0],
                    commitment=commitment[0],
                    score=score,
                    cycle=label,
                    focus_area=commitment[1],
                    regional_group=member[1],
                    weight=commitment[2] if weighted else 1.0,
                )
            )
        return out


def _all_cells(cycle: Cycle, labels: _Labels | None = None) -> list[compliance.Cell]:
    """Every cell of ``cycle`` with its published score (final once final, else draft),
    read as plain values rather than model instances."""
    labels = labels or _Labels(cycle.strategy_id)
    score = "final_score" if cycle.is_final else "draft_score"
    return labels.cells(cycle, cycle.cells.values_list(score, "member_id", "commitment_id"))


def matrix_for(user: Any, cycle: Cycle, filters: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The member x commitment table the user may see, optionally filtered by
    ``focus_area`` (slug), ``regional_group``, ``member`` (key) or ``commitment`` (code)."""
    filters = filters or {}
    views = visible_cells(user, cycle)
    cells = to_cells(cycle, views)
    keep = [
        (v, c)
        for v, c in zip(views, cells, strict=True)
        if (not filters.get("focus_area") or c.focus_area == filters["focus_area"])
        and (not filters.get("regional_group") or c.regional_group == filters["regional_group"])
        and (not filters.get("member") or c.member == filters["member"])
        and (not filters.get("commitment") or c.commitment == filters["commitment"])
    ]
    kept = [c for _v, c in keep]
    members, codes, rows = compliance.matrix(kept)
    names = {c.member: v.cell.member.name for v, c in keep}
    texts = {c.commitment: v.cell.commitment.text for v, c in keep}
    return {
        "members": [{"key": m, "name": names[m]} for m in members],
        "commitments": [{"code": k, "text": texts[k]} for k in codes],
        "rows": rows,
        "summary": compliance.summarise(kept),
    }


# --------------------------------------------------------------------------- pages


def rolled_up(
    cycle: Cycle,
    views: list[CellView] | None = None,
    *,
    summary: compliance.Summary | None = None,
) -> list[dict[str, Any]]:
    """Each parent commitment's average from its children's averages, by the cycle's
    declared ``roll_up`` method (``compliance.roll_up``): ``[{"code", "text", "children",
    "average", "percent"}]`` in commitment order. ``views``: the cells a reader may see;
    ``summary``: their ``cycle_summary`` when the caller has it already."""
    if summary is None:
        summary = cycle_summary(cycle, views)
    parents = (
        Commitment.objects.filter(strategy_id=cycle.strategy_id, children__isnull=False)
        .distinct()
        .prefetch_related("children")
        .order_by("position", "pk")
    )
    out = []
    for parent in parents:
        children = sorted(parent.children.all(), key=lambda c: (c.position, c.pk))
        pairs = [
            (
                summary.by_commitment[c.code].average if c.code in summary.by_commitment else None,
                c.weight,
            )
            for c in children
        ]
        value = compliance.roll_up(
            pairs, "weighted" if cycle.roll_up == RollUp.WEIGHTED else "mean"
        )
        out.append(
            {
                "code": parent.code,
                "text": parent.text,
                "children": [c.code for c in children],
                "average": value,
                "percent": compliance.percent(value),
            }
        )
    return out


def assessor_agreement(cycle: Cycle) -> compliance.Agreement:
    """The slot-1 and slot-2 assessors' scores of the same cells (``compliance.agreement``):
    only the commitments with two assessors count, each cell a pair (unscored sides left out)."""
    slots: dict[tuple[int, int], int] = {
        (a.commitment_id, a.assessor_id): a.slot for a in Assignment.objects.filter(cycle=cycle)
    }
    pairs: dict[tuple[int, int], list[int | None]] = {}
    for a in Assessment.objects.filter(cycle=cycle).order_by("pk"):
        slot = slots.get((a.commitment_id, a.assessor_id))
        if slot in (1, 2):
            pairs.setdefault((a.commitment_id, a.member_id), [None, None])[slot - 1] = a.score
    firsts = [p[0] for p in pairs.values()]
    seconds = [p[1] for p in pairs.values()]
    return compliance.agreement(firsts, seconds)


def default_cycle(user: Any, strategy: Strategy) -> Cycle | None:
    """The cycle a dashboard shows first: the latest final one, else the latest the user
    may see."""
    visible = cycles(user, strategy_id=strategy.pk)
    final = visible.filter(status=CycleStatus.FINAL).order_by("-finalised_at", "-pk").first()
    return final or visible.order_by("-opened_at", "-pk").first()


def get_strategy(user: Any, slug: str) -> Strategy:
    strategy = _strategies(user).filter(slug=slug).first()
    if strategy is None:
        raise Http404
    return strategy


def member_country(member: CommitmentMember) -> Any:
    """The member's country (an institution's: its own), or None for a partner."""
    if member.institution is not None:
        return member.institution.country
    return member.country


def _keep(view: CellView, filters: Mapping[str, Any], blocs: dict[str, set[str]]) -> bool:
    member, commitment = view.cell.member, view.cell.commitment
    country = member_country(member)
    if filters.get("country") and (country is None or country.code != filters["country"]):
        return False
    if filters.get("regional_group") and member_group(member) != filters["regional_group"]:
        return False
    if filters.get("bloc") and (
        country is None or filters["bloc"] not in blocs.get(country.code, set())
    ):
        return False
    area = commitment.focus_area.slug if commitment.focus_area else ""
    return not (filters.get("focus_area") and area != filters["focus_area"])


def dashboard(user: Any, cycle: Cycle, filters: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The member x commitment grid of the cells ``user`` may see, filtered by ``country``
    (code), ``regional_group``, ``bloc`` (code) and ``focus_area`` (slug): members (rows,
    by name) with their cells and averages, commitments (columns) with theirs, overall."""
    from middleground.network.models import Country

    filters = filters or {}
    views = visible_cells(user, cycle)
    blocs: dict[str, set[str]] = {}
    if filters.get("bloc"):
        for code, bloc in Country.blocs.through.objects.values_list("country_id", "bloc__code"):
            blocs.setdefault(code, set()).add(bloc)
    kept = [v for v in views if _keep(v, filters, blocs)]
    summary = compliance.summarise(to_cells(cycle, kept))
    commitments_seen: dict[str, Commitment] = {}
    members_seen: dict[str, CommitmentMember] = {}
    grid: dict[tuple[str, str], CellView] = {}
    for v in kept:
        key = v.cell.member.member_key()
        commitments_seen.setdefault(v.cell.commitment.code, v.cell.commitment)
        members_seen.setdefault(key, v.cell.member)
        grid[(key, v.cell.commitment.code)] = v
    columns = sorted(commitments_seen.values(), key=lambda c: (c.position, c.pk))
    rows = [
        {
            "key": key,
            "member": member,
            "cells": [grid.get((key, c.code)) for c in columns],
            "average": summary.by_member.get(key),
        }
        for key, member in sorted(members_seen.items(), key=lambda kv: kv[1].name.lower())
    ]
    return {
        "columns": [
            {"commitment": c, "average": summary.by_commitment.get(c.code)} for c in columns
        ],
        "rows": rows,
        "overall": summary.overall,
        "summary": summary,
        "cells": kept,
    }


def trend_series(user: Any, strategy: Strategy) -> dict[str, Any]:
    """Final cycles of the strategy in order (a corrected cycle replaced by its latest
    revision) and each member's and the overall average per cycle."""
    finals = list(
        cycles(user, strategy_id=strategy.pk)
        .filter(status=CycleStatus.FINAL)
        .exclude(revisions__isnull=False)
        .order_by("finalised_at", "pk")
    )
    cells: list[compliance.Cell] = []
    names: dict[str, str] = {}
    labels = _Labels(strategy.pk) if finals else None
    for cycle in finals:
        # a final cycle shows every cell, with its final score (``visible_cells``)
        if not can_view_cycle(user, cycle):
            raise Http404
        assert labels is not None
        rows = list(cycle.cells.values_list("final_score", "member_id", "commitment_id"))
        cells += labels.cells(cycle, rows)
        names.update({labels.members[m][0]: labels.members[m][2] for _s, m, _c in rows})
    order = [str(c.pk) for c in finals]
    return {"cycles": finals, "series": _trends(cells, order), "names": names}


def _trends(
    cells: list[compliance.Cell], order: list[str]
) -> dict[str, list[tuple[str, compliance.Average]]]:
    """``compliance.trends(cells, order)``, one member at a time: each member's series
    depends only on its own cells, and the overall one is the average of each cycle's
    cells, so the work grows with the cells rather than members x cells."""
    if len(set(order)) != len(order) or any(c.member == compliance.OVERALL for c in cells):
        return compliance.trends(cells, order)  # the errors it raises
    by_member: dict[str, list[compliance.Cell]] = {}
    by_cycle: dict[str, list[compliance.Cell]] = {cycle: [] for cycle in order}
    for cell in cells:
        if cell.cycle in by_cycle:
            by_member.setdefault(cell.member, []).append(cell)
            by_cycle[cell.cycle].append(cell)
    out = {
        member: compliance.trends(by_member[member], order)[member] for member in sorted(by_member)
    }
    out[compliance.OVERALL] = [(cycle, compliance.average_of(by_cycle[cycle])) for cycle in order]
    return out


def member_cells(user: Any, kind: str, ident: str) -> dict[str, Any]:
    """What one member's page shows: its commitment bindings in strategies the user may
    read, and per binding the cells (in cycles the user may see, as ``visible_cells``
    shows them) and self-reports. Http404 for a member bound by nothing visible."""
    field = {"institution": "institution_id", "country": "country_id", "partner": "partner"}
    if kind not in field:
        raise Http404
    lookup: dict[str, Any] = {field[kind]: ident}
    if kind == "institution":
        if not str(ident).isdigit():
            raise Http404
        lookup = {"institution_id": int(ident)}
    bindings = list(
        CommitmentMember.objects.filter(
            commitment__strategy__in=_strategies(user).values("pk"), **lookup
        )
        .select_related("commitment__strategy", "institution__country", "country")
        .order_by("commitment__strategy_id", "commitment__position", "pk")
    )
    if not bindings:
        raise Http404
    ids = {b.pk for b in bindings}
    strategies = {b.commitment.strategy_id for b in bindings}
    by_member: dict[int, list[CellView]] = {pk: [] for pk in ids}
    related: dict[int, Related] = {}
    for cycle in cycles(user).filter(strategy_id__in=strategies):
        if cycle.strategy_id not in related:
            related[cycle.strategy_id] = Related(cycle.strategy_id)
        for v in visible_cells(user, cycle, related=related[cycle.strategy_id]):
            if v.cell.member_id in ids:
                by_member[v.cell.member_id].append(v)
    from .models import SelfReport

    reports: dict[int, list[SelfReport]] = {pk: [] for pk in ids}
    for report in SelfReport.objects.filter(member_id__in=ids).select_related("after_cycle"):
        reports[report.member_id].append(report)
    return {
        "member": bindings[0],
        "bindings": [
            {"binding": b, "cells": by_member[b.pk], "reports": reports[b.pk]} for b in bindings
        ],
    }


def strategies_with_commitments(user: Any) -> QuerySet[Strategy]:
    """The strategies the user may read that have commitments, by title."""
    return (
        _strategies(user).filter(pk__in=Commitment.objects.values("strategy_id")).order_by("title")
    )


@dataclass(frozen=True)
class Source:
    """One source of a score or piece of evidence, as ``user`` may see it: a link, a library
    document by its title, or a library document the reader may not see (its title hidden)."""

    url: str | None
    title: str | None
    restricted: bool = False

    def text(self) -> str:
        """As plain text (the PDF report)."""
        from django.utils.translation import gettext

        if self.restricted:
            return gettext("a restricted library document")
        if self.title:
            return gettext("%(title)s (library document)") % {"title": self.title}
        return str(self.url)


def sources_for(user: Any, lists: Iterable[Iterable[Any]]) -> list[list[Source]]:
    """Each list of sources (library document ids and URLs) resolved for ``user``, with one
    query for all: a document the library's rules let them read shows its title, linked;
    any other id (restricted, or gone) is "a restricted library document", never its title."""
    from django.urls import reverse

    from middleground.library.permissions import visible_documents

    lists = [list(items) for items in lists]
    ids = {s for items in lists for s in items if isinstance(s, int) and not isinstance(s, bool)}
    titles = dict(visible_documents(user).filter(pk__in=ids).values_list("pk", "title"))
    out: list[list[Source]] = []
    for items in lists:
        resolved = []
        for s in items:
            if isinstance(s, int) and not isinstance(s, bool):
                if s in titles:
                    url = reverse("library:document", args=[s])
                    resolved.append(Source(url=url, title=titles[s]))
                else:
                    resolved.append(Source(url=None, title=None, restricted=True))
            else:
                resolved.append(Source(url=str(s), title=None))
        out.append(resolved)
    return out
