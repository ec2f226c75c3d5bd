"""The Polis-compatible opinion engine: hand-checkable cases and golden Polis data."""

from __future__ import annotations

import csv
import doctest
import math

import numpy as np
import pytest

from middleground.analysis import _kmeans, opinion, polis_io
from middleground.analysis._votes import build_vote_matrix
from middleground.analysis.opinion import (
    KSmoothing,
    VoteTable,
    analyze,
    comment_priority,
    consensus_statements,
    group_informed_consensus,
    repness_stats,
)
from middleground.analysis.tests._polis_fixtures import (
    CONVERSATIONS,
    OUTSIDE_CONVERSATIONS,
    adjusted_rand_index,
    export_dir,
    within_group_sum_of_squares,
)


def _analyze_export(name: str, **kwargs):
    export = polis_io.read_export(export_dir(name))
    votes = export.votes
    result = analyze(
        (votes.participant, votes.statement, votes.vote, votes.time),
        statements=export.statement_ids,
        moderated_out=export.moderated_out,
        meta=export.meta,
        **kwargs,
    )
    return export, result


def test_docstring_examples_run():
    for module in (opinion, polis_io):
        failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert tried > 0
        assert failures == 0


# --- hand-checkable statistics ---------------------------------------------------------


def test_repness_matches_hand_computation():
    # group 0: 8 agree, 1 disagree of 10 votes; group 1: 2 agree, 6 disagree of 10
    stats = repness_stats(np.array([[8], [2]]), np.array([[1], [6]]), np.array([[10], [10]]))
    pa = 9 / 12
    assert stats["pa"][0, 0] == pytest.approx(pa)
    assert stats["pat"][0, 0] == pytest.approx(2 * math.sqrt(11) * (9 / 11 - 0.5))
    assert stats["ra"][0, 0] == pytest.approx(pa / (3 / 12))
    p1, p2, pooled = 9 / 11, 3 / 11, 12 / 22
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / 11 + 1 / 11))
    assert stats["rat"][0, 0] == pytest.approx(z)
    # the disagree side for group 1 mirrors it
    assert stats["rd"][1, 0] == pytest.approx((7 / 12) / (2 / 12))


def test_two_proportion_test_is_zero_when_everyone_agrees():
    stats = repness_stats(np.array([[5], [5]]), np.array([[0], [0]]), np.array([[5], [5]]))
    assert stats["rat"][0, 0] == 0.0


def test_plain_consensus_needs_majority_and_significance():
    agrees = np.array([18, 2, 10, 4, 3])
    disagrees = np.array([1, 17, 10, 0, 0])
    votes = np.array([20, 20, 20, 4, 20])
    agree, disagree = consensus_statements(agrees, disagrees, votes)
    # statement 3: pa = 5/6 but z = 2 sqrt(5) (5/5 - 1/2) = 2.236 passes; statement 4 fails
    assert agree == [0, 3]
    assert disagree == [1]


def test_plain_consensus_ranks_by_rate_times_test_and_keeps_five():
    agrees = np.array([10, 20, 30, 40, 50, 60, 70])
    votes = agrees.copy()
    agree, _ = consensus_statements(agrees, np.zeros(7), votes)
    assert agree == [6, 5, 4, 3, 2]


def test_group_informed_consensus_is_product_of_smoothed_agree_rates():
    agrees = np.array([[3, 0], [1, 2]])
    votes = np.array([[4, 1], [2, 2]])
    assert group_informed_consensus(agrees, votes).tolist() == pytest.approx(
        [(4 / 6) * (2 / 4), (1 / 3) * (3 / 4)]
    )


def test_comment_priority_formula_and_meta():
    a, d, s, e = np.array([3.0]), np.array([1.0]), np.array([5.0]), np.array([0.5])
    importance = (1 - 2 / 7) * 1.5 * 4 / 7
    expected = (importance * (1 + 8 * 2 ** (-1))) ** 2
    assert comment_priority(a, d, s, e)[0] == pytest.approx(expected)
    assert comment_priority(a, d, s, e, meta=np.array([True]))[0] == 49.0


