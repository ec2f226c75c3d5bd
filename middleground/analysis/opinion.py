"""Opinion groups and consensus from agree / disagree / pass votes, Polis-compatible.

The pipeline follows Polis's math (``compdemocracy/polis``, ``math/src/polismath``):
latest vote wins; moderated-out and meta statements are zeroed; participants enter the
map after ``min(7, n)`` votes (topped up to 15); a 2-component PCA of the centred,
sparse matrix; sparsity-scaled projections; 100 base clusters; groups for k = 2..5
chosen by silhouette over the base clusters with Polis's k-smoothing (emulated by a
silhouette margin when there is no update history, :mod:`._group_choice`), group ids
carried over from the previous analysis; repness,
consensus, group-informed consensus and routing priority. :func:`analyze` also runs the
bridging score (:mod:`middleground.analysis.bridging`) and, given declared groups,
declared-group consensus (:mod:`middleground.analysis.declared`).

Everything is numpy / scipy.sparse; no Django, no pandas, no scikit-learn.

Examples
--------
Two camps of four participants disagree on statements 1 and 2 and all agree on 3:

>>> camp_a = [(p, 1, 1) for p in range(4)] + [(p, 2, -1) for p in range(4)]
>>> camp_b = [(p, 1, -1) for p in range(4, 8)] + [(p, 2, 1) for p in range(4, 8)]
>>> everyone = [(p, 3, 1) for p in range(8)]
>>> rows = camp_a + camp_b + everyone
>>> votes = VoteTable([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
>>> result = analyze(votes, statements=[1, 2, 3])
>>> sorted(group.size for group in result.groups)
[4, 4]
>>> result.consensus.agree
[3]
>>> round(result.statement(3).group_informed_consensus, 4)  # (5/6) * (5/6)
0.6944
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.linalg

from middleground.analysis._group_choice import (
    K_MARGIN,
    K_RULES,
    KCandidate,
    KChoice,
    carry_over_ids,
    choose_k,
    smoother_after,
)
from middleground.analysis._json import plain
from middleground.analysis._kmeans import (
    first_distinct_rows,
    inertia,
    nearest_centre,
    polis_kmeans,
    silhouette,
)
from middleground.analysis._opinion_results import GROUP_K_BUFFER as GROUP_K_BUFFER
from middleground.analysis._opinion_results import (
    Consensus,
    ConversationAnalysis,
    GroupSummary,
    KSmoothing,
    ParticipantMap,
    Repness,
    StatementResult,
    VoteTable,
)
from middleground.analysis._polis_stats import Z_90 as Z_90
from middleground.analysis._polis_stats import (
    _select_representative,
    comment_priority,
    consensus_statements,
    group_informed_consensus,
    repness_stats,
)
from middleground.analysis._votes import RowBlocks, VoteMatrix, _codes_in, build_vote_matrix

__all__ = [
    "Consensus",
    "ConversationAnalysis",
    "GroupSummary",
    "KChoice",
    "KSmoothing",
    "ParticipantMap",
    "Repness",
    "StatementResult",
    "VoteTable",
    "analyze",
    "comment_priority",
    "consensus_statements",
    "group_informed_consensus",
    "K_MARGIN",
    "K_RULES",
    "repness_stats",
]

BASE_K = 100
#: above this many participants the PCA loadings come from a sample of this size
PCA_SAMPLE_LIMIT = 200_000
#: the PCA is an exact eigendecomposition of the dense Gram matrix when forming it costs
#: at most this many multiply-adds (participants x statements^2; about a second)
EXACT_PCA_FLOPS = 2_000_000_000
#: Polis's participant cap; base clusters of larger maps are fitted on a sample this big
BASE_SAMPLE_LIMIT = 100_000
MAX_GROUPS = 5


# --- the pipeline ----------------------------------------------------------------------


def _pca_two_components(
    centred: RowBlocks, tolerance: float = 1e-9, max_iter: int = 100
) -> np.ndarray:
    """Top-2 right singular vectors of a sparse matrix.

    Small maps (:data:`EXACT_PCA_FLOPS`) exactly (:func:`_exact_two_components`, the
    same for every seed); larger ones by block subspace iteration from a fixed start:

    One product with X^T X per step, then Rayleigh-Ritz on the block of 6. Stops when
    the two leading Ritz values change by less than ``tolerance`` (relative), or after
    Polis's 100 iterations: when the 2nd and 3rd eigenvalues nearly coincide, any vector
    of that near-degenerate plane explains the same variance. The start does not depend
    on ``seed``, so the map (and the groups) are the same for every seed. Signs are
    fixed so each component's largest loading is positive.
    """
    n_cols = centred.shape[1]
    components = np.zeros((2, n_cols))
    if n_cols == 0 or centred.shape[0] == 0 or all(b.nnz == 0 for b in centred.blocks):
        return components
    if centred.shape[0] * n_cols * n_cols <= EXACT_PCA_FLOPS:
        return _exact_two_components(centred)
    block = min(n_cols, 6)
    rng = np.random.default_rng(0)  # a fixed start
    basis, _ = np.linalg.qr(rng.standard_normal((n_cols, block)))
    previous: np.ndarray | None = None
    ritz_vectors = basis
    for _ in range(max_iter):
        image = centred.tdot(centred.dot(basis))
        small = basis.T @ image
        eigenvalues, eigenvectors = np.linalg.eigh((small + small.T) / 2.0)
        eigenvalues, eigenvectors = eigenvalues[::-1], eigenvectors[:, ::-1]
        ritz_vectors = basis @ eigenvectors
        leading = eigenvalues[: min(2, block)]
        scale = max(abs(float(eigenvalues[0])), 1e-300)
        if previous is not None:
            change = np.abs(leading - previous) / scale
            if change.max() <= tolerance:
                break
            # 2nd and 3rd eigenvalues within 1%: the 2nd axis is arbitrary in that plane
            near_degenerate = block > 2 and (eigenvalues[1] - eigenvalues[2]) < 0.01 * scale
            if near_degenerate and change[0] <= tolerance and change.max() <= 1e-4:
                break
        previous = leading
        basis, _ = np.linalg.qr(image @ eigenvectors)
    top = ritz_vectors[:, : min(2, block)].T
    components[: top.shape[0]] = top
    return _fix_signs(components)


def _fix_signs(components: np.ndarray) -> np.ndarray:
    """Each component's largest loading made positive (the first of equal ones)."""
    for row in components:
        if row.size and row[np.argmax(np.abs(row))] < 0:
            row *= -1.0
    return components


