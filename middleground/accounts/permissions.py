"""Who may invite whom: one predicate per rule, for selectors and services."""

from typing import Any

from .models import Role


def chairs_a_task_force(user: Any) -> bool:
    """A representative of an institution that chairs a task force."""
    return (
        user.is_authenticated
        and user.role == Role.REPRESENTATIVE
        and user.institution_id is not None
        and user.institution.chaired_task_forces.exists()
    )


def can_invite(user: Any, role: str | None = None) -> bool:
    """The secretariat invites anyone; a task force chair's representative invites experts
    (into panels), nothing more. Without ``role``: may this person invite at all?"""
    if user.is_secretariat:
        return True
    return chairs_a_task_force(user) and role in (None, Role.EXPERT)
