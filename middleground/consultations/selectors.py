"""Permission-checked reads of consultations: the only way views and the API fetch them."""

import random
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .models import (
    AnalysisResult,
    Consultation,
    DeclaredDimension,
    Invitee,
    Participant,
    Statement,
    StatementStatus,
    Status,
    Visibility,
    Vote,
)


def consultations(user: Any, q: str = "", status: str = "") -> QuerySet[Consultation]:
    qs = (
        Consultation.objects.exclude(status=Status.IMPORTING)  # a Polis import still writing
        .select_related("task_force")
        .prefetch_related("focus_areas")
    )
    if not (user.is_authenticated and user.is_secretariat):
        visible = Q(visibility=Visibility.PUBLIC)
        if user.is_authenticated:
            if user.is_network_member:
                visible |= Q(visibility=Visibility.NETWORK)
            visible |= permissions.invitation_match(user, "invitees__")
        not_draft = ~Q(status=Status.DRAFT)
        allowed = visible & not_draft
        if user.is_authenticated:
            allowed |= Q(moderators=user)
        qs = qs.filter(allowed)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(question__icontains=q))
    if status:
        qs = qs.filter(status=status)
    # Meta.ordering is not applied to aggregating queries, so order explicitly (pagination)
    return (
        qs.distinct()
        .annotate(participant_count=Count("participants", distinct=True))
        .order_by("-created_at", "-pk")
    )


def unique_row(queryset: Any) -> Any:
    """The row of a lookup by a unique key, or None: no ORDER BY (Meta.ordering) to compile
    or run, as ``.first()`` would."""
    return next(iter(queryset.order_by()[:1]), None)


def get_consultation(user: Any, *, slug: str | None = None, pk: int | None = None) -> Consultation:
    lookup: dict[str, Any] = {"slug": slug} if slug is not None else {"pk": pk}
    consultation = unique_row(Consultation.objects.select_related("task_force").filter(**lookup))
    if consultation is None or not permissions.can_view(user, consultation):
        raise Http404
    return consultation


def get_consultation_for_manage(user: Any, **lookup: Any) -> Consultation:
    consultation = get_consultation(user, **lookup)
    if not permissions.can_manage(user, consultation):
        raise PermissionDenied
    return consultation


def get_consultation_for_participation(user: Any, **lookup: Any) -> Consultation:
    consultation = get_consultation(user, **lookup)
    if not permissions.can_participate(user, consultation):
        raise PermissionDenied
    return consultation


def visible_statements(consultation: Consultation) -> QuerySet[Statement]:
    return consultation.statements.filter(status=StatementStatus.ACCEPTED)


def moderation_queue(user: Any, consultation: Consultation) -> QuerySet[Statement]:
    if not permissions.can_manage(user, consultation):
        raise PermissionDenied
    return consultation.statements.select_related("author", "author__user").order_by(
        "status", "-created_at"
    )


def get_statement_for_moderation(user: Any, consultation: Consultation, pk: int) -> Statement:
    statement = moderation_queue(user, consultation).filter(pk=pk).first()
    if statement is None:
        raise Http404
    return statement


def latest_result(consultation: Consultation) -> AnalysisResult | None:
    return consultation.analyses.order_by("-version").first()