def _exact_two_components(centred: RowBlocks) -> np.ndarray:
    """Top-2 eigenvectors of the dense Gram matrix X^T X (no start vector, no seed).

    The subspace iteration stops early when the 2nd and 3rd eigenvalues nearly coincide,
    and then which vector of that plane it returns depends on its start; the
    exact decomposition gives one answer for every seed, so the groups do too.
    """
    n_cols = centred.shape[1]
    gram = np.zeros((n_cols, n_cols))
    for part in centred.blocks:
        for begin in range(0, part.shape[0], 4096):  # dense row chunks through BLAS
            chunk = part[begin : begin + 4096].toarray()
            gram += chunk.T @ chunk
    wanted = min(2, n_cols)
    _, eigenvectors = scipy.linalg.eigh(gram, subset_by_index=[n_cols - wanted, n_cols - 1])
    components = np.zeros((2, n_cols))
    top = eigenvectors[:, ::-1].T
    components[: top.shape[0]] = top
    return _fix_signs(components)


def _in_map(vote_counts: np.ndarray, n_statements_voted: int, min_votes: int = 7) -> np.ndarray:
    """Polis's inclusion rule: min(7, n) votes, topped up to 15 by the most active."""
    threshold = min(min_votes, n_statements_voted)
    included = vote_counts >= threshold if n_statements_voted else np.zeros_like(vote_counts, bool)
    included &= vote_counts > 0
    missing = 15 - int(included.sum())
    if missing > 0:
        others = np.flatnonzero(~included & (vote_counts > 0))
        ranked = others[np.lexsort((others, -vote_counts[others]))]
        included[ranked[:missing]] = True
    return included


