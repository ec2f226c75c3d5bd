"""Consensus across declared groups (UN regional group, bloc, institution type, ...).

For each declared group and statement, the agree rate A / S (S counts every vote,
passes included) with a Beta(1 + A, 1 + S - A) credible interval. A statement is
cross-group consensus when, in every group shown, the lower bound passes the threshold
(likewise for disagreement).

Small groups are never shown, and nothing lets their votes be recovered. The per-statement
totals count everyone, so total minus the shown groups' counts is the votes of everyone
not in a shown group (the *unattributed* participants). The rule, with minimum size m:

1. A declared group of at least m participants is shown under its own label.
2. The groups below m are merged into one bucket, :data:`OTHER_LABEL`, shown only when the
   merged bucket has at least m participants; otherwise their members are unattributed.
3. Participants without a declared group are unattributed too.
4. If then 0 < unattributed < m, the smallest shown group is not shown either (secondary
   suppression) and its members join the unattributed, who are then at least m.

So every set of participants whose votes the published numbers give (a shown group, or the
unattributed as a difference) is empty or has at least m members. Only the shown groups'
labels and sizes, and the number of unattributed participants, are reported; which small
groups exist, and their sizes, are not. (Successive results, each safe, can still differ by
one person's votes when that person joins: as for the totals, that is the price of
publishing results while a consultation is open.)

Examples
--------
>>> result = declared_consensus(
...     participant=[1, 2, 3, 4, 1, 2, 3, 4],
...     statement=[7, 7, 7, 7, 8, 8, 8, 8],
...     vote=[1, 1, 1, 1, 1, 1, -1, -1],
...     groups={1: "Asia-Pacific", 2: "Asia-Pacific", 3: "Africa", 4: "Africa"},
...     min_group_size=2, threshold=0.3,
... )
>>> result.agree, result.groups, result.unattributed
([7], ['Africa', 'Asia-Pacific'], 0)

A lone member of a third group would be recoverable by subtraction, so the smallest shown
group is suppressed with it:

>>> lone = declared_consensus(
...     participant=[1, 2, 3, 4, 5], statement=[7] * 5, vote=[1, 1, 1, 1, -1],
...     groups={1: "Asia-Pacific", 2: "Asia-Pacific", 3: "Africa", 4: "Africa", 5: "Europe"},
...     min_group_size=2,
... )
>>> lone.groups, lone.unattributed
(['Asia-Pacific'], 3)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from middleground.analysis._json import finite_or_none, plain

if TYPE_CHECKING:
    from middleground.analysis._votes import VoteMatrix

__all__ = ["OTHER_LABEL", "DeclaredConsensus", "DeclaredOptions", "declared_consensus"]

#: the label of the merged bucket of groups below the minimum size
OTHER_LABEL = "other (small groups)"


@dataclass(frozen=True)
class DeclaredOptions:
    """Credible level of the interval, threshold on its lower bound, minimum group size."""

    credibility: float = 0.9
    threshold: float = 0.5
    min_group_size: int = 5


@dataclass
class DeclaredConsensus:
    """Per-group agreement and the statements that are consensus across all groups.

    Arrays are ``(n_groups, n_statements)``; ``groups`` lists the shown groups in row
    order (:data:`OTHER_LABEL` for the merged small groups); ``unattributed`` counts the
    participants in no shown group. ``small_groups`` (labels below the minimum size and
    their sizes) and ``undeclared`` are for the caller only: :meth:`to_dict`, what gets
    published, leaves them out.
    """

    groups: list[str]
    sizes: list[int]
    statement_ids: list[Any]
    agrees: np.ndarray
    disagrees: np.ndarray
    votes: np.ndarray
    agree_rate: np.ndarray
    agree_lower: np.ndarray
    agree_upper: np.ndarray
    disagree_lower: np.ndarray
    agree: list[Any]
    disagree: list[Any]
    small_groups: dict[str, int]
    undeclared: int
    unattributed: int
    options: DeclaredOptions

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": [
                {"label": label, "size": size}
                for label, size in zip(self.groups, self.sizes, strict=True)
            ],
            "unattributed_participants": self.unattributed,
            "credibility": self.options.credibility,
            "threshold": self.options.threshold,
            "min_group_size": self.options.min_group_size,
            "consensus": {"agree": list(self.agree), "disagree": list(self.disagree)},
            "statements": [
                {
                    "id": sid,
                    "per_group": {
                        label: {
                            "agrees": int(self.agrees[g, c]),
                            "disagrees": int(self.disagrees[g, c]),
                            "votes": int(self.votes[g, c]),
                            "agree_rate": finite_or_none(self.agree_rate[g, c]),
                            "agree_lower": finite_or_none(self.agree_lower[g, c]),
                            "agree_upper": finite_or_none(self.agree_upper[g, c]),
                        }
                        for g, label in enumerate(self.groups)
                    },
                }
                for c, sid in enumerate(self.statement_ids)
            ],
        }


def declared_consensus(
    participant: Sequence[Any] | np.ndarray,
    statement: Sequence[Any] | np.ndarray,
    vote: Sequence[float] | np.ndarray,
    groups: Mapping[Any, str],
    *,
    time: Sequence[float] | np.ndarray | None = None,
    statements: Sequence[Any] | None = None,
    exclude: Sequence[Any] = (),
    credibility: float = 0.9,
    threshold: float = 0.5,
    min_group_size: int = 5,
) -> DeclaredConsensus:
    """Declared-group consensus from raw votes (latest vote per pair counts).

    ``exclude`` lists statement ids (moderated out, meta) never reported as consensus.
    """
    from middleground.analysis._votes import build_vote_matrix

    all_statements = statements if statements is not None else np.unique(np.asarray(statement))
    matrix = build_vote_matrix(participant, statement, vote, time, all_statements)
    excluded = np.isin(matrix.statement_ids, np.asarray(list(exclude)))
    options = DeclaredOptions(credibility, threshold, min_group_size)
    return declared_consensus_matrix(matrix, groups, exclude=excluded, options=options)


def declared_consensus_matrix(
    matrix: VoteMatrix,
    groups: Mapping[Any, str],
    *,
    exclude: np.ndarray | None = None,
    options: DeclaredOptions | None = None,
) -> DeclaredConsensus:
    """Declared-group consensus on a vote matrix; see :func:`declared_consensus`."""
    from scipy.special import betaincinv  # only needed here; keeps other imports lean

    options = options or DeclaredOptions()
    participant_labels = [groups.get(plain(pid)) for pid in matrix.participant_ids.tolist()]
    labels_all = sorted({label for label in groups.values() if label is not None})
    present = [label for label in participant_labels if label is not None]
    size_of = dict.fromkeys(labels_all, 0)
    for label in present:
        size_of[label] += 1
    small = {label: n for label, n in size_of.items() if n < options.min_group_size}
    undeclared = sum(label is None for label in participant_labels)
    bucket_of, bucket_size = _shown_buckets(size_of, undeclared, options.min_group_size)
    counted = list(bucket_size)
    code_of = {label: index for index, label in enumerate(counted)}
    row_group = np.array(
        [code_of[bucket_of[label]] if label in bucket_of else -1 for label in participant_labels],
        dtype=np.int64,
    )
    n_groups, n_cols = len(counted), matrix.shape[1]
    shape = (n_groups, n_cols)
    agrees = np.zeros(shape, dtype=np.int64)
    disagrees = np.zeros(shape, dtype=np.int64)
    votes = np.zeros(shape, dtype=np.int64)
    if n_groups and matrix.values.size:
        group_of_vote = row_group[matrix.row_of_each_vote()]
        inside = group_of_vote >= 0
        flat = group_of_vote[inside] * n_cols + matrix.indices[inside]
        values = matrix.values[inside]
        agrees = np.bincount(flat[values == 1], minlength=n_groups * n_cols).reshape(shape)
        disagrees = np.bincount(flat[values == -1], minlength=n_groups * n_cols).reshape(shape)
        votes = np.bincount(flat, minlength=n_groups * n_cols).reshape(shape)
    tail = (1.0 - options.credibility) / 2.0
    a_alpha, a_beta = 1.0 + agrees, 1.0 + votes - agrees
    d_alpha, d_beta = 1.0 + disagrees, 1.0 + votes - disagrees
    agree_lower = betaincinv(a_alpha, a_beta, tail)
    agree_upper = betaincinv(a_alpha, a_beta, 1.0 - tail)
    disagree_lower = betaincinv(d_alpha, d_beta, tail)
    with np.errstate(invalid="ignore", divide="ignore"):
        agree_rate = np.where(votes > 0, agrees / np.maximum(votes, 1), np.nan)
    allowed = np.ones(n_cols, dtype=bool) if exclude is None else ~exclude
    statement_ids = [plain(s) for s in matrix.statement_ids.tolist()]
    if n_groups:
        agree_all = allowed & (agree_lower >= options.threshold).all(axis=0)
        disagree_all = allowed & (disagree_lower >= options.threshold).all(axis=0)
        # most agreed first: rank by the weakest group's lower bound
        agree_order = np.flatnonzero(agree_all)
        agree_order = agree_order[np.argsort(-agree_lower.min(axis=0)[agree_order], kind="stable")]
        disagree_order = np.flatnonzero(disagree_all)
        disagree_order = disagree_order[
            np.argsort(-disagree_lower.min(axis=0)[disagree_order], kind="stable")
        ]
    else:
        agree_order = disagree_order = np.zeros(0, dtype=np.int64)
    return DeclaredConsensus(
        groups=counted,
        sizes=[bucket_size[label] for label in counted],
        statement_ids=statement_ids,
        agrees=agrees,
        disagrees=disagrees,
        votes=votes,
        agree_rate=agree_rate,
        agree_lower=agree_lower,
        agree_upper=agree_upper,
        disagree_lower=disagree_lower,
        agree=[statement_ids[c] for c in agree_order],
        disagree=[statement_ids[c] for c in disagree_order],
        small_groups=small,
        undeclared=undeclared,
        unattributed=len(participant_labels) - sum(bucket_size.values()),
        options=options,
    )


def _shown_buckets(
    size_of: Mapping[str, int], undeclared: int, minimum: int
) -> tuple[dict[str, str], dict[str, int]]:
    """Which shown bucket each declared label counts in, and the shown buckets' sizes.

    The rule of the module docstring: big groups alone, small ones merged when the merge
    is big enough, then secondary suppression while 0 < unattributed < ``minimum``.
    """
    bucket_of = {label: label for label, n in size_of.items() if n >= minimum}
    size = {label: size_of[label] for label in sorted(bucket_of)}
    small = [label for label, n in size_of.items() if n < minimum]
    merged = sum(size_of[label] for label in small)
    if merged >= minimum:
        bucket_of.update(dict.fromkeys(small, OTHER_LABEL))
        size[OTHER_LABEL] = merged
    else:
        undeclared += merged
    if 0 < undeclared < minimum and size:
        smallest = min(size, key=lambda label: (size[label], label))
        del size[smallest]
        bucket_of = {label: b for label, b in bucket_of.items() if b != smallest}
    return bucket_of, size
