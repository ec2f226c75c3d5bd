"""Who may do what in accountability: one plain predicate per rule.

*The member concerned* by a cell is who speaks for that member:

* an institution: its representatives (``user.represents(institution.pk)``);
* a country: the representatives of the network's member institutions from that country
  (the alliance has no government seats; its member institutions of a country answer for
  the commitments addressed to that country, any one of them may reply);
* a partner organisation (e.g. a UN regional centre, which has no account here): only the
  secretariat, on its behalf.

The secretariat runs cycles: opens them, assigns assessors, reconciles, sends for review and
finalises. Assessors are the people assigned to a commitment in a cycle.
``selectors`` holds the SQL form of the visibility rules for lists.
"""

from typing import Any

from middleground.accounts.models import Role
from middleground.strategies.permissions import can_view as can_view_strategy

from .models import Assignment, Commitment, CommitmentMember, Cycle, CycleStatus


def can_manage(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_secretariat)


def speaks_for(user: Any, member: CommitmentMember) -> bool:
    """The member concerned (see the module docstring)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if member.institution_id is not None:
        return user.represents(member.institution_id)
    if member.country_id is not None:
        institution = getattr(user, "institution", None)
        return bool(
            user.role == Role.REPRESENTATIVE
            and institution is not None
            and institution.is_member
            and institution.country_id == member.country_id
        )
    return bool(user.is_secretariat)


def is_assessor(user: Any, cycle: Cycle, commitment: Commitment | None = None) -> bool:
    if not user.is_authenticated:
        return False
    qs = Assignment.objects.filter(cycle=cycle, assessor=user)
    if commitment is not None:
        qs = qs.filter(commitment=commitment)
    return qs.exists()


def can_view_commitments(user: Any, strategy: Any) -> bool:
    return can_view_strategy(user, strategy)


def can_view_cycle(user: Any, cycle: Cycle) -> bool:
    """Final cycles: whoever may read the strategy. Draft: the secretariat and the cycle's
    assessors. Review: those, and the members concerned (who see only their own cells)."""
    if not can_view_strategy(user, cycle.strategy):
        return False
    if cycle.status == CycleStatus.FINAL or can_manage(user) or is_assessor(user, cycle):
        return True
    if cycle.status == CycleStatus.REVIEW:
        members = CommitmentMember.objects.filter(commitment__strategy_id=cycle.strategy_id)
        return any(speaks_for(user, m) for m in members.select_related("institution"))
    return False


def can_score(user: Any, cycle: Cycle, commitment: Commitment) -> bool:
    return cycle.status == CycleStatus.DRAFT and is_assessor(user, cycle, commitment)


def can_reply(user: Any, member: CommitmentMember) -> bool:
    return speaks_for(user, member)


def can_self_report(user: Any, member: CommitmentMember) -> bool:
    return speaks_for(user, member)