def _entered_early(
    table: VoteTable, matrix: VoteMatrix, outside: np.ndarray, min_votes: int = 7
) -> np.ndarray:
    """Rows outside the map that met the inclusion rule at some earlier moment."""
    entered = np.zeros(matrix.shape[0], dtype=bool)
    times = np.asarray(table.time)
    if times.size == 0 or not outside.any():
        return entered
    participant = np.asarray(table.participant)
    statement = np.asarray(table.statement)
    order = np.argsort(times, kind="stable")
    if (order == np.arange(order.size)).all():
        order = np.arange(order.size)
    columns = _codes_in(matrix.statement_ids, statement[order])
    # distinct statements voted on so far, after each vote (O(n): first vote per column)
    first_vote = np.full(matrix.shape[1], order.size, dtype=np.int64)
    first_vote[columns[::-1]] = np.arange(order.size)[::-1]
    is_first = np.zeros(order.size, dtype=bool)
    is_first[first_vote[first_vote < order.size]] = True
    statements_so_far = np.cumsum(is_first)
    # only the votes of participants still outside need their running counts
    sorter = np.argsort(matrix.participant_ids, kind="stable")
    rows_sorted = _codes_in(matrix.participant_ids[sorter], participant[order])
    rows = sorter[rows_sorted]
    candidate = outside[rows]
    rows, columns, statements_so_far = (
        rows[candidate],
        columns[candidate],
        statements_so_far[candidate],
    )
    pair = rows.astype(np.int64) * max(matrix.shape[1], 1) + columns
    _, first_pair = np.unique(pair, return_index=True)
    new_pair = np.zeros(rows.size, dtype=bool)
    new_pair[first_pair] = True
    by_row = np.lexsort((np.arange(rows.size), rows))
    counts_sorted = np.cumsum(new_pair[by_row])
    row_sorted = rows[by_row]
    starts = np.searchsorted(row_sorted, row_sorted, side="left")
    before = np.where(starts > 0, counts_sorted[starts - 1], 0)
    own_so_far = np.empty(rows.size, dtype=np.int64)
    own_so_far[by_row] = counts_sorted - before
    met = own_so_far >= np.minimum(min_votes, statements_so_far)
    entered[rows[met]] = True
    return entered