def test_k_smoothing_waits_four_updates_before_switching():
    state = KSmoothing().update(2)
    assert state.smoothed_k == 2
    for expected in (2, 2, 2, 3):
        state = state.update(3)
        assert state.smoothed_k == expected
    assert KSmoothing.from_dict(state.to_dict()) == state


# --- the pipeline on hand-made conversations -------------------------------------------


def _two_camps():
    rows = []
    for p in range(6):
        rows += [(p, 1, 1), (p, 2, -1), (p, 3, 1), (p, 4, 0)]
    for p in range(6, 12):
        rows += [(p, 1, -1), (p, 2, 1), (p, 3, 1), (p, 4, -1)]
    return VoteTable(*zip(*rows, strict=True))


def test_two_camps_are_found_with_their_representative_statements():
    result = analyze(_two_camps(), statements=[1, 2, 3, 4])
    groups = result.participants.group
    assert len(set(groups[:6].tolist())) == 1
    assert len(set(groups[6:].tolist())) == 1
    assert groups[0] != groups[6]
    first = result.groups[int(groups[0])]
    assert first.size == 6
    # camp one agrees with 1, camp two with 2: each group's top statement says so
    assert result.statement(1).repness[int(groups[0])].side == "agree"
    assert result.statement(2).repness[int(groups[6])].side == "agree"
    assert result.consensus.agree == [3]
    assert result.statement(3).group_informed_consensus == pytest.approx((7 / 8) ** 2)


def test_moderated_statements_are_zeroed_and_never_consensus():
    result = analyze(_two_camps(), statements=[1, 2, 3, 4], moderated_out=[3])
    assert 3 not in result.consensus.agree
    statement = result.statement(3)
    assert statement.moderated_out
    # still counted as votes, as Polis's votes-base does
    assert statement.agrees == 12
    assert result.center[2] == 0.0


def test_inclusion_needs_seven_votes_or_tops_up_to_fifteen():
    rows = [(p, s, 1 if (p + s) % 3 else -1) for p in range(20) for s in range(8)]
    rows += [(100, 0, 1), (101, 0, 1), (101, 1, 1)]  # two light voters
    result = analyze(VoteTable(*zip(*rows, strict=True)), statements=range(8))
    ids = result.participants.ids.tolist()
    groups = result.participants.group
    assert groups[ids.index(100)] == -1
    assert groups[ids.index(101)] == -1
    assert (groups[: ids.index(100)] >= 0).all()
    # with few participants, the most active are added until 15 are in
    few = [(p, s, 1) for p in range(10) for s in range(p % 3 + 1)]
    small = analyze(VoteTable(*zip(*few, strict=True)), statements=range(3))
    assert int((small.participants.group >= 0).sum()) == 10


def test_given_groups_replace_computed_ones():
    result = analyze(_two_camps(), statements=[1, 2, 3, 4], groups={0: 5, 1: 5, 7: 9})
    assert [g.id for g in result.groups] == [5, 9]
    assert [g.size for g in result.groups] == [2, 1]
    assert result.groups_given
    assert result.statement(1).agrees == 6


def test_forced_number_of_groups_beyond_five():
    rng = np.random.default_rng(3)
    rows = [(p, s, int(rng.choice([-1, 1]))) for p in range(300) for s in range(12)]
    result = analyze(VoteTable(*zip(*rows, strict=True)), statements=range(12), n_groups=7)
    assert len(result.groups) == 7


def test_result_is_deterministic_for_a_seed():
    one = analyze(_two_camps(), statements=[1, 2, 3, 4], seed=4)
    two = analyze(_two_camps(), statements=[1, 2, 3, 4], seed=4)
    assert one.to_dict() == two.to_dict()


def test_unknown_statement_and_bad_vote_are_rejected():
    with pytest.raises(ValueError, match="unknown statement"):
        analyze(([1], [9], [1]), statements=[1])
    with pytest.raises(ValueError, match="-1"):
        analyze(([1], [1], [2]), statements=[1])


