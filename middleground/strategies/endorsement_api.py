"""Endorsement endpoints under /api/v1/strategies/: positions, answering, breadth.

Visibility is the strategies app's (a drafting strategy is 404 for outsiders); a position
is given only for the caller's own institution (bearer token or session).
"""

from typing import Any

from ninja import Router, Schema, Status

from . import endorsements as endorsing
from .models import Endorsement

router = Router()


class EndorsementOut(Schema):
    institution: str
    institution_id: int
    country: str
    regional_group: str
    position: str
    reservation: str
    reservation_paragraphs: list[int]
    at: str
    current: bool


class EndorsementList(Schema):
    items: list[EndorsementOut]
    count: int
    call: dict[str, Any] | None


class EndorseIn(Schema):
    position: str
    reservation: str = ""
    reservation_paragraphs: list[int] = []


def _item(row: Endorsement) -> dict[str, Any]:
    country = row.institution.country
    return {
        "institution": row.institution.name,
        "institution_id": row.institution_id,
        "country": country.code if country else "",
        "regional_group": (country.regional_group if country else "") or "",
        "position": row.position,
        "reservation": row.reservation,
        "reservation_paragraphs": list(row.reservation_paragraphs),
        "at": row.at.isoformat(),
        "current": row.current,
    }


def _call(call) -> dict[str, Any] | None:
    if call is None:
        return None
    return {
        "id": call.pk,
        "version": call.version.number,
        "sha256": call.version.sha256,
        "deadline": call.deadline.isoformat(),
        "silence_procedure": call.silence_procedure,
        "open": call.is_open,
        "accepting": endorsing.accepting(call),
        "closed_at": call.closed_at.isoformat() if call.closed_at else None,
        "adopted": call.adopted,
    }


@router.get("/{int:strategy_id}/endorsements", response=EndorsementList)
def list_endorsements(request, strategy_id: int, history: bool = False):
    """The current position of each institution that answered (``history=true``: every
    position given, superseded ones included)."""
    strategy = endorsing.get_strategy(request.auth, pk=strategy_id)
    call = endorsing.current_call(strategy)
    if call is None:
        rows: list[Endorsement] = []
    elif history:
        rows = list(endorsing.history(call).select_related("institution__country"))
    else:
        rows = list(endorsing.current_positions(call))
    items = [_item(r) for r in rows]
    return {"items": items, "count": len(items), "call": _call(call)}


@router.post("/{int:strategy_id}/endorsements", response={201: EndorsementOut})
def endorse(request, strategy_id: int, payload: EndorseIn):
    """Give or change the position of the caller's own institution (representatives only)."""
    strategy = endorsing.get_strategy(request.auth, pk=strategy_id)
    row = endorsing.endorse(
        actor=request.auth,
        strategy=strategy,
        position=payload.position,
        reservation=payload.reservation,
        reservation_paragraphs=payload.reservation_paragraphs,
    )
    row = Endorsement.objects.select_related("institution__country").get(pk=row.pk)
    return Status(201, _item(row))


@router.get("/{int:strategy_id}/breadth")
def breadth(request, strategy_id: int) -> dict[str, Any]:
    """The breadth rule, endorsing institutions per UN regional group and per bloc, and
    whether the rule is met."""
    strategy = endorsing.get_strategy(request.auth, pk=strategy_id)
    call = endorsing.current_call(strategy)
    result = endorsing.breadth_for(strategy, call)
    regional = endorsing.breadth_for(strategy, call, kind="regional_groups")
    blocs = endorsing.breadth_for(strategy, call, kind="blocs")
    return {
        "rule": {
            "kind": result.rule.kind,
            "min_per_group": result.rule.min_per_group,
            "min_groups": result.rule.min_groups,
        },
        "by_regional_group": regional.counts,
        "by_bloc": blocs.counts,
        "groups_meeting": result.groups_meeting,
        "missing": result.missing,
        "met": result.met,
        "by_position": result.by_position,
        "call": _call(call),
    }
