"""Who may do what with a Delphi study: one plain predicate per rule.

Selectors and services both ask these, so a rule has one statement. What a user may *see*
is stated once more as SQL in ``selectors.studies``, because a list is filtered there.
"""

from typing import Any

from .models import PanelSeat, Study


def can_manage(user: Any, study: Study | None = None) -> bool:
    """The secretariat runs every study: edits, launches, closes rounds, publishes."""
    return bool(user.is_authenticated and user.is_secretariat)


def chairs_task_force(user: Any, study: Study) -> bool:
    """A representative of the institution that chairs the study's task force."""
    task_force = study.task_force
    return bool(
        user.is_authenticated and task_force is not None and user.represents(task_force.chair_id)
    )


def can_invite(user: Any, study: Study) -> bool:
    return can_manage(user, study) or chairs_task_force(user, study)


def can_send_signup_links(user: Any) -> bool:
    """Only the study's managers invite an address that has no verified account yet."""
    return can_manage(user)


def sits_on_panel(user: Any, study: Study) -> bool:
    return bool(user.is_authenticated and PanelSeat.objects.filter(study=study, user=user).exists())


def can_see_results(user: Any, study: Study) -> bool:
    """Published results for everyone; a launched study's for its managers, chair and panel."""
    if study.is_draft:
        return False
    return bool(
        study.is_published
        or can_manage(user, study)
        or chairs_task_force(user, study)
        or sits_on_panel(user, study)
    )