@pytest.mark.parametrize(
    "rows, statements, moderated",
    [
        ([], [], []),
        ([], [1, 2], []),
        ([(1, 1, 1)], [1, 2], []),
        ([(1, 1, 1), (1, 2, -1)], [1, 2], []),
        ([(p, s, 0) for p in range(20) for s in range(5)], range(5), []),
        ([(p, s, 1 - p % 3) for p in range(20) for s in range(5)], range(5), range(5)),
    ],
    ids=["empty", "no-votes", "one-vote", "one-participant", "all-pass", "all-moderated"],
)
def test_degenerate_conversations_give_no_nan(rows, statements, moderated):
    table = VoteTable(*zip(*rows, strict=True)) if rows else VoteTable([], [], [])
    result = analyze(table, statements=list(statements), moderated_out=list(moderated))
    document = result.to_dict()
    assert _has_no_nan(document)
    for statement in document["statements"]:
        assert (
            statement["group_informed_consensus"] is None
            or statement["group_informed_consensus"] >= 0
        )
    if not rows:
        assert document["participants"] == []


def _has_no_nan(value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_has_no_nan(v) for v in value.values())
    if isinstance(value, list):
        return all(_has_no_nan(v) for v in value)
    return True


# --- k-means ---------------------------------------------------------------------------


def test_kmeans_starts_from_first_distinct_points_and_drops_empty_clusters():
    points = np.array([[0.0, 0.0], [0.0, 0.0], [10.0, 0.0], [0.1, 0.0], [10.1, 0.0]])
    assert _kmeans.first_distinct_rows(points, 3).tolist() == [0, 2, 3]
    centres, labels = _kmeans.polis_kmeans(points, 3)
    assert labels[0] == labels[1]
    assert labels[2] == labels[4]
    assert centres.shape[0] == len(set(labels.tolist()))


def test_bounded_assignment_equals_brute_force():
    rng = np.random.default_rng(0)
    points = np.concatenate([rng.normal(c, 0.7, size=(3000, 2)) for c in (-3, 0, 3)])
    limit = _kmeans._BRUTE_FORCE_LIMIT
    centres_bounded, labels_bounded = _kmeans.polis_kmeans(points, 100)
    try:
        _kmeans._BRUTE_FORCE_LIMIT = 10**9
        centres_brute, labels_brute = _kmeans.polis_kmeans(points, 100)
    finally:
        _kmeans._BRUTE_FORCE_LIMIT = limit
    assert np.array_equal(labels_bounded, labels_brute)
    assert np.allclose(centres_bounded, centres_brute)


def test_silhouette_of_two_tight_far_clusters_is_near_one():
    centres = np.array([[0.0, 0.0], [0.0, 0.1], [10.0, 0.0], [10.0, 0.1]])
    assert _kmeans.silhouette(centres, np.array([0, 0, 1, 1])) > 0.98
    assert _kmeans.silhouette(centres, np.array([0, 1, 0, 1])) < 0


# --- golden data from Polis ------------------------------------------------------------


def test_group_informed_consensus_reproduces_polis_on_bg2050():
    export = polis_io.read_export(export_dir("bg2050-volunteers"))
    groups = polis_io.read_group_assignment(
        export_dir("bg2050-volunteers") + "/participants-votes.csv"
    )
    votes = export.votes
    result = analyze(
        (votes.participant, votes.statement, votes.vote, votes.time),
        statements=export.statement_ids,
        moderated_out=export.moderated_out,
        meta=export.meta,
        groups=groups,
        bridging=False,
    )
    assert export.group_informed_consensus is not None
    assert len(export.group_informed_consensus) == 371
    errors = [
        abs(result.statement(sid).group_informed_consensus - polis_value)
        for sid, polis_value in export.group_informed_consensus.items()
    ]
    assert max(errors) < 1e-9


