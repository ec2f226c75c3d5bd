"""How many opinion groups and why, and which id each group keeps between analyses.

Polis chooses the number of groups k in ``math/src/polismath/math/conversation.clj``
(compdemocracy/polis); the rules followed here, each cited where it is applied:

- candidates k = 2 .. min(5, 2 + base clusters // 12) (``max-k-fn``, used by
  ``:group-clusterings``);
- each k scored by the silhouette over the base-cluster centres, unweighted, a base
  cluster alone in its group scoring 0 (``:group-clusterings-silhouettes``, which calls
  ``silhouette`` of ``clusters.clj`` on ``bucket-dists``);
- the best silhouette wins, ties going to the larger k (``:group-k-smoother``:
  ``(apply max-key silhouettes ks)``, and Clojure's ``max-key`` returns the last of
  equal keys);
- a new best k replaces the smoothed k only once it has been best ``group-k-buffer`` = 4
  updates running (``:group-k-smoother``; :class:`KSmoothing`).

An export has no update history, so the buffer is emulated: the smoothed k of a young
conversation is 2 (with fewer than 12 base clusters no other k is tried), and a larger
k that beats a smaller one by less than :data:`K_MARGIN` would not have stayed best for
four updates running, so the smallest k within the margin of the best is kept.

Examples
--------
>>> import textwrap
>>> choice = choose_k({2: 0.39, 3: 0.42, 4: 0.36}, rule="polis")
>>> choice.chosen, choice.best, choice.decided_by
(2, 3, 'margin')
>>> print(textwrap.fill(choice.explanation(), 80))
k=2: k=3 had the best silhouette (0.420 against 0.390) but won by 0.030, less
than the margin 0.04 that emulates Polis waiting 4 updates before it changes k;
k=4 0.360 lost
>>> choose_k({2: 0.39, 3: 0.42}, rule="best-silhouette").chosen
3
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from middleground.analysis._json import finite_or_none
from middleground.analysis._opinion_results import GROUP_K_BUFFER, KSmoothing

__all__ = ["K_MARGIN", "K_RULES", "KCandidate", "KChoice", "carry_over_ids", "choose_k"]

#: Silhouette margin by which a larger k must beat a smaller one to replace it when the
#: update history is unknown (the emulated buffer). Set on the five conversations of
#: ``../shared`` (brexit-consensus: k=3 beats Polis's k=2 by 0.030); see docs/benchmarks.md.
K_MARGIN = 0.04
#: ``"polis"``: as Polis (buffer emulated by the margin when there is no history);
#: ``"best-silhouette"``: the best-separated grouping of this map, no smoothing.
K_RULES = ("polis", "best-silhouette")


@dataclass(frozen=True)
class KCandidate:
    """One k tried: its silhouette and what happened to it.

    ``outcome``: ``"chosen"``, ``"lower"`` (a lower silhouette than the chosen k),
    ``"tie"`` (an equal silhouette; the larger k wins), ``"within-margin"`` (higher, but
    by less than the margin), ``"not-yet-stable"`` (best now, not yet for ``buffer``
    updates running) or ``"below-best"`` (higher than the chosen k, not the best, while
    the stored history keeps the chosen k).
    """

    k: int
    silhouette: float
    outcome: str


@dataclass(frozen=True)
class KChoice:
    """Why the analysis has this many groups.

    ``rule`` is the rule asked for (``"polis"``, ``"best-silhouette"``, ``"forced"``,
    ``"given"``); ``decided_by`` what settled it: ``"best-silhouette"``, ``"margin"``
    (emulated buffer), ``"smoothing"`` (Polis's buffer over stored updates),
    ``"forced"``, ``"given"`` or ``"no-groups"``; ``updates_best`` how many updates
    running the best k has been best (with a stored history).
    """

    rule: str
    chosen: int | None
    best: int | None
    decided_by: str
    margin: float = K_MARGIN
    buffer: int = GROUP_K_BUFFER
    updates_best: int = 0
    candidates: list[KCandidate] = field(default_factory=list)

    def explanation(self) -> str:
        """One English sentence (the JSON's ``explanation``; pages build their own)."""
        if self.chosen is None:
            return "no groups: nobody is in the map"
        if self.decided_by in ("forced", "given"):
            return f"k={self.chosen}: {self.decided_by}"
        by_k = {c.k: c for c in self.candidates}
        chosen = by_k[self.chosen]
        if self.decided_by == "margin" and self.best is not None:
            best = by_k[self.best]
            head = (
                f"k={self.chosen}: k={best.k} had the best silhouette ({best.silhouette:.3f} "
                f"against {chosen.silhouette:.3f}) but won by "
                f"{best.silhouette - chosen.silhouette:.3f}, less than the margin "
                f"{self.margin:.2f} that emulates Polis waiting {self.buffer} updates "
                "before it changes k"
            )
        elif self.decided_by == "smoothing" and self.best is not None:
            best = by_k[self.best]
            head = (
                f"k={self.chosen}: k={best.k} has the best silhouette ({best.silhouette:.3f} "
                f"against {chosen.silhouette:.3f}) for {self.updates_best} update(s) "
                f"running; Polis changes k after {self.buffer}"
            )
        else:
            head = f"k={self.chosen}: best silhouette {chosen.silhouette:.3f}"
        mentioned = (
            {self.chosen} if self.decided_by == "best-silhouette" else {self.chosen, self.best}
        )
        rest = []
        for c in self.candidates:
            if c.k in mentioned:
                continue
            if c.outcome == "within-margin":
                gap = c.silhouette - chosen.silhouette
                rest.append(f"k={c.k} {c.silhouette:.3f} won by {gap:.3f} (< margin)")
            elif c.outcome == "tie":
                rest.append(f"k={c.k} {c.silhouette:.3f} tied (the larger k wins)")
            elif c.outcome == "below-best":
                rest.append(f"k={c.k} {c.silhouette:.3f} not the best")
            else:
                rest.append(f"k={c.k} {c.silhouette:.3f} lost")
        return "; ".join([head, *rest])

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "chosen": self.chosen,
            "best": self.best,
            "decided_by": self.decided_by,
            "margin": self.margin,
            "buffer": self.buffer,
            "updates_best": self.updates_best,
            "candidates": [
                {"k": c.k, "silhouette": finite_or_none(c.silhouette), "outcome": c.outcome}
                for c in self.candidates
            ],
            "explanation": self.explanation(),
        }


def _outcomes(
    silhouettes: Mapping[int, float], chosen: int, best: int, beaten: str
) -> list[KCandidate]:
    """Each candidate's outcome against the chosen k (``beaten``: a higher one's fate)."""
    out = []
    mine = silhouettes[chosen]
    for k in sorted(silhouettes):
        value = float(silhouettes[k])
        if k == chosen:
            outcome = "chosen"
        elif beaten == "not-yet-stable" and k != best and value >= mine:
            outcome = "below-best"
        elif value > mine:
            outcome = beaten
        elif value == mine:
            outcome = beaten if k > chosen else "tie"
        else:
            outcome = "lower"
        out.append(KCandidate(k=k, silhouette=value, outcome=outcome))
    return out


def choose_k(
    silhouettes: Mapping[int, float],
    *,
    rule: str = "polis",
    state: KSmoothing | None = None,
    margin: float = K_MARGIN,
    buffer: int = GROUP_K_BUFFER,
) -> KChoice:
    """Choose k from each candidate's silhouette.

    With ``rule="polis"`` and a stored smoother ``state`` (one with a ``smoothed_k``), the
    previous updates decide as in Polis's ``:group-k-smoother``; without one, the margin
    emulates the buffer. ``"best-silhouette"`` takes the best-separated k of this map.
    """
    if rule not in K_RULES:
        raise ValueError(f"k_rule: {rule!r} is not one of {', '.join(K_RULES)}")
    if margin < 0:
        raise ValueError("k margin: must be >= 0")
    if not silhouettes:
        return KChoice(rule=rule, chosen=None, best=None, decided_by="no-groups", margin=margin)
    # conversation.clj :group-k-smoother: (apply max-key silhouettes ks), the last of
    # equal keys winning, ks in increasing order: on a tie the larger k
    best = max(silhouettes, key=lambda k: (silhouettes[k], k))
    history = state is not None and state.smoothed_k is not None
    updated = (state or KSmoothing()).update(best, buffer)
    if rule == "best-silhouette":
        chosen, decided, beaten = best, "best-silhouette", "lower"
    elif history and updated.smoothed_k in silhouettes:
        # conversation.clj :group-k-smoother / :group-clusters: the smoothed k is used
        chosen = int(updated.smoothed_k)  # type: ignore[arg-type]
        decided = "best-silhouette" if chosen == best else "smoothing"
        beaten = "not-yet-stable"
    else:
        # no history (an export): the smallest k within the margin of the best
        top = float(silhouettes[best])
        chosen = min(k for k in silhouettes if k == best or top - float(silhouettes[k]) < margin)
        decided = "best-silhouette" if chosen == best else "margin"
        beaten = "within-margin"
    return KChoice(
        rule=rule,
        chosen=chosen,
        best=best,
        decided_by=decided,
        margin=margin,
        buffer=buffer,
        updates_best=updated.last_k_count,
        candidates=_outcomes(silhouettes, chosen, best, beaten),
    )


def smoother_after(
    choice: KChoice, state: KSmoothing | None, buffer: int = GROUP_K_BUFFER
) -> KSmoothing:
    """The smoother state to store after ``choice``: the emulated k becomes the smoothed k."""
    if choice.best is None:
        return state or KSmoothing()
    updated = (state or KSmoothing()).update(choice.best, buffer)
    if choice.decided_by in ("margin", "best-silhouette") and choice.rule == "polis":
        return KSmoothing(updated.last_k, updated.last_k_count, choice.chosen)
    return updated


def carry_over_ids(
    member_labels: np.ndarray,
    member_ids: Sequence[Any],
    previous: Mapping[Any, int] | None,
    n_groups: int,
) -> np.ndarray:
    """Group id for each label 0..n_groups-1, kept from the previous analysis by overlap.

    The overlap matrix (new group x previous group: participants in both) is matched by
    the Hungarian method (maximum total overlap); a matched group with any overlap keeps
    the previous id, as Polis keeps its group ids across updates by warm-starting them;
    the others get new ids above every previous one, in label order.

    >>> carry_over_ids(np.array([0, 0, 1, 1, 2]), ["a", "b", "c", "d", "e"],
    ...                {"a": 1, "b": 1, "c": 0, "d": 0}, 3).tolist()
    [1, 0, 2]
    """
    if not previous:
        return np.arange(n_groups, dtype=np.int64)
    old = np.array([previous.get(pid, -1) for pid in member_ids], dtype=np.int64)
    old_ids = np.unique(old[old >= 0])
    ids = np.full(n_groups, -1, dtype=np.int64)
    if old_ids.size:
        known = old >= 0
        columns = np.searchsorted(old_ids, old[known])
        overlap = np.zeros((n_groups, old_ids.size), dtype=np.int64)
        np.add.at(overlap, (member_labels[known], columns), 1)
        rows, cols = linear_sum_assignment(overlap, maximize=True)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            if overlap[r, c] > 0:
                ids[r] = old_ids[c]
    next_id = max((int(g) for g in previous.values() if g is not None and g >= 0), default=-1) + 1
    for label in range(n_groups):
        if ids[label] < 0:
            ids[label] = next_id
            next_id += 1
    return ids
