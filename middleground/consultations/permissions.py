"""Who may do what with a consultation: one predicate per rule, for selectors and services."""

from typing import Any

from django.db.models import Q

from .models import Consultation, Status, Visibility


def can_create(user: Any) -> bool:
    """The secretariat sets up consultations (by hand or from a Polis export)."""
    return user.is_authenticated and user.is_secretariat


def can_manage(user: Any, consultation: Consultation) -> bool:
    """The secretariat and the consultation's moderators run it."""
    if not user.is_authenticated:
        return False
    if user.is_secretariat:
        return True
    cache = consultation.__dict__.setdefault("_manager_cache", {})
    if user.pk not in cache:
        cache[user.pk] = consultation.moderators.filter(pk=user.pk).exists()
    return cache[user.pk]


def invitation_match(user: Any, prefix: str = "") -> Q:
    """An invitation of this user (the rule of :func:`is_invited` in SQL): bound to their id,
    or to an address they have verified.

    An unverified address (anyone can type an invitee's address into a profile) never
    matches, nor does an empty one.
    """
    match = Q(**{f"{prefix}user": user})
    if user.verified_email:
        match |= Q(**{f"{prefix}email__iexact": user.verified_email})
    return match


def is_invited(user: Any, consultation: Consultation) -> bool:
    if not user.is_authenticated:
        return False
    cache = consultation.__dict__.setdefault("_invited_cache", {})
    if user.pk not in cache:
        cache[user.pk] = consultation.invitees.filter(invitation_match(user)).exists()
    return cache[user.pk]


def can_view(user: Any, consultation: Consultation) -> bool:
    if consultation.status == Status.IMPORTING:  # a Polis import still writing: no one
        return False
    # the common cases first: they need no query
    if consultation.status != Status.DRAFT:
        if consultation.visibility == Visibility.PUBLIC:
            return True
        if consultation.visibility == Visibility.NETWORK and (
            user.is_authenticated and user.is_network_member
        ):
            return True
    if can_manage(user, consultation):
        return True
    if consultation.status == Status.DRAFT or consultation.visibility == Visibility.PUBLIC:
        return False
    return is_invited(user, consultation)


def can_participate(user: Any, consultation: Consultation) -> bool:
    """May this person vote and write (when open)? Anonymous only where the consultation allows."""
    if not user.is_authenticated:
        return consultation.allows_anonymous
    return can_view(user, consultation)
