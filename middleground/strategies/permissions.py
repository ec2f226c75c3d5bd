"""Who may do what with a strategy: one predicate per rule, for selectors and services.

A strategy in drafting is seen by its task force (the people of its member institutions),
its lead and the secretariat; once a version is put to endorsement it is public.
``visible_q`` is the SQL form of ``can_view`` for lists; a test checks that they agree.
"""

from typing import Any

from django.db.models import Q

from middleground.accounts.models import Role
from middleground.network.permissions import can_edit_task_force

from .models import Strategy, StrategyStatus

TASK_FORCE_ROLES = (Role.EXPERT, Role.REPRESENTATIVE)


def in_task_force(user: Any, strategy: Strategy) -> bool:
    """An expert or representative of one of the task force's member institutions."""
    return (
        user.is_authenticated
        and user.role in TASK_FORCE_ROLES
        and user.institution_id is not None
        and strategy.task_force.members.filter(pk=user.institution_id).exists()
    )


def is_lead(user: Any, strategy: Strategy) -> bool:
    return user.is_authenticated and strategy.lead_id == user.pk


def can_view_drafts(user: Any, strategy: Strategy) -> bool:
    """The working text, amendments, comments and unpublished versions."""
    return user.is_authenticated and (
        user.is_secretariat or is_lead(user, strategy) or in_task_force(user, strategy)
    )


def can_view(user: Any, strategy: Strategy) -> bool:
    return strategy.status != StrategyStatus.DRAFTING or can_view_drafts(user, strategy)


def visible_q(user: Any) -> Q:
    """``can_view`` in SQL, for lists of strategies."""
    public = ~Q(status=StrategyStatus.DRAFTING)
    if not user.is_authenticated:
        return public
    if user.is_secretariat:
        return Q()
    mine = Q(lead=user)
    if user.role in TASK_FORCE_ROLES and user.institution_id is not None:
        mine |= Q(task_force__members=user.institution_id)
    return public | mine


def can_create(user: Any, task_force: Any = None) -> bool:
    """The secretariat, and the representatives of a task force's chair for its strategies."""
    return user.is_authenticated and (
        user.is_secretariat or (task_force is not None and can_edit_task_force(user, task_force))
    )


def can_lead(user: Any, strategy: Strategy) -> bool:
    """Edit the text directly, decide amendments, put a version to endorsement."""
    return user.is_authenticated and (user.is_secretariat or is_lead(user, strategy))


def can_take_part(user: Any, strategy: Strategy) -> bool:
    """Comment, propose amendments, cite evidence: the task force while the text is drafted."""
    return strategy.is_drafting and can_view_drafts(user, strategy)


def can_endorse(user: Any, institution: Any) -> bool:
    """Only a representative answers, and only for their own member institution."""
    return (
        institution is not None
        and institution.is_member
        and user.is_authenticated
        and user.is_active
        and user.represents(institution.pk)
    )


def can_close_call(user: Any) -> bool:
    """Closing before the deadline is the secretariat's; the deadline closes it otherwise."""
    return user.is_authenticated and user.is_secretariat
