"""Permission-checked reads of strategies: the only way pages and the API fetch them.

404 for what the user may not see (a draft outside its task force); ``PermissionDenied`` for
what they may see but not change.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from . import permissions
from .models import (
    Amendment,
    AmendmentState,
    Comment,
    Paragraph,
    Strategy,
    Version,
)

OPEN_STATES = (AmendmentState.DRAFT, AmendmentState.EVALUATING)


def strategies(
    user: Any, *, q: str = "", status: str = "", focus_area: str = ""
) -> QuerySet[Strategy]:
    """The strategies ``user`` may see (``permissions.visible_q``), newest first."""
    qs = Strategy.objects.filter(permissions.visible_q(user)).select_related(
        "task_force", "focus_area", "lead"
    )
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if focus_area:
        qs = qs.filter(focus_area__slug=focus_area)
    return qs.distinct()


def get_strategy(user: Any, *, slug: str | None = None, pk: int | None = None) -> Strategy:
    lookup: dict[str, Any] = {"slug": slug} if slug is not None else {"pk": pk}
    strategy = (
        Strategy.objects.select_related("task_force", "focus_area", "lead").filter(**lookup).first()
    )
    if strategy is None or not permissions.can_view(user, strategy):
        raise Http404
    return strategy


def get_strategy_for_drafting(user: Any, **lookup: Any) -> Strategy:
    """The working text, amendments and comments: the task force, lead and secretariat."""
    strategy = get_strategy(user, **lookup)
    if not permissions.can_view_drafts(user, strategy):
        raise Http404
    return strategy


def get_strategy_for_lead(user: Any, **lookup: Any) -> Strategy:
    strategy = get_strategy(user, **lookup)
    if not permissions.can_lead(user, strategy):
        raise PermissionDenied
    return strategy


def paragraph(strategy: Strategy, key: Any) -> Paragraph:
    """A paragraph of the working text (deleted ones too, for their history)."""
    try:
        return strategy.paragraphs.select_related("section").get(key=key)
    except (Paragraph.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


def amendment(strategy: Strategy, pk: int) -> Amendment:
    found = (
        Amendment.objects.select_related("author", "paragraph", "base_version")
        .filter(strategy=strategy, pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def versions(strategy: Strategy, user: Any) -> QuerySet[Version]:
    """Every version for drafters; only the published ones for everyone else."""
    qs = strategy.versions.select_related("created_by").order_by("-number")
    if not permissions.can_view_drafts(user, strategy):
        qs = qs.filter(published_at__isnull=False)
    return qs


def version(strategy: Strategy, number: int, user: Any) -> Version:
    found = versions(strategy, user).filter(number=number).first()
    if found is None:
        raise Http404
    return found


def shown_version(strategy: Strategy, user: Any) -> Version | None:
    """Drafters see the latest version; everyone else the latest published one."""
    if permissions.can_view_drafts(user, strategy):
        return strategy.latest_version()
    return strategy.latest_published()


def working_paragraphs(strategy: Strategy) -> list[Paragraph]:
    """The live paragraphs, in order, with counts of comments and open amendments."""
    return list(
        strategy.paragraphs.filter(deleted=False)
        .select_related("section")
        .annotate(
            n_comments=Count("comments", filter=Q(comments__amendment__isnull=True), distinct=True),
            n_open=Count("amendments", filter=Q(amendments__state__in=OPEN_STATES), distinct=True),
        )
        .order_by("section__position", "section_id", "position", "pk")
    )


def amendments_of(paragraph: Paragraph, user: Any) -> list[Amendment]:
    """A paragraph's amendments; drafts only for their author."""
    qs = paragraph.amendments.select_related("author", "decided_by", "base_version")
    if user.is_authenticated:
        qs = qs.exclude(Q(state=AmendmentState.DRAFT) & ~Q(author=user))
    else:
        qs = qs.exclude(state=AmendmentState.DRAFT)
    return list(qs.prefetch_related("comments__author"))


def open_amendments(strategy: Strategy) -> QuerySet[Amendment]:
    return strategy.amendments.filter(state__in=OPEN_STATES)


def paragraph_comments(paragraph: Paragraph) -> QuerySet[Comment]:
    return paragraph.comments.filter(amendment__isnull=True).select_related("author")


def translations(strategy: Strategy, user: Any) -> list[Strategy]:
    """The translations of an authentic text that ``user`` may see (each its own text)."""
    found = Strategy.objects.filter(translation_of=strategy).filter(permissions.visible_q(user))
    return list(found.distinct().order_by("language"))
