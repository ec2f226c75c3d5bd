"""Permission-checked reads of Delphi studies: the only way pages and the API fetch them.

404 for what the user may not see; PermissionDenied for what they may see but not change.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from middleground.accounts.models import Role

from . import stats
from .models import Answer, Item, PanelInvite, Panellist, PanelSeat, Round, Study, StudyStatus
from .permissions import can_invite, can_manage, can_see_results


def studies(user: Any, *, q: str = "", status: str = "") -> QuerySet[Study]:
    """Published studies for everyone; running and closed ones for network members and
    panellists; drafts for the secretariat and the chair of the study's task force."""
    qs = Study.objects.select_related("task_force", "focus_area")
    if not can_manage(user):
        visible = Q(is_published=True)
        if user.is_authenticated:
            seated = PanelSeat.objects.filter(user=user).values("study_id")
            visible |= Q(pk__in=seated)
            if user.role == Role.REPRESENTATIVE and user.institution_id:
                visible |= Q(task_force__chair_id=user.institution_id)
            if user.is_network_member:
                visible |= ~Q(status=StudyStatus.DRAFT)
        qs = qs.filter(visible)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(question__icontains=q))
    if status:
        qs = qs.filter(status=status)
    return qs.distinct()


def get_study(user: Any, *, slug: str | None = None, pk: int | None = None) -> Study:
    lookup = {"slug": slug} if slug is not None else {"pk": pk}
    study = studies(user).filter(**lookup).first()
    if study is None:
        raise Http404
    return study


def get_study_for_manage(user: Any, **lookup) -> Study:
    study = get_study(user, **lookup)
    if not can_manage(user, study):
        raise PermissionDenied
    return study


def get_item_for_manage(user: Any, *, slug: str, item_id: int) -> Item:
    """An item of a study the user manages (404 for an item of another study)."""
    study = get_study_for_manage(user, slug=slug)
    item = study.items.filter(pk=item_id).first()
    if item is None:
        raise Http404
    item.study = study
    return item


def get_study_for_invite(user: Any, **lookup) -> Study:
    study = get_study(user, **lookup)
    if not can_invite(user, study):
        raise PermissionDenied
    return study


def seat_of(user: Any, study: Study) -> Panellist | None:
    """The caller's own pseudonym in a study (only ever for the caller themself)."""
    if not user.is_authenticated:
        return None
    seat = PanelSeat.objects.filter(study=study, user=user).select_related("panellist").first()
    return seat.panellist if seat else None


def get_study_results(user: Any, **lookup) -> Study:
    study = get_study(user, **lookup)
    if not can_see_results(user, study):
        raise PermissionDenied
    return study


def get_study_for_answering(user: Any, **lookup) -> tuple[Study, Panellist]:
    """The study and the caller's own pseudonym; PermissionDenied if not on the panel."""
    study = get_study(user, **lookup)
    panellist = seat_of(user, study)
    if panellist is None:
        raise PermissionDenied
    return study, panellist


def get_round(user: Any, pk: int) -> Round:
    round = Round.objects.select_related("study").filter(pk=pk).first()
    if round is None or not studies(user).filter(pk=round.study_id).exists():
        raise Http404
    return round


def items(study: Study) -> QuerySet[Item]:
    return study.items.all()


def own_answers(panellist: Any, round: Round | None) -> dict[int, Answer]:
    if round is None:
        return {}
    return {a.item_id: a for a in Answer.objects.filter(panellist=panellist, round=round)}


def panel_status(user: Any, study: Study) -> list[dict[str, Any]]:
    """Who is on the panel and whether they have answered the open round — never what.

    The secretariat only. Sorted by name, with no time of answer, so the order tells
    nothing either. An open round's list moves only in published batches, together with
    its statistics (``services.publish_batch``), so neither can be diffed against the other.
    """
    if not can_manage(user, study):
        raise PermissionDenied
    round = study.open_round() or study.last_round()
    done: set[int] = set()
    if round is not None:
        done = set(
            PanelSeat.objects.filter(
                study=study, panellist_id__in=stats.answered(round)
            ).values_list("user_id", flat=True)
        )
    people = []
    for seat in PanelSeat.objects.filter(study=study).select_related("user"):
        u = seat.user
        people.append(
            {
                "name": u.display_name,
                "email": u.email,
                "done": u.pk in done,
            }
        )
    pending = [
        {"name": "", "email": i.email, "done": None}
        for i in PanelInvite.objects.filter(study=study, user__isnull=True)
    ]
    return sorted(people, key=lambda r: str(r["name"]).lower()) + pending


def named_answers(user: Any, study: Study) -> dict[str, str]:
    """For a study declared *named*: pseudonym -> person, for the secretariat only."""
    if not (study.is_named and can_manage(user, study)):
        raise PermissionDenied
    return {
        s.panellist.pseudonym: s.user.display_name
        for s in PanelSeat.objects.filter(study=study).select_related("user", "panellist")
    }


def rounds_to_answer(user: Any) -> QuerySet[Round]:
    """The open rounds of running studies where the caller holds a seat and has not answered
    yet, the nearest deadline first ("My page"). Only ever about the caller themself."""
    if not user.is_authenticated:
        return Round.objects.none()
    seats = PanelSeat.objects.filter(user=user)
    mine = Answer.objects.filter(
        round=OuterRef("pk"), panellist_id__in=seats.values("panellist_id")
    )
    return (
        Round.objects.filter(
            study__status=StudyStatus.RUNNING,
            study_id__in=seats.values("study_id"),
            closed_at__isnull=True,
        )
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=timezone.now()))
        .exclude(Exists(mine))
        .select_related("study")
        .order_by(F("closes_at").asc(nulls_last=True), "pk")
    )


def panels_of(user: Any) -> QuerySet[PanelSeat]:
    """The caller's own seats, newest first, each with how many rounds they answered."""
    if not user.is_authenticated:
        return PanelSeat.objects.none()
    return (
        PanelSeat.objects.filter(user=user)
        .select_related("study")
        .annotate(rounds_answered=Count("panellist__answers__round", distinct=True))
        .order_by("-joined_at", "-pk")
    )


def seated_among(study: Study, user_ids: list[int]) -> set[int]:
    """Which of these people are on the panel or invited to it (for the secretariat's
    picker; never shown to anyone who may not read the panel list)."""
    seated = set(
        PanelSeat.objects.filter(study=study, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )
    invited = PanelInvite.objects.filter(study=study, user_id__in=user_ids)
    return seated | set(invited.values_list("user_id", flat=True))