# Adjusted Rand index against Polis's own group-id, over participants both place in the
# map. Polis's stored groups come from years of incremental updates (warm-started
# k-means, k-smoothing, inclusion under older rules), which an export does not record;
# these floors sit just under what this implementation reaches from the final data alone:
# mean 0.42 over the five ../shared fixtures, 0.33 with the two outside conversations
# (scoop-hivemind.freshwater, 0.13; scoop-hivemind.affordable-housing, 0.07). The
# ceiling is measured below: on three conversations Polis's groups are not a k-means
# solution of the final map at all.
ARI_FLOORS = {
    "london.youth.policing": -0.05,
    "brexit-consensus": 0.53,
    "15-per-hour-seattle": 0.47,
    "scoop-hivemind.ubi": 0.04,
    "bg2050-volunteers": 0.99,
    "scoop-hivemind.freshwater": 0.11,
    "scoop-hivemind.affordable-housing": 0.05,
}


def _ari_against_polis(name: str, **kwargs) -> tuple[float, int]:
    _, result = _analyze_export(name, bridging=False, **kwargs)
    polis = polis_io.read_group_assignment(export_dir(name) + "/participants-votes.csv")
    ids = result.participants.ids.tolist()
    ours = result.participants.group
    both = [i for i, pid in enumerate(ids) if pid in polis and ours[i] >= 0]
    assert len(both) >= 0.7 * len(polis)
    ari = adjusted_rand_index(np.array([polis[ids[i]] for i in both]), ours[both])
    return ari, len(both)


@pytest.mark.parametrize("name", sorted(ARI_FLOORS))
def test_adjusted_rand_index_against_polis_groups(name, record_property):
    ari, n = _ari_against_polis(name)
    record_property("ari", ari)
    print(f"ARI {name}: {ari:.4f} over {n} participants")
    assert ari >= ARI_FLOORS[name]


# Within-group sum of squares (the k-means objective) of Polis's groups in our final map,
# divided by that of our own groups with k forced to Polis's k. Near 1: Polis's groups are
# a k-means solution of this map (what is left is the local optimum and the choice of k).
# Far above 1: they were formed on an earlier map (older rules or votes since), so no
# clustering of the final data can reproduce them. In between (1.09):
# scoop-hivemind.affordable-housing, where Polis's 347-to-34 split is nearly as good as
# ours by the objective yet another partition (ARI 0.07 with k forced to 2).
POLIS_OBJECTIVE_RATIO = {
    "brexit-consensus": (0.98, 1.02),
    "15-per-hour-seattle": (0.97, 1.02),
    "bg2050-volunteers": (0.98, 1.02),
    "london.youth.policing": (1.5, np.inf),
    "scoop-hivemind.ubi": (1.8, np.inf),
    "scoop-hivemind.freshwater": (1.25, np.inf),
    "scoop-hivemind.affordable-housing": (1.06, 1.12),
}


@pytest.mark.parametrize("name", sorted(POLIS_OBJECTIVE_RATIO))
def test_which_polis_groups_are_a_kmeans_solution_of_the_final_map(name):
    polis = polis_io.read_group_assignment(export_dir(name) + "/participants-votes.csv")
    polis_k = len(set(polis.values()))
    _, result = _analyze_export(name, bridging=False, n_groups=polis_k)
    ids = result.participants.ids.tolist()
    ours = result.participants.group
    both = [i for i, pid in enumerate(ids) if pid in polis and ours[i] >= 0]
    points = np.c_[result.participants.x, result.participants.y][both]
    theirs = np.array([polis[ids[i]] for i in both])
    ratio = within_group_sum_of_squares(points, theirs) / within_group_sum_of_squares(
        points, ours[both]
    )
    low, high = POLIS_OBJECTIVE_RATIO[name]
    assert low <= ratio <= high


@pytest.mark.parametrize("name", CONVERSATIONS + OUTSIDE_CONVERSATIONS)
def test_participant_vote_counts_reproduce_polis_export(name):
    """Polis's n-votes / n-agree / n-disagree per participant, from latest votes."""
    folder = export_dir(name)
    export = polis_io.read_export(folder)
    votes = export.votes
    matrix = build_vote_matrix(
        votes.participant, votes.statement, votes.vote, votes.time, export.statement_ids
    )
    rows = matrix.row_of_each_vote()
    agrees = np.bincount(rows, weights=matrix.values == 1, minlength=matrix.shape[0])
    disagrees = np.bincount(rows, weights=matrix.values == -1, minlength=matrix.shape[0])
    mine = {
        int(pid): (int(n), int(a), int(d))
        for pid, n, a, d in zip(
            matrix.participant_ids.tolist(), matrix.row_counts, agrees, disagrees, strict=True
        )
    }
    with open(folder + "/participants-votes.csv", encoding="utf-8") as handle:
        rows_polis = list(csv.DictReader(handle))
    assert len(rows_polis) == len(mine)
    for row in rows_polis:
        expected = (int(row["n-votes"]), int(row["n-agree"]), int(row["n-disagree"]))
        assert mine[int(row["participant"])] == expected


