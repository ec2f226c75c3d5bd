"""The decision to stop a Delphi study when a round closes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ._common import _ToDict

StopReason = Literal["realtime", "last_round", "consensus", "stable"]


@dataclass(frozen=True)
class StopDecision(_ToDict):
    """Whether the study stops after a round, and why.

    ``reason`` is ``None`` when it goes on, else the first rule that applied:
    ``"realtime"`` (a real-time study has one round), ``"last_round"`` (the last
    planned round is over), ``"consensus"`` (every item reached consensus and no item
    is still to come) or ``"stable"`` (the stopping rule on stable answers).
    """

    stop: bool
    reason: StopReason | None = None


def stop_decision(
    *,
    round_number: int,
    max_rounds: int,
    remaining_stable: Sequence[bool | None],
    future_items: bool = False,
    realtime: bool = False,
    stop_when_stable: bool = False,
) -> StopDecision:
    """Decide whether a study stops once round ``round_number`` has closed.

    Parameters
    ----------
    round_number, max_rounds : int
        The round just closed (1 for the first) and the last planned round.
    remaining_stable : sequence of bool or None
        One entry per item still asked after this round (items that reached consensus
        and were dropped are left out): whether its answers were stable since the
        previous round, ``None`` when stability is undefined (e.g. a first round).
    future_items : bool, default False
        Whether some item is first asked in a later round.
    realtime : bool, default False
        A real-time study, which stops when its single round closes.
    stop_when_stable : bool, default False
        The study's stopping rule: stop from round 2 on when every item whose
        stability is known is stable (and at least one is known).

    Examples
    --------
    >>> stop_decision(round_number=3, max_rounds=3, remaining_stable=[False])
    StopDecision(stop=True, reason='last_round')
    >>> stop_decision(round_number=1, max_rounds=3, remaining_stable=[])
    StopDecision(stop=True, reason='consensus')
    >>> stop_decision(round_number=2, max_rounds=3, remaining_stable=[True, None],
    ...               stop_when_stable=True)
    StopDecision(stop=True, reason='stable')
    >>> stop_decision(round_number=2, max_rounds=3, remaining_stable=[True, False],
    ...               stop_when_stable=True)
    StopDecision(stop=False, reason=None)
    """
    reason: StopReason | None = None
    known = [bool(stable) for stable in remaining_stable if stable is not None]
    if realtime:
        reason = "realtime"
    elif round_number >= max_rounds:
        reason = "last_round"
    elif not remaining_stable and not future_items:
        reason = "consensus"
    elif stop_when_stable and round_number >= 2 and not future_items and known and all(known):
        reason = "stable"
    return StopDecision(stop=reason is not None, reason=reason)