def _group_counts(
    matrix: VoteMatrix, labels: np.ndarray, n_groups: int, vote_rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Agrees, disagrees and all votes per (group, statement) from raw votes."""
    n_cols = matrix.shape[1]
    shape = (n_groups, n_cols)
    if n_groups == 0 or matrix.values.size == 0:
        zero = np.zeros(shape, dtype=np.int64)
        return zero, zero.copy(), zero.copy()
    key_type = np.int32 if n_groups * n_cols * 3 < 2**31 else np.int64
    group_of_vote = labels.astype(key_type)[vote_rows]
    inside = group_of_vote >= 0
    # one pass: key = (group, statement, vote + 1)
    if inside.all():
        key = group_of_vote * n_cols + matrix.indices
        key = key * 3 + (matrix.values + 1)
    else:
        key = group_of_vote[inside] * n_cols + matrix.indices[inside]
        key = key * 3 + (matrix.values[inside] + 1)
    counts = np.bincount(key, minlength=n_groups * n_cols * 3).reshape(n_groups, n_cols, 3)
    agrees = counts[:, :, 2]
    disagrees = counts[:, :, 0]
    votes = counts.sum(axis=2)
    return agrees, disagrees, votes


def _as_vote_table(votes: Any) -> VoteTable:
    if isinstance(votes, VoteTable):
        return votes
    if isinstance(votes, Mapping):
        return VoteTable(votes["participant"], votes["statement"], votes["vote"], votes.get("time"))
    parts = tuple(votes)
    if len(parts) not in (3, 4):
        raise ValueError("votes: (participant, statement, vote[, time]) sequences")
    return VoteTable(*parts)


def analyze(
    votes: VoteTable | Sequence[Any] | Mapping[str, Any],
    *,
    statements: Sequence[Any] | np.ndarray,
    moderated_out: Sequence[Any] | np.ndarray = (),
    meta: Sequence[Any] | np.ndarray = (),
    seed: int = 0,
    groups: Mapping[Any, int] | None = None,
    declared: Mapping[Any, str] | None = None,
    previous: KSmoothing | Mapping[str, Any] | None = None,
    bridging: bool = True,
    bridging_options: Any = None,
    declared_options: Any = None,
    replay_inclusion: bool = True,
    n_groups: int | None = None,
    group_restarts: int = 0,
    min_votes: int = 7,
    k_rule: str = "polis",
    k_margin: float = K_MARGIN,
    previous_groups: Mapping[Any, int] | None = None,
) -> ConversationAnalysis:
    """Analyse a conversation: opinion map, groups, repness, consensus, bridging.

    Parameters
    ----------
    votes : VoteTable or (participant, statement, vote[, time]) sequences
        One row per vote; agree = 1, disagree = -1, pass = 0. The latest vote on a
        statement counts (by time, then by input order).
    statements : sequence
        All statement ids (statements without votes included).
    moderated_out, meta : sequence
        Statement ids whose columns are zeroed (Polis ``moderated = -1`` and meta).
    seed : int
        Seed of the bridging fit's start and of the samples of huge maps (beyond
        Polis's caps); the map and the groups do not depend on it otherwise.
    groups : mapping participant id -> group id, optional
        Use this group assignment (e.g. Polis's ``group-id``) instead of computing it;
        participants missing from it are outside the map.
    declared : mapping participant id -> label, optional
        Declared groups (region, bloc, institution type) for declared-group consensus.
    previous : KSmoothing or its dict, optional
        The k-smoothing state of the previous update (``result.k_smoothing``). With it,
        Polis's buffer decides k over the stored updates; without it, the buffer is
        emulated by ``k_margin``.
    previous_groups : mapping participant id -> group id, optional
        The previous analysis's groups: each new group keeps the id of the previous
        group it overlaps most (Hungarian matching), so one more vote never renumbers.
    k_rule : {"polis", "best-silhouette"}
        ``"polis"`` chooses k as Polis does (:mod:`middleground.analysis._group_choice`);
        ``"best-silhouette"`` takes the best-separated grouping of this map, without
        smoothing (what the map shows best now, not what Polis would show).
    k_margin : float
        The silhouette margin a larger k needs over a smaller one without a history.
    bridging : bool
        Fit the bridging model (Community Notes style matrix factorisation).
    min_votes : int
        Votes needed to enter the map (Polis: 7, or every statement when fewer).
    n_groups : int, optional
        Force this many groups (any k >= 2, beyond Polis's 5) instead of choosing k.
    replay_inclusion : bool
        With vote times, replay Polis's "once in, stay in" rule: a participant also
        enters the map if, at some vote, they had voted on ``min(7, n)`` of the ``n``
        statements voted on so far (early participants of a young conversation).

    Returns
    -------
    ConversationAnalysis

    Examples
    --------
    >>> result = analyze(([1, 1, 2], [10, 11, 10], [1, -1, 0]), statements=[10, 11, 12])
    >>> [(s.id, s.agrees, s.disagrees, s.passes) for s in result.statements]
    [(10, 1, 0, 1), (11, 0, 1, 0), (12, 0, 0, 0)]
    """
    if k_rule not in K_RULES:
        raise ValueError(f"k_rule: {k_rule!r} is not one of {', '.join(K_RULES)}")
    if not k_margin >= 0:
        raise ValueError(f"k_margin: {k_margin!r} must be a number >= 0")
    table = _as_vote_table(votes)
    matrix = build_vote_matrix(
        table.participant, table.statement, table.vote, table.time, statements
    )
    n_rows, n_cols = matrix.shape
    statement_ids = matrix.statement_ids
    zeroed = np.isin(statement_ids, np.asarray(list(moderated_out))) | np.isin(
        statement_ids, np.asarray(list(meta))
    )
    is_meta = np.isin(statement_ids, np.asarray(list(meta)))
    is_moderated = np.isin(statement_ids, np.asarray(list(moderated_out)))
    values = matrix.values
    indices = matrix.indices
    key_type = np.int32 if 3 * n_cols < 2**31 else np.int64
    by_vote = np.bincount(
        indices.astype(key_type) * 3 + (values + 1), minlength=3 * n_cols
    ).reshape(n_cols, 3)
    column_votes = by_vote.sum(axis=1)
    column_agrees = by_vote[:, 2]
    column_disagrees = by_vote[:, 0]
    row_counts = matrix.row_counts
    voted_columns = column_votes > 0
    n_voted_columns = int(voted_columns.sum())
    any_zeroed = bool((zeroed & voted_columns).any())

    # PCA on the centred matrix: missing votes filled with the column mean become 0
    center = np.where(
        ~zeroed & voted_columns,
        (column_agrees - column_disagrees) / np.maximum(column_votes, 1),
        0.0,
    )
    centred_data = values - center[indices]
    if any_zeroed:
        centred_data[zeroed[indices]] = 0.0
    centred = matrix.csr(centred_data)
    if n_rows > PCA_SAMPLE_LIMIT:
        # the statement loadings of a huge map are estimated from a seeded sample of
        # participants (deterministic, unlike Polis's mini-batch PCA); all are projected
        rows = np.sort(
            np.random.default_rng(seed).choice(n_rows, size=PCA_SAMPLE_LIMIT, replace=False)
        )
        components = _pca_two_components(RowBlocks(centred[rows]))
    else:
        components = _pca_two_components(RowBlocks(centred))

    # sparsity-aware projection: zeroed columns count as voted, as in Polis
    vote_rows = matrix.row_of_each_vote()
    if any_zeroed:
        n_zeroed_voted = int((zeroed & voted_columns).sum())
        active_votes = np.bincount(vote_rows[~zeroed[indices]], minlength=n_rows)
        projection_votes = active_votes + n_zeroed_voted
    else:
        projection_votes = row_counts
    scale = np.sqrt(n_voted_columns / np.maximum(projection_votes, 1))
    projection = RowBlocks(centred).dot(components.T) * scale[:, None]
    del centred, centred_data
    extremity = np.sqrt(n_voted_columns) * np.abs(1.0 - center)[:, None].T * components
    extremity = np.sqrt((extremity**2).sum(axis=0))

    in_map = _in_map(row_counts, n_voted_columns, min_votes)
    if table.time is not None and replay_inclusion:
        in_map |= _entered_early(table, matrix, ~in_map, min_votes)
    k_state = previous if isinstance(previous, KSmoothing) else KSmoothing.from_dict(previous)
    silhouettes: dict[int, float] = {}
    if groups is not None:
        labels, group_ids = _given_groups(matrix.participant_ids, groups)
        in_map = labels >= 0
        k_choice = KChoice(
            rule="given", chosen=len(group_ids), best=None, decided_by="given", margin=k_margin
        )
    else:
        member_ids = (
            [plain(p) for p in matrix.participant_ids[in_map].tolist()] if previous_groups else None
        )
        labels, group_ids, silhouettes, k_state, k_choice = _compute_groups(
            projection,
            in_map,
            k_state,
            n_groups,
            group_restarts,
            seed,
            k_rule=k_rule,
            k_margin=k_margin,
            has_history=k_state.smoothed_k is not None,
            member_ids=member_ids,
            previous_groups=previous_groups,
        )
    group_count = len(group_ids)

    group_agrees, group_disagrees, group_votes = _group_counts(
        matrix, labels, group_count, vote_rows
    )
    gic = group_informed_consensus(group_agrees, group_votes)
    sizes = np.bincount(labels[labels >= 0], minlength=group_count)
    # repness on the zeroed matrix: zeroed columns read as a pass from every member
    rep_agrees = np.where(zeroed[None, :], 0, group_agrees)
    rep_disagrees = np.where(zeroed[None, :], 0, group_disagrees)
    rep_votes = np.where(zeroed[None, :], sizes[:, None], group_votes)
    stats = repness_stats(rep_agrees, rep_disagrees, rep_votes)
    candidates = np.flatnonzero(~zeroed & voted_columns)
    group_summaries = [
        GroupSummary(
            id=int(group_ids[g]),
            size=int(sizes[g]),
            representative=[
                plain(statement_ids[c])
                for c in _select_representative(stats, rep_agrees, rep_disagrees, g, candidates)
            ],
        )
        for g in range(group_count)
    ]
    agree_ids, disagree_ids = consensus_statements(
        column_agrees, column_disagrees, column_votes, candidates
    )
    consensus = Consensus(
        agree=[plain(statement_ids[c]) for c in agree_ids],
        disagree=[plain(statement_ids[c]) for c in disagree_ids],
    )
    priority = comment_priority(
        group_agrees.sum(axis=0),
        group_disagrees.sum(axis=0),
        group_votes.sum(axis=0),
        extremity,
        is_meta,
    )

    bridge = None
    if bridging:
        from middleground.analysis.bridging import BridgingOptions, fit_bridging_matrix

        options = bridging_options or BridgingOptions()
        bridge = fit_bridging_matrix(
            matrix, options=options, seed=seed, exclude=zeroed, start_factor=components[0]
        )

    declared_result = None
    if declared is not None:
        from middleground.analysis.declared import declared_consensus_matrix

        declared_result = declared_consensus_matrix(
            matrix, declared, exclude=zeroed, options=declared_options
        )

    side_agree = stats["rat"] > stats["rdt"]
    results = []
    agrees_list = column_agrees.tolist()
    disagrees_list = column_disagrees.tolist()
    votes_list = column_votes.tolist()
    for c, sid in enumerate(statement_ids.tolist()):
        repness = {}
        for g in range(group_count):
            agree = bool(side_agree[g, c])
            repness[int(group_ids[g])] = Repness(
                side="agree" if agree else "disagree",
                value=float(stats["ra" if agree else "rd"][g, c]),
                test=float(stats["rat" if agree else "rdt"][g, c]),
                p_success=float(stats["pa" if agree else "pd"][g, c]),
                p_test=float(stats["pat" if agree else "pdt"][g, c]),
                n_success=int((rep_agrees if agree else rep_disagrees)[g, c]),
                n_trials=int(rep_votes[g, c]),
            )
        results.append(
            StatementResult(
                id=sid,
                agrees=agrees_list[c],
                disagrees=disagrees_list[c],
                passes=votes_list[c] - agrees_list[c] - disagrees_list[c],
                moderated_out=bool(is_moderated[c]),
                meta=bool(is_meta[c]),
                group_informed_consensus=float(gic[c]),
                extremity=float(extremity[c]),
                priority=float(priority[c]),
                repness=repness,
                bridging_intercept=None if bridge is None else bridge.intercept_of(c),
                bridging_intercept_se=None if bridge is None else bridge.intercept_se_of(c),
                bridging_factor=None if bridge is None else bridge.factor_of(c),
                bridging_status=None if bridge is None else bridge.status_of(c),
            )
        )
    x = np.where(in_map, projection[:, 0], np.nan) if n_rows else np.zeros(0)
    y = np.where(in_map, projection[:, 1], np.nan) if n_rows else np.zeros(0)
    return ConversationAnalysis(
        participants=ParticipantMap(
            ids=matrix.participant_ids,
            group=np.where(labels >= 0, group_ids[np.maximum(labels, 0)], -1)
            if group_count
            else labels,
            x=x,
            y=y,
            n_votes=row_counts,
        ),
        groups=group_summaries,
        statements=results,
        consensus=consensus,
        k_smoothing=k_state,
        silhouettes=silhouettes,
        k_choice=k_choice,
        components=components,
        center=center,
        groups_given=groups is not None,
        declared=declared_result,
        bridging=bridge,
    )


def _given_groups(
    participant_ids: np.ndarray, groups: Mapping[Any, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Row labels 0..k-1 from a participant -> group id mapping (-1 for absent)."""
    raw = np.array([groups.get(plain(pid), -1) for pid in participant_ids.tolist()])
    raw = raw.astype(np.int64) if raw.size else np.zeros(0, dtype=np.int64)
    group_ids = np.unique(raw[raw >= 0]) if raw.size else np.zeros(0, dtype=np.int64)
    labels = np.full(raw.size, -1, dtype=np.int64)
    if group_ids.size:
        labels[raw >= 0] = np.searchsorted(group_ids, raw[raw >= 0])
    return labels, group_ids


def _compute_groups(
    projection: np.ndarray,
    in_map: np.ndarray,
    k_state: KSmoothing,
    forced_k: int | None,
    restarts: int = 0,
    seed: int = 0,
    *,
    k_rule: str = "polis",
    k_margin: float = K_MARGIN,
    has_history: bool = False,
    member_ids: Sequence[Any] | None = None,
    previous_groups: Mapping[Any, int] | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[int, float], KSmoothing, KChoice]:
    """Base clusters, then groups for k = 2..5 by silhouette (rules in ``_group_choice``).

    Returns row labels (indices into the group ids, -1 outside the map), the group ids
    (ascending; carried over from ``previous_groups`` by overlap), the silhouettes, the
    smoother state to store and the explained choice of k.
    """
    n_rows = projection.shape[0]
    labels = np.full(n_rows, -1, dtype=np.int64)
    members = np.flatnonzero(in_map)
    if members.size == 0:
        return labels, np.zeros(0, dtype=np.int64), {}, k_state, choose_k({}, rule=k_rule)
    points = projection[members]
    if members.size > BASE_SAMPLE_LIMIT:
        # beyond Polis's 100,000-participant cap, base clusters are fitted on a seeded
        # sample of that size (kept in row order) and everyone joins the nearest one
        rng = np.random.default_rng(seed)
        sample = np.sort(rng.choice(members.size, size=BASE_SAMPLE_LIMIT, replace=False))
        base_centres, _ = polis_kmeans(points[sample], BASE_K, max_iter=100)
        base_labels = nearest_centre(points, base_centres)
        used = np.bincount(base_labels, minlength=base_centres.shape[0]) > 0
        base_centres = base_centres[used]
        base_labels = (np.cumsum(used) - 1)[base_labels]
    else:
        # conversation.clj :base-clusters: k = 100 (:base-k), 100 iterations (:base-iters)
        base_centres, base_labels = polis_kmeans(points, BASE_K, max_iter=100)
    # conversation.clj :base-clusters-weights: a base cluster weighs its member count
    base_sizes = np.bincount(base_labels, minlength=base_centres.shape[0]).astype(float)
    # conversation.clj max-k-fn: k up to min(:max-k 5, 2 + base clusters / 12), so a
    # grouping has about 12 base clusters per group at least
    max_k = min(MAX_GROUPS, 2 + base_centres.shape[0] // 12)
    k_values = range(2, max_k + 1) if forced_k is None else [max(2, forced_k)]
    clusterings: dict[int, np.ndarray] = {}
    silhouettes: dict[int, float] = {}
    for k in k_values:
        # conversation.clj :group-clusterings: weighted k-means of the base-cluster
        # centres; Polis passes its iteration count as :cluster-iters, a name kmeans
        # (clusters.clj) ignores, so its default of 20 steps applies. Groups that lose
        # every member are dropped (clusters.clj cluster-step)
        centres, group_of_base = polis_kmeans(base_centres, k, weights=base_sizes, max_iter=20)
        if restarts:
            best = inertia(base_centres, centres, group_of_base, base_sizes)
            rng = np.random.default_rng(seed + k)
            distinct = first_distinct_rows(base_centres, base_centres.shape[0])
            for _ in range(restarts):
                if distinct.size < k:
                    break
                pick = np.sort(rng.choice(distinct, size=k, replace=False))
                other_centres, other = polis_kmeans(
                    base_centres, k, weights=base_sizes, max_iter=20, start=base_centres[pick]
                )
                score = inertia(base_centres, other_centres, other, base_sizes)
                if score < best - 1e-9:
                    best, group_of_base = score, other
        clusterings[k] = group_of_base
        # conversation.clj :group-clusterings-silhouettes: clusters.clj silhouette on the
        # base clusters' distances (bucket-dists), an unweighted mean
        silhouettes[k] = silhouette(base_centres, group_of_base)
    if forced_k is None:
        choice = choose_k(
            silhouettes, rule=k_rule, state=k_state if has_history else None, margin=k_margin
        )
        k_state = smoother_after(choice, k_state if has_history else None)
    else:
        chosen = max(2, forced_k)
        choice = KChoice(
            rule="forced",
            chosen=chosen,
            best=chosen,
            decided_by="forced",
            margin=k_margin,
            candidates=[KCandidate(chosen, silhouettes[chosen], "chosen")],
        )
    assert choice.chosen is not None
    group_of_base = clusterings[choice.chosen]
    n_groups = int(group_of_base.max()) + 1 if group_of_base.size else 0
    member_labels = group_of_base[base_labels]
    ids = member_ids if member_ids is not None else list(range(members.size))
    group_ids = carry_over_ids(member_labels, ids, previous_groups, n_groups)
    order = np.argsort(group_ids, kind="stable")
    rank = np.empty(n_groups, dtype=np.int64)
    rank[order] = np.arange(n_groups)
    labels[members] = rank[member_labels]
    return labels, group_ids[order], silhouettes, k_state, choice
