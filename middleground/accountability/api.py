"""Accountability endpoints: ``/api/v1/commitments`` and ``/api/v1/compliance/...``.

Parse, authorise through selectors, call one service. Reads of a cycle show each reader
what ``selectors.visible_cells`` allows (final scores publicly; drafts to the secretariat,
the assessors and the member concerned only).
"""

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from middleground.accounts.models import User
from middleground.core.csv_export import csv_dicts
from middleground.core.errors import ServiceError
from middleground.core.pagination import BoundedLimitOffsetPagination, Mapped

from . import selectors, services
from .models import CellResult, Commitment, Cycle
from .schemas import (
    AssessmentOut,
    AssignmentIn,
    AssignmentOut,
    CommitmentIn,
    CorrectionIn,
    CycleIn,
    FinaliseIn,
    ReconcileIn,
    ReplyIn,
    ReplyOut,
    ReviewIn,
    ScoreIn,
    SelfReportIn,
    SelfReportOut,
)

commitments_router = Router()
compliance_router = Router()


class ListQuery(Schema):
    # bounded: an id past the database's integer range is a 422, not a 500
    strategy: int | None = Field(None, ge=1, le=2**31 - 1)


def commitment_out(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "strategy": c.strategy_id,
        "code": c.code,
        "text": c.text,
        "members": [
            {
                "id": m.pk,
                "kind": m.kind,
                "member_id": m.member_id,
                "key": m.member_key(),
                "name": m.name,
            }
            for m in c.members.all()
        ],
        "deadline": c.deadline.isoformat() if c.deadline else None,
        "status": c.status,
        "parent": c.parent_id,
        "weight": c.weight,
        "indicators": c.indicators,
        "guideline": c.guideline,
        "sdg_targets": c.sdg_targets,
        "focus_area": c.focus_area.slug if c.focus_area else None,
        "recommendation_number": c.recommendation_number,
        "paragraph_key": str(c.paragraph_key) if c.paragraph_key else None,
    }


def cycle_out(c: Cycle) -> dict[str, Any]:
    return {
        "id": c.pk,
        "strategy": c.strategy_id,
        "kind": c.kind,
        "status": c.status,
        "roll_up": c.roll_up,
        "simulated": c.simulated,
        "revision": c.revision,
        "revision_of": c.revision_of_id,
        "reply_deadline": c.reply_deadline.isoformat() if c.reply_deadline else None,
        "finalised_at": c.finalised_at.isoformat() if c.finalised_at else None,
        "sha256": c.sha256 or None,
    }


# --------------------------------------------------------------------------- commitments


@commitments_router.get("", response=list[dict[str, Any]])
@paginate(BoundedLimitOffsetPagination)
def list_commitments(request, query: Query[ListQuery]):
    """Commitments of the strategies you may read: ``{"items", "count"}``."""
    return Mapped(selectors.commitments(request.auth, strategy_id=query.strategy), commitment_out)


@commitments_router.post("", response={201: dict[str, Any]})
def create_commitment(request, payload: CommitmentIn):
    strategy = selectors.get_strategy_for_manage(request.auth, payload.strategy)
    parent = None
    if payload.parent is not None:
        parent = (
            selectors.commitments(request.auth, strategy_id=strategy.pk)
            .filter(pk=payload.parent)
            .first()
        )
        if parent is None:
            raise ServiceError(_("No such parent commitment."), field="parent")
    commitment = services.create_commitment(
        actor=request.auth,
        strategy=strategy,
        text=payload.text,
        members=[m.model_dump() for m in payload.members],
        code=payload.code,
        deadline=payload.deadline,
        indicators=payload.indicators,
        guideline=payload.guideline,
        sdg_targets=payload.sdg_targets,
        parent=parent,
        weight=payload.weight,
    )
    return Status(201, commitment_out(selectors.get_commitment(request.auth, commitment.pk)))


@commitments_router.post("/{int:commitment_id}/self-reports", response={201: SelfReportOut})
def self_report(request, commitment_id: int, payload: SelfReportIn):
    commitment = selectors.get_commitment(request.auth, commitment_id)
    member = selectors.get_member(request.auth, commitment, payload.member)
    report = services.self_report(
        actor=request.auth,
        commitment=commitment,
        member=member,
        status=payload.status,
        text=payload.text,
        evidence=payload.evidence,
    )
    return Status(201, report)


# --------------------------------------------------------------------------- cycles


@compliance_router.get("/cycles", response=list[dict[str, Any]])
@paginate(BoundedLimitOffsetPagination)
def list_cycles(request, query: Query[ListQuery]):
    """Cycles you may see: final ones publicly, others to those taking part."""
    return Mapped(selectors.cycles(request.auth, strategy_id=query.strategy), cycle_out)


@compliance_router.post("/cycles", response={201: dict[str, Any]})
def open_cycle(request, payload: CycleIn):
    strategy = selectors.get_strategy_for_manage(request.auth, payload.strategy)
    cycle = services.open_cycle(
        actor=request.auth,
        strategy=strategy,
        kind=payload.kind,
        roll_up=payload.roll_up,
        simulated=payload.simulated,
    )
    return Status(201, cycle_out(cycle))


def _score_rows(views: list[selectors.CellView]) -> list[dict[str, Any]]:
    return [
        {
            "cell": v.cell.pk,
            "member": v.cell.member.member_key(),
            "member_id": v.cell.member_id,
            "member_name": v.cell.member.name,
            "commitment": v.cell.commitment.code,
            "commitment_id": v.cell.commitment_id,
            "score": v.score,
            "status": v.status,
            "reply_status": v.reply_status,
        }
        for v in views
    ]


