"""Who may change what in the registry: one predicate per rule, for selectors and services.

``user`` is a signed-in ``User`` or the anonymous visitor (who may change nothing).
"""

from typing import Any

from .models import Expert, Institution, TaskForce


def can_edit_institution(user: Any, institution: Institution) -> bool:
    """The secretariat, and the institution's own representatives."""
    return user.is_authenticated and (user.is_secretariat or user.represents(institution.pk))


def can_add_expert(user: Any, institution: Institution | None) -> bool:
    """The secretariat adds anyone; a representative adds experts of their institution."""
    return user.is_authenticated and (
        user.is_secretariat or (institution is not None and user.represents(institution.pk))
    )


def can_edit_expert(user: Any, expert: Expert) -> bool:
    """The secretariat, the expert themselves, and their institution's representatives."""
    if not user.is_authenticated:
        return False
    return (
        user.is_secretariat or expert.user_id == user.pk or user.represents(expert.institution_id)
    )


def can_edit_task_force(user: Any, task_force: TaskForce | None) -> bool:
    """The secretariat sets up task forces; the chair's representatives edit theirs."""
    chair_rep = (
        task_force is not None and user.is_authenticated and user.represents(task_force.chair_id)
    )
    return user.is_authenticated and (user.is_secretariat or chair_rep)