def participation_timeline(consultation: Consultation) -> list[dict[str, Any]]:
    """Per day: votes cast (current votes, by first cast) and participants who joined."""
    votes = (
        Vote.objects.filter(consultation=consultation)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    joined = (
        Participant.objects.filter(consultation=consultation, votes__isnull=False)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id", distinct=True))
        .order_by("day")
    )
    days: dict[str, dict[str, Any]] = {}
    for row in votes:
        key = row["day"].isoformat()
        days.setdefault(key, {"day": key, "votes": 0, "participants": 0})["votes"] = row["n"]
    for row in joined:
        key = row["day"].isoformat()
        days.setdefault(key, {"day": key, "votes": 0, "participants": 0})["participants"] = row["n"]
    return [days[k] for k in sorted(days)]


def results_payload(consultation: Consultation, *, full: bool = False) -> dict[str, Any]:
    """The latest stored analysis (the engine's JSON) with its version and time; never computes.

    Only the accepted statements appear unless ``full`` (for the consultation's managers).
    """
    latest = latest_result(consultation)
    data: dict[str, Any] = dict(latest.result) if latest else {}
    if "small_groups" in (data.get("declared_groups") or {}):
        # stored before small groups were hidden: their labels and sizes stay unpublished
        data["declared_groups"] = {
            k: v for k, v in data["declared_groups"].items() if k != "small_groups"
        }
    if data and not full:
        kept = set(visible_statements(consultation).values_list("number", flat=True))
        data["statements"] = [s for s in data.get("statements", []) if s.get("id") in kept]
        if data.get("declared_groups"):
            declared = data["declared_groups"]
            data["declared_groups"] = {
                **declared,
                "statements": [s for s in declared.get("statements", []) if s.get("id") in kept],
            }
    data.update(
        {
            "version": latest.version if latest else None,
            "computed_at": latest.computed_at.isoformat() if latest else None,
            "computing": consultation.analysis_pending,
            "simulated": consultation.simulated,
        }
    )
    for key in ("participants", "groups", "statements"):
        data.setdefault(key, [])
    data.setdefault("consensus", {"agree": [], "disagree": []})
    data.setdefault("n_votes", 0)
    return data


def analysis_status(consultation: Consultation) -> dict[str, Any]:
    """Which version is stored, when it was computed, and whether a newer one is on its way."""
    latest = latest_result(consultation)
    return {
        "version": latest.version if latest else None,
        "computed_at": latest.computed_at if latest else None,
        "computing": consultation.analysis_pending,
    }


def next_statement(
    *, consultation: Consultation, participant: Participant | None, rng: random.Random | None = None
) -> Statement | None:
    """The next statement for a participant, drawn with the engine's routing priority."""
    statements = list(visible_statements(consultation).only("pk", "number", "text"))
    if participant is not None:
        voted = set(participant.votes.values_list("statement_id", flat=True))
        statements = [s for s in statements if s.pk not in voted]
    if not statements:
        return None
    stored = (
        AnalysisResult.objects.filter(consultation=consultation)
        .order_by("-version")
        .values_list("priorities", flat=True)
        .first()
    )
    priorities = {int(k): float(v) for k, v in (stored or {}).items()}
    # statements the engine has not seen yet get the highest priority (as new ones do in Polis)
    top = max(priorities.values(), default=1.0) or 1.0
    weights = [max(priorities.get(s.number, top), 1e-6) for s in statements]
    return (rng or random).choices(statements, weights=weights, k=1)[0]


def declared_labels(consultation: Consultation) -> dict[int, str]:
    """participant number -> declared group, from the attributes copied from the registry."""
    dimension = consultation.declared_dimension
    if dimension.startswith("bloc:"):
        code = dimension.split(":", 1)[1]
        member, other = f"{code}", _("not %(code)s") % {"code": code}
        return {
            number: (member if code in (blocs or []) else other)
            for number, blocs, country in consultation.participants.values_list(
                "number", "blocs", "country"
            )
            if country  # no country, no declared group
        }
    field = (
        "institution_kind" if dimension == DeclaredDimension.INSTITUTION_KIND else "regional_group"
    )
    return {
        number: label
        for number, label in consultation.participants.values_list("number", field)
        if label
    }


def invitations_waiting(user: Any) -> QuerySet[Consultation]:
    """Open consultations the caller is invited to and has not voted in yet, the nearest
    closing first ("My page")."""
    if not user.is_authenticated:
        return Consultation.objects.none()
    invited = Invitee.objects.filter(permissions.invitation_match(user)).values("consultation_id")
    voted = Vote.objects.filter(participant__user=user).values("consultation_id")
    return (
        Consultation.objects.filter(status=Status.OPEN, pk__in=invited)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=timezone.now()))
        .exclude(pk__in=voted)
        .order_by(F("closes_at").asc(nulls_last=True), "-created_at", "-pk")
    )


def participations_of(user: Any) -> QuerySet[Participant]:
    """The caller's own participations in consultations they may still see, latest vote
    first, with their vote and statement counts ("My page": recent activity)."""
    if not user.is_authenticated:
        return Participant.objects.none()
    return (
        Participant.objects.filter(user=user, consultation__in=consultations(user).values("pk"))
        .select_related("consultation")
        .annotate(
            vote_count=Count("votes", distinct=True),
            statement_count=Count("statements", distinct=True),
            last_vote_at=Max("votes__updated_at"),
        )
        .order_by(F("last_vote_at").desc(nulls_last=True), "-created_at", "-pk")
    )
