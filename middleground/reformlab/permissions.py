"""Who may do what in the reform lab: one predicate per rule, for selectors and services.

Built-in and published scenarios are visible to everyone, a scenario shared by link to
anyone who has its (unguessable) address, a private one to its owner and the
secretariat. Custom scenarios are changed by their owner and the secretariat; only the
secretariat publishes.
"""

from typing import Any

from .models import Scenario, ScenarioVisibility


def can_view(user: Any, scenario: Scenario) -> bool:
    if scenario.builtin or scenario.visibility != ScenarioVisibility.PRIVATE:
        return True
    return bool(user.is_authenticated) and (user.is_secretariat or scenario.owner_id == user.pk)


def can_edit(user: Any, scenario: Scenario) -> bool:
    return (
        bool(user.is_authenticated)
        and not scenario.builtin
        and (user.is_secretariat or scenario.owner_id == user.pk)
    )


def can_publish(user: Any) -> bool:
    """Publishing (listing a scenario for everyone) is the secretariat's."""
    return bool(user.is_authenticated and user.is_secretariat)
