"""Strategy endpoints under /api/v1/strategies/ (drafting): the same selectors and services
as the pages. The endorsement endpoints are in ``endorsement_api.py``."""

from typing import Any
from uuid import UUID

from django.http import Http404, HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from middleground.core.pagination import BoundedLimitOffsetPagination

from . import diffing, selectors, services, versioning
from .models import Amendment, Comment, Strategy
from .schemas import (
    AmendmentIn,
    AmendmentOut,
    CommentIn,
    CommentOut,
    CompareOut,
    DecisionIn,
    StrategyItem,
    StrategyOut,
    StrategyQuery,
)

router = Router()


def _item(strategy: Strategy) -> dict[str, Any]:
    return {
        "id": strategy.pk,
        "slug": strategy.slug,
        "title": strategy.title,
        "kind": strategy.kind,
        "status": strategy.status,
        "summary": strategy.summary,
        "language": strategy.language,
        "task_force": {
            "id": strategy.task_force.pk,
            "slug": strategy.task_force.slug,
            "name": strategy.task_force.name,
        },
        "focus_area": {"slug": strategy.focus_area.slug, "name": strategy.focus_area.name},
        "lead": {"id": strategy.lead.pk, "name": strategy.lead.display_name},
        "url": strategy.get_absolute_url(),
        "updated_at": strategy.updated_at,
    }


def _amendment(a: Amendment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "paragraph": str(a.paragraph.key),
        "kind": a.kind,
        "state": a.state,
        "text": a.text,
        "explanation": a.explanation,
        "author": a.author.display_name,
        "base_version": a.base_version.number,
        "base_text": a.base_text,
        "reason": a.reason,
        "result_version": a.result_version.number if a.result_version else None,
        "promoted_from": a.promoted_from_id,
        "created_at": a.created_at,
    }


def _comment(c: Comment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "paragraph": str(c.paragraph.key),
        "amendment": c.amendment_id,
        "author": c.author.display_name,
        "text": c.text,
        "created_at": c.created_at,
    }


@router.get("", response=list[StrategyItem])
@paginate(BoundedLimitOffsetPagination)
def list_strategies(request, filters: Query[StrategyQuery]):
    """The strategies you may see: published ones for everyone, drafts for their task force."""
    qs = selectors.strategies(
        request.auth, q=filters.q, status=filters.status, focus_area=filters.focus_area
    )
    return [_item(s) for s in qs]


@router.get("/{int:strategy_id}", response=StrategyOut)
def get_strategy(request, strategy_id: int):
    """A strategy, its versions (published ones unless you draft it) and the paragraphs of the
    version shown to you (drafters: the latest; everyone else: the latest published)."""
    strategy = selectors.get_strategy(request.auth, pk=strategy_id)
    shown = selectors.shown_version(strategy, request.auth)
    paragraphs = versioning.paragraphs_of(shown.content) if shown else []
    return {
        **_item(strategy),
        "breadth_kind": strategy.breadth_kind,
        "breadth_min_per_group": strategy.breadth_min_per_group,
        "breadth_min_groups": strategy.breadth_min_groups,
        "shown_version": shown.number if shown else None,
        "versions": [
            {
                "number": v.number,
                "sha256": v.sha256,
                "published_at": v.published_at,
                "note": v.note,
                "created_at": v.created_at,
            }
            for v in selectors.versions(strategy, request.auth).order_by("number")
        ],
        "paragraphs": paragraphs,
    }


@router.get("/{int:strategy_id}/versions/{int:number}/canonical")
def canonical(request, strategy_id: int, number: int):
    """The exact bytes of a published version whose SHA-256 is the version's ``sha256``."""
    strategy = selectors.get_strategy(request.auth, pk=strategy_id)
    version = selectors.version(strategy, number, request.auth)
    if not version.is_published:
        raise Http404
    return HttpResponse(
        version.canonical.encode("utf-8"), content_type="application/json; charset=utf-8"
    )


@router.get("/{int:strategy_id}/compare", response=CompareOut)
def compare(request, strategy_id: int, a: int, b: int):
    """Two versions paragraph by paragraph, with word-level diffs of the changed ones."""
    strategy = selectors.get_strategy(request.auth, pk=strategy_id)
    va = selectors.version(strategy, a, request.auth)
    vb = selectors.version(strategy, b, request.auth)
    changes = diffing.compare(va.content, vb.content)
    return {
        "a": va.number,
        "b": vb.number,
        "changed": diffing.summary(changes)["total_changed"],
        "paragraphs": [
            {
                "key": c.key,
                "status": c.status,
                "number_a": c.number_a,
                "number_b": c.number_b,
                "section": c.section,
                "fields": c.fields,
                "text_a": c.text_a,
                "text_b": c.text_b,
                "diff": [{"op": op, "text": text} for op, text in c.diff],
            }
            for c in changes
        ],
    }


@router.post("/{int:strategy_id}/paragraphs/{uuid:key}/amendments", response={201: AmendmentOut})
def propose_amendment(request, strategy_id: int, key: UUID, payload: AmendmentIn):
    """Propose to replace, delete or insert after a paragraph (the task force, while drafted)."""
    strategy = selectors.get_strategy_for_drafting(request.auth, pk=strategy_id)
    paragraph = selectors.paragraph(strategy, key)
    amendment = services.propose_amendment(
        actor=request.auth,
        strategy=strategy,
        paragraph=paragraph,
        kind=payload.kind,
        text=payload.text,
        new_kind=payload.new_kind,
        actors=payload.actors,
        timeline=payload.timeline,
        explanation=payload.explanation,
        draft=payload.draft,
    )
    return Status(201, _amendment(amendment))


@router.post("/{int:strategy_id}/amendments/{int:amendment_id}/decision", response=AmendmentOut)
def decide_amendment(request, strategy_id: int, amendment_id: int, payload: DecisionIn):
    """The lead accepts or rejects an open amendment (a reason is required to reject)."""
    strategy = selectors.get_strategy_for_drafting(request.auth, pk=strategy_id)
    amendment = selectors.amendment(strategy, amendment_id)
    selectors.get_strategy_for_lead(request.auth, pk=strategy_id)
    if payload.decision == "accept":
        decided = services.accept_amendment(
            actor=request.auth, amendment=amendment, reason=payload.reason
        )
    else:
        decided = services.reject_amendment(
            actor=request.auth, amendment=amendment, reason=payload.reason
        )
    decided.refresh_from_db()
    return _amendment(decided)


@router.post("/{int:strategy_id}/paragraphs/{uuid:key}/comments", response={201: CommentOut})
def add_comment(request, strategy_id: int, key: UUID, payload: CommentIn):
    """Comment on a paragraph, or (with ``amendment``) on an amendment to it."""
    strategy = selectors.get_strategy_for_drafting(request.auth, pk=strategy_id)
    paragraph = selectors.paragraph(strategy, key)
    amendment = selectors.amendment(strategy, payload.amendment) if payload.amendment else None
    made = services.comment(
        actor=request.auth,
        strategy=strategy,
        paragraph=paragraph,
        text=payload.text,
        amendment=amendment,
    )
    return Status(201, _comment(made))