# Each outside conversation: (statements, participant rows), as in its summary.csv.
OUTSIDE_FIXTURE_COUNTS = {
    "scoop-hivemind.freshwater": (80, 117),
    "scoop-hivemind.affordable-housing": (165, 381),
}


def test_every_outside_conversation_has_its_expected_counts():
    assert set(OUTSIDE_FIXTURE_COUNTS) == set(OUTSIDE_CONVERSATIONS)


@pytest.mark.parametrize("name", OUTSIDE_CONVERSATIONS)
def test_outside_fixture_is_complete(name):
    """The reassembled openData copy parses: header, rows and every row's own checksum."""
    n_statements, n_participants = OUTSIDE_FIXTURE_COUNTS[name]
    folder = export_dir(name)
    export = polis_io.read_export(folder)
    assert export.statement_ids.size == n_statements
    with open(folder + "/comments.csv", encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == n_statements
    with open(folder + "/participants-votes.csv", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0][:6] == [
        "participant",
        "group-id",
        "n-comments",
        "n-votes",
        "n-agree",
        "n-disagree",
    ]
    assert table[0][6:] == [str(sid) for sid in range(n_statements)]
    assert len(table) - 1 == n_participants
    assert all(len(row) == 6 + n_statements for row in table)
    for row in table[1:]:
        votes = row[6:]
        assert (int(row[3]), int(row[4]), int(row[5])) == (
            sum(vote != "" for vote in votes),
            votes.count("1"),
            votes.count("-1"),
        )
    groups = polis_io.read_group_assignment(folder + "/participants-votes.csv")
    assert len(groups) == n_participants and set(groups.values()) == {0, 1}


def test_huge_maps_use_seeded_samples_for_pca_and_base_clusters(monkeypatch):
    rng = np.random.default_rng(2)
    rows = []
    for person in range(400):
        camp = person % 2
        for statement in range(10):
            agree = (statement % 2 == camp) if statement < 8 else True
            vote = 1 if agree else -1
            if rng.random() < 0.1:
                vote = -vote
            rows.append((person, statement, vote))
    table = VoteTable(*zip(*rows, strict=True))
    monkeypatch.setattr(opinion, "PCA_SAMPLE_LIMIT", 150)
    monkeypatch.setattr(opinion, "BASE_SAMPLE_LIMIT", 120)
    result = analyze(table, statements=range(10), bridging=False)
    groups = result.participants.group
    assert (groups >= 0).all()
    assert adjusted_rand_index(np.arange(400) % 2, groups) > 0.9
    again = analyze(table, statements=range(10), bridging=False)
    assert np.array_equal(again.participants.group, groups)


def test_string_ids_and_float_times_as_an_app_would_pass_them():
    rows = []
    for p in range(12):
        for s, statement in enumerate(["s-a", "s-b", "s-c", "s-d"]):
            vote = 1 if (p < 6) == (s % 2 == 0) or statement == "s-d" else -1
            rows.append((f"user-{p:02d}", statement, vote, 1.7e9 + p * 60 + s))
    participant, statement, vote, time = zip(*rows, strict=True)
    result = analyze(
        VoteTable(participant, statement, vote, time),
        statements=["s-a", "s-b", "s-c", "s-d", "s-e"],
        previous={"last_k": 2, "last_k_count": 1, "smoothed_k": 2},
    )
    document = result.to_dict()
    assert document["participants"][0]["id"] == "user-00"
    assert result.consensus.agree == ["s-d"]
    assert result.statement("s-e").agrees == 0
    assert result.k_smoothing.last_k_count == 2
    assert len(result.groups) == 2
