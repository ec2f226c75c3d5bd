"""The vote table that :func:`middleground.analysis.opinion.analyze` reads and the
dataclasses it returns, with the pinned JSON shape of ``ConversationAnalysis.to_dict``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from middleground.analysis._json import finite_or_none, plain

#: Polis's k-smoother adopts a new number of groups after it is best this many updates
GROUP_K_BUFFER = 4


@dataclass(frozen=True)
class VoteTable:
    """Votes as parallel sequences (agree = 1, disagree = -1, pass = 0).

    ``time`` orders repeated votes on one statement (the latest counts) and orders
    participants by their first vote as Polis does; without it, input order decides
    repeats and participants are ordered by id.
    """

    participant: Sequence[Any] | np.ndarray
    statement: Sequence[Any] | np.ndarray
    vote: Sequence[float] | np.ndarray
    time: Sequence[float] | np.ndarray | None = None


@dataclass(frozen=True)
class KSmoothing:
    """Polis's k-smoother state: a new k is adopted after it is best 4 updates running.

    Small and JSON-serialisable (:meth:`to_dict` / :meth:`from_dict`) so an app can store it.
    """

    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None

    def to_dict(self) -> dict[str, int | None]:
        return {
            "last_k": self.last_k,
            "last_k_count": self.last_k_count,
            "smoothed_k": self.smoothed_k,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> KSmoothing:
        if not data:
            return cls()
        return cls(
            last_k=data.get("last_k"),
            last_k_count=int(data.get("last_k_count") or 0),
            smoothed_k=data.get("smoothed_k"),
        )

    def update(self, best_k: int, buffer: int = GROUP_K_BUFFER) -> KSmoothing:
        """The state after an update whose best k (by silhouette) is ``best_k``."""
        count = self.last_k_count + 1 if self.last_k == best_k else 1
        smoothed = best_k if count >= buffer or self.smoothed_k is None else self.smoothed_k
        return KSmoothing(last_k=best_k, last_k_count=count, smoothed_k=smoothed)


@dataclass(frozen=True)
class Repness:
    """How much a statement sets a group apart (Polis's representativeness).

    ``side`` is ``"agree"`` or ``"disagree"``; ``value`` is the ratio of the group's
    (smoothed) rate to the rest's, ``test`` the two-proportion z statistic;
    ``p_success`` / ``p_test`` are the group's own rate and one-proportion z.
    """

    side: str
    value: float
    test: float
    p_success: float
    p_test: float
    n_success: int
    n_trials: int

    @property
    def metric(self) -> float:
        return self.value * self.test * self.p_success * self.p_test


@dataclass(frozen=True)
class StatementResult:
    """Everything computed for one statement."""

    id: Any
    agrees: int
    disagrees: int
    passes: int
    moderated_out: bool
    meta: bool
    group_informed_consensus: float
    extremity: float
    priority: float
    repness: dict[int, Repness]
    bridging_intercept: float | None = None
    bridging_intercept_se: float | None = None
    bridging_factor: float | None = None
    bridging_status: str | None = None


@dataclass(frozen=True)
class GroupSummary:
    """An opinion group: its id, size and its representative statements (Polis's pick)."""

    id: int
    size: int
    representative: list[Any]


@dataclass(frozen=True)
class Consensus:
    """Plain consensus over everyone: top statements by agree (or disagree) rate x z."""

    agree: list[Any]
    disagree: list[Any]


@dataclass(frozen=True)
class ParticipantMap:
    """Per participant: id, group id (-1 when not in the map) and 2-D position (NaN likewise)."""

    ids: np.ndarray
    group: np.ndarray
    x: np.ndarray
    y: np.ndarray
    n_votes: np.ndarray


@dataclass
class ConversationAnalysis:
    """The result of :func:`analyze`; :meth:`to_dict` gives the pinned JSON shape."""

    participants: ParticipantMap
    groups: list[GroupSummary]
    statements: list[StatementResult]
    consensus: Consensus
    k_smoothing: KSmoothing
    silhouettes: dict[int, float]
    components: np.ndarray
    center: np.ndarray
    groups_given: bool
    k_choice: Any = None
    declared: Any = None
    bridging: Any = None
    _by_id: dict[Any, StatementResult] = field(default_factory=dict, repr=False)

    def statement(self, statement_id: Any) -> StatementResult:
        """The result for one statement id."""
        if not self._by_id:
            self._by_id = {s.id: s for s in self.statements}
        return self._by_id[statement_id]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: participants, groups, statements, consensus, (declared_groups)."""
        placed = self.participants.group >= 0
        participant_rows = [
            {
                "id": plain(pid),
                "group": int(group) if inside else None,
                "x": finite_or_none(x) if inside else None,
                "y": finite_or_none(y) if inside else None,
            }
            for pid, group, x, y, inside in zip(
                self.participants.ids.tolist(),
                self.participants.group.tolist(),
                self.participants.x.tolist(),
                self.participants.y.tolist(),
                placed.tolist(),
                strict=True,
            )
        ]
        statements = []
        for s in self.statements:
            statements.append(
                {
                    "id": plain(s.id),
                    "agrees": s.agrees,
                    "disagrees": s.disagrees,
                    "passes": s.passes,
                    "moderated_out": s.moderated_out,
                    "meta": s.meta,
                    "group_informed_consensus": finite_or_none(s.group_informed_consensus),
                    "extremity": finite_or_none(s.extremity),
                    "priority": finite_or_none(s.priority),
                    "bridging_intercept": finite_or_none(s.bridging_intercept),
                    "bridging_intercept_se": finite_or_none(s.bridging_intercept_se),
                    "bridging_factor": finite_or_none(s.bridging_factor),
                    "bridging_status": s.bridging_status,
                    "repness": {
                        str(gid): {
                            "side": r.side,
                            "value": finite_or_none(r.value),
                            "test": finite_or_none(r.test),
                            "p_success": finite_or_none(r.p_success),
                            "p_test": finite_or_none(r.p_test),
                        }
                        for gid, r in s.repness.items()
                    },
                }
            )
        result: dict[str, Any] = {
            "participants": participant_rows,
            "groups": [
                {
                    "id": g.id,
                    "size": g.size,
                    "representative": [plain(i) for i in g.representative],
                }
                for g in self.groups
            ],
            "statements": statements,
            "consensus": {
                "agree": [plain(i) for i in self.consensus.agree],
                "disagree": [plain(i) for i in self.consensus.disagree],
            },
            "groups_source": "given" if self.groups_given else "computed",
            "k_smoothing": self.k_smoothing.to_dict(),
            "silhouettes": {str(k): finite_or_none(v) for k, v in self.silhouettes.items()},
        }
        if self.k_choice is not None:
            result["k_choice"] = self.k_choice.to_dict()
        if self.declared is not None:
            result["declared_groups"] = self.declared.to_dict()
        return result