@compliance_router.get("/cycles/{int:cycle_id}", response=dict[str, Any])
def get_cycle(request, cycle_id: int):
    """The cycle, the scores you may see and their averages (``summary``)."""
    cycle = selectors.get_cycle(request.auth, cycle_id)
    views = selectors.visible_cells(request.auth, cycle)
    summary = selectors.cycle_summary(cycle, views).as_dict()
    return {**cycle_out(cycle), "scores": _score_rows(views), "summary": summary}


CSV_FIELDS = [
    "cycle",
    "kind",
    "status",
    "simulated",
    "commitment",
    "member",
    "member_name",
    "score",
    "cell_status",
    "reply_status",
]


@compliance_router.get("/cycles/{int:cycle_id}/scores.csv", response={200: None})
def scores_csv(request, cycle_id: int):
    cycle = selectors.get_cycle(request.auth, cycle_id)
    rows = [
        {
            "cycle": cycle.pk,
            "kind": cycle.kind,
            "status": cycle.status,
            "simulated": "yes" if cycle.simulated else "no",
            "commitment": r["commitment"],
            "member": r["member"],
            "member_name": r["member_name"],
            "score": "" if r["score"] is None else r["score"],
            "cell_status": r["status"],
            "reply_status": r["reply_status"],
        }
        for r in _score_rows(selectors.visible_cells(request.auth, cycle))
    ]
    response = HttpResponse(
        csv_dicts(rows, fieldnames=CSV_FIELDS), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="compliance-cycle-{cycle.pk}.csv"'
    return response


def _commitment_of(cycle: Cycle, pk: int) -> Commitment:
    commitment = Commitment.objects.filter(pk=pk, strategy_id=cycle.strategy_id).first()
    if commitment is None:
        raise ServiceError(_("No such commitment in this cycle."), field="commitment")
    return commitment


@compliance_router.post("/cycles/{int:cycle_id}/assignments", response={201: AssignmentOut})
def assign(request, cycle_id: int, payload: AssignmentIn):
    cycle = selectors.get_cycle_for_manage(request.auth, cycle_id)
    assessor = User.objects.filter(pk=payload.assessor).first()
    if assessor is None:
        raise ServiceError(_("No such user."), field="assessor")
    assignment = services.assign(
        actor=request.auth,
        cycle=cycle,
        commitment=_commitment_of(cycle, payload.commitment),
        assessor=assessor,
        slot=payload.slot,
    )
    return Status(201, assignment)


@compliance_router.post("/cycles/{int:cycle_id}/scores", response={201: AssessmentOut})
def score(request, cycle_id: int, payload: ScoreIn):
    """Your own score of one member on one commitment (an assigned assessor, in draft)."""
    cycle = selectors.get_cycle_for_scoring(request.auth, cycle_id)
    commitment = _commitment_of(cycle, payload.commitment)
    member = commitment.members.filter(pk=payload.member).first()
    if member is None:
        raise ServiceError(_("This member is not bound by this commitment."), field="member")
    assessment = services.score(
        actor=request.auth,
        cycle=cycle,
        commitment=commitment,
        member=member,
        score=payload.score,
        justification=payload.justification,
        sources=payload.sources,
    )
    return Status(201, assessment)


@compliance_router.post("/cycles/{int:cycle_id}/review", response=dict[str, Any])
def send_for_review(request, cycle_id: int, payload: ReviewIn):
    cycle = selectors.get_cycle_for_manage(request.auth, cycle_id)
    return cycle_out(
        services.send_for_review(
            actor=request.auth, cycle=cycle, reply_deadline=payload.reply_deadline
        )
    )


@compliance_router.post("/cycles/{int:cycle_id}/finalise", response=dict[str, Any])
def finalise(request, cycle_id: int, payload: FinaliseIn):
    cycle = selectors.get_cycle_for_manage(request.auth, cycle_id)
    overrides = {o.cell: (o.score, o.note) for o in payload.overrides}
    return cycle_out(services.finalise(actor=request.auth, cycle=cycle, overrides=overrides))


@compliance_router.post("/cycles/{int:cycle_id}/corrections", response={201: dict[str, Any]})
def correct(request, cycle_id: int, payload: CorrectionIn):
    """A correction of a final cycle: a new revision cycle (the original stays)."""
    cycle = selectors.get_cycle_for_manage(request.auth, cycle_id)
    changes = {o.cell: (o.score, o.note) for o in payload.changes}
    revision = services.correct(actor=request.auth, cycle=cycle, changes=changes, note=payload.note)
    return Status(201, cycle_out(revision))


def _cell(request, cell_id: int) -> CellResult:
    return selectors.get_cell(request.auth, cell_id)


@compliance_router.post("/cells/{int:cell_id}/reconcile", response=dict[str, Any])
def reconcile(request, cell_id: int, payload: ReconcileIn):
    cell = _cell(request, cell_id)
    cell = services.reconcile(actor=request.auth, cell=cell, score=payload.score, note=payload.note)
    return {"cell": cell.pk, "draft_score": cell.draft_score, "status": cell.status}


@compliance_router.post("/cells/{int:cell_id}/reply", response={201: ReplyOut})
def reply(request, cell_id: int, payload: ReplyIn):
    """The member concerned accepts a draft score or replies, before the deadline."""
    cell = _cell(request, cell_id)
    answer = services.reply(
        actor=request.auth,
        cell=cell,
        accepts=payload.accepts,
        text=payload.text,
        evidence=payload.evidence,
    )
    return Status(201, answer)
