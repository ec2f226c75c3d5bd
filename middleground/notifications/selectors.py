"""Reads of notifications: a person sees only their own (404 for anyone else's)."""

from typing import Any

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.http import Http404

from .models import Follow, Frequency, Notification, Preference


def notifications_for(user: Any) -> QuerySet[Notification]:
    """The person's notices: open action-required ones first (soonest due first), then newest."""
    if not user.is_authenticated:
        return Notification.objects.none()
    open_action = Case(
        When(action_required=True, done_at__isnull=True, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        Notification.objects.filter(recipient=user)
        .alias(open_action=open_action)
        .order_by("open_action", F("due_at").asc(nulls_last=True), "-created_at", "-id")
    )


def notification_for(user: Any, notification_id: int) -> Notification:
    """One of the person's own notices; anyone else's is a 404 (as if it did not exist)."""
    if not user.is_authenticated:
        raise Http404
    found = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if found is None:
        raise Http404
    return found


def unread_count(user: Any) -> int:
    """The bell's number: one COUNT on the (recipient, read_at) index."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preference_for(user: Any) -> Preference:
    """The person's preference, unsaved defaults if they never set one (saved by a service)."""
    found = Preference.objects.filter(user=user).first()
    return found if found is not None else Preference(user=user)


def follows_for(user: Any) -> QuerySet[Follow]:
    return Follow.objects.filter(user=user)


def information_frequency(
    user: Any, kind: str, target_type: str = "", target_id: str = "", *, preference=None
) -> str:
    """How often information of ``kind`` about a target reaches ``user`` by mail.

    A followed target's own frequency first, then the per-kind override, then the person's
    default. (Action-required notices are mailed at once whatever this says.)
    """
    preference = preference if preference is not None else preference_for(user)
    if target_type and target_id:
        follow = (
            Follow.objects.filter(user=user, target_type=target_type, target_id=target_id)
            .exclude(frequency__isnull=True)
            .values_list("frequency", flat=True)
            .first()
        )
        if follow in Frequency.values:
            return follow
    return preference.frequency_for(kind)


def describe_target(target_type: str, target_id: str) -> tuple[str, str]:
    """A followed thing's name and link (``("", "")`` if it is gone or unknown)."""
    from django.apps import apps

    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return "", ""
    found = model._default_manager.filter(pk=target_id).first()
    if found is None:
        return "", ""
    get_url = getattr(found, "get_absolute_url", None)
    return str(found), get_url() if get_url else ""


def _model_name(target_type: str) -> str:
    from django.apps import apps

    try:
        return str(apps.get_model(target_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return target_type


def follow_rows(user: Any) -> list[dict[str, Any]]:
    """The person's follows with what each one is, for the preferences page."""
    rows = []
    for follow in follows_for(user):
        label, url = describe_target(follow.target_type, follow.target_id)
        rows.append(
            {
                "follow": follow,
                "label": label or f"{follow.target_type} {follow.target_id}",
                "url": url,
                "type": _model_name(follow.target_type),
            }
        )
    return rows
