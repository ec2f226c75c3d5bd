"""Hand-checkable tests of the Delphi statistics core (summaries, rules, stability, groups).

Kendall's W lives in ``test_delphi_kendall.py``; hypothesis properties in
``test_delphi_properties.py``.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from middleground.analysis import delphi
from middleground.analysis.delphi import (
    ConsensusRules,
    LikertScale,
    NumericScale,
    by_group,
    evaluate_consensus,
    kendall_w,
    stability,
    summarize_item,
    summarize_pair,
    validate_likert,
    validate_numeric,
    validate_ranking,
)

# --------------------------------------------------------------------------- module hygiene


def test_it_imports_without_django() -> None:
    code = (
        "import sys\n"
        "import middleground.analysis.delphi as d\n"
        "d.kendall_w([[1, 2, 3], [1, 3, 2]])\n"
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if 'django' in m)\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_all_names_exist() -> None:
    for name in delphi.__all__:
        assert hasattr(delphi, name), name


# --------------------------------------------------------------------------- summaries


def test_quartiles_of_one_to_nine_with_type_7_method() -> None:
    # Type 7: position h = (n - 1) p; for n = 9, q1 at index 2 (value 3), q3 at index 6 (7).
    s = summarize_item([9, 1, 8, 2, 7, 3, 6, 4, 5])
    assert s.quantile_method == "linear"
    assert (s.q1, s.median, s.q3, s.iqr) == (3.0, 5.0, 7.0, 4.0)
    assert (s.minimum, s.maximum) == (1.0, 9.0)


def test_quartiles_interpolate_between_answers() -> None:
    # n = 4: q1 at h = 0.75 -> 1 + 0.75 * (2 - 1) = 1.75; q3 at h = 2.25 -> 3.25.
    s = summarize_item([4, 3, 2, 1])
    assert (s.q1, s.median, s.q3) == (1.75, 2.5, 3.25)
    assert s.iqr == pytest.approx(1.5)


def test_quantile_method_can_be_chosen_and_is_reported() -> None:
    # Type 6 (weibull): position (n + 1) p = 2.5 and 7.5 for n = 9.
    s = summarize_item(range(1, 10), quantile_method="weibull")
    assert (s.q1, s.q3, s.iqr) == (2.5, 7.5, 5.0)
    assert s.quantile_method == "weibull"
    with pytest.raises(ValueError, match="quantile_method"):
        summarize_item([1, 2], quantile_method="bogus")


def test_mean_sd_cv_by_hand() -> None:
    # mean 5; squared deviations sum to 32; sample variance 32 / 7.
    s = summarize_item([2, 4, 4, 4, 5, 5, 7, 9])
    assert s.mean == 5.0
    assert s.sd == pytest.approx(math.sqrt(32 / 7))
    assert s.cv == pytest.approx(math.sqrt(32 / 7) / 5)


def test_likert_distribution_counts_every_point_with_labels() -> None:
    scale = LikertScale(5, ("SD", "D", "N", "A", "SA"))
    s = summarize_item([5, 4, 4, 2, 5, 5], scale=scale, agreement_band=(4, 5))
    assert s.distribution.kind == "points"
    assert s.distribution.points == (1, 2, 3, 4, 5)
    assert s.distribution.counts == (0, 1, 0, 2, 3)
    assert s.distribution.labels == ("SD", "D", "N", "A", "SA")
    assert s.percent_in_band == pytest.approx(500 / 6)


def test_numeric_histogram_spans_the_bounds() -> None:
    scale = NumericScale(lower=0, upper=100, unit="%", bins=4)
    s = summarize_item([0, 10, 30, 60, 100, 100], scale=scale)
    assert s.distribution.kind == "histogram"
    assert s.distribution.edges == (0.0, 25.0, 50.0, 75.0, 100.0)
    assert s.distribution.counts == (2, 1, 1, 2)  # last bin is closed: 100 counted


def test_empty_and_single_answer_summaries_are_json_without_nan() -> None:
    empty = summarize_item([], scale=LikertScale(7), agreement_band=(5, 7))
    assert empty.n == 0 and empty.median is None and empty.percent_in_band is None
    one = summarize_item([4])
    assert one.median == 4.0 and one.iqr == 0.0 and one.sd is None and one.cv is None
    for s in (empty, one):
        json.dumps(s.to_dict(), allow_nan=False)
    assert "values" not in one.to_dict()


def test_answers_outside_the_iqr_are_flagged() -> None:
    s = summarize_item([1, 2, 3, 4])  # q1 = 1.75, q3 = 3.25
    assert [s.is_outside_iqr(v) for v in (1, 1.75, 3.25, 4)] == [True, False, False, True]
    assert not summarize_item([]).is_outside_iqr(5)


def test_cv_is_none_when_mean_is_zero() -> None:
    assert summarize_item([-1, 1]).cv is None


@pytest.mark.parametrize(
    ("values", "scale", "message"),
    [
        ([1, 2, 10], LikertScale(9), r"values\[2\]: answer 10 is outside the 9-point scale"),
        ([1, 2.5], LikertScale(5), r"values\[1\]: answer 2.5 is not a whole scale point"),
        ([1, float("nan")], None, r"values\[1\] is not a finite number"),
        ([150], NumericScale(0, 100), r"values\[0\]: answer 150 is above the upper bound 100"),
        ([[1, 2]], None, "one-dimensional"),
        (["a"], None, "must be numbers"),
    ],
)
def test_summaries_reject_bad_answers(values, scale, message) -> None:
    with pytest.raises(ValueError, match=message):
        summarize_item(values, scale=scale)


def test_agreement_band_must_fit_the_scale_and_be_ordered() -> None:
    with pytest.raises(ValueError, match="agreement_band: 7–9 lies outside the 5-point scale"):
        summarize_item([1, 2], scale=LikertScale(5), agreement_band=(7, 9))
    with pytest.raises(ValueError, match="agreement_band: low 9 is greater than high 7"):
        summarize_item([1, 2], agreement_band=(9, 7))


def test_scales_validate_their_fields() -> None:
    with pytest.raises(ValueError, match="points"):
        LikertScale(1)
    with pytest.raises(ValueError, match="labels"):
        LikertScale(3, ("a", "b"))
    with pytest.raises(ValueError, match="lower"):
        NumericScale(lower=10, upper=1)
    with pytest.raises(ValueError, match="bins"):
        NumericScale(bins=0)


# --------------------------------------------------------------------------- validators


def test_validate_likert_accepts_whole_points_and_rejects_the_rest() -> None:
    assert validate_likert(1, 5) == 1
    assert validate_likert(np.int64(9), 9) == 9
    for bad, msg in [
        (0, "outside the 7-point scale"),
        (8, "outside the 7-point scale"),
        (3.5, "not a whole scale point"),
        (True, "not a number"),
        ("5", "not a number"),
        (None, "not a number"),
        (float("inf"), "not a finite number"),
    ]:
        with pytest.raises(ValueError, match=msg):
            validate_likert(bad, 7)
    with pytest.raises(ValueError, match="points"):
        validate_likert(3, 12)


def test_validate_numeric_bounds_are_inclusive() -> None:
    assert validate_numeric(0, 0, 100) == 0.0
    assert validate_numeric(100, 0, 100) == 100.0
    assert validate_numeric(-1e9) == -1e9
    with pytest.raises(ValueError, match="below the lower bound 2025"):
        validate_numeric(2024, 2025, None)
    with pytest.raises(ValueError, match="not a finite number"):
        validate_numeric(float("nan"), 0, 1)
    with pytest.raises(ValueError, match="not a number"):
        validate_numeric("12", 0, 100)
    with pytest.raises(ValueError, match="bounds"):
        validate_numeric(5, 10, 1)


def test_validate_ranking_rejects_duplicates_unknowns_and_gaps() -> None:
    allowed = ["a", "b", "c"]
    assert validate_ranking(["c", "a", "b"], allowed) == (("c",), ("a",), ("b",))
    assert validate_ranking([("a", "c"), "b"], allowed) == (("a", "c"), ("b",))
    with pytest.raises(ValueError, match="option 'a' more than once"):
        validate_ranking(["a", ("b", "a"), "c"], allowed)
    with pytest.raises(ValueError, match="unknown option 'z'"):
        validate_ranking(["a", "b", "z"], allowed)
    with pytest.raises(ValueError, match="missing option"):
        validate_ranking(["a", "b"], allowed)
    assert validate_ranking(["a", "b"], allowed, complete=False) == (("a",), ("b",))
    with pytest.raises(ValueError, match="empty tie group"):
        validate_ranking(["a", (), "b", "c"], allowed)
    with pytest.raises(ValueError, match="sequence of option ids"):
        validate_ranking("abc", allowed)
    with pytest.raises(ValueError, match="empty"):
        validate_ranking([], allowed, complete=False)


# --------------------------------------------------------------------------- consensus


def _rules_75_iqr2() -> ConsensusRules:
    return ConsensusRules(min_answers=8, percent_agreement=(7, 9, 75), max_iqr=2)


def test_rules_describe_the_sentence_for_the_report() -> None:
    assert (
        _rules_75_iqr2().describe()
        == "Consensus when at least 75% rate 7–9 and IQR ≤ 2, with at least 8 answers"
    )
    r = ConsensusRules(max_sd=1.5, percent_agreement=(9, 9, 51), combine="any")
    assert r.describe() == "Consensus when at least 51% rate 9 or SD ≤ 1.5, with at least 1 answer"


def test_rules_roundtrip_through_json() -> None:
    r = ConsensusRules(
        min_answers=10,
        percent_agreement=(7, 9, 70),
        percent_disagreement=(1, 3, 15),
        max_iqr=1,
        max_sd=1.2,
        combine="any",
    )
    data = json.loads(json.dumps(r.to_dict()))
    assert data == {
        "min_answers": 10,
        "percent_agreement": {"low": 7.0, "high": 9.0, "min_percent": 70.0},
        "percent_disagreement": {"low": 1.0, "high": 3.0, "max_percent": 15.0},
        "max_iqr": 1.0,
        "max_sd": 1.2,
        "combine": "any",
    }
    assert ConsensusRules.from_dict(data) == r
    # list form of the triples is accepted too
    assert ConsensusRules.from_dict({"percent_agreement": [7, 9, 70]}).percent_agreement == (
        7.0,
        9.0,
        70.0,
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"min_answers": 0, "max_iqr": 1}, "min_answers"),
        ({"min_answers": True, "max_iqr": 1}, "min_answers"),
        ({"percent_agreement": (9, 7, 75)}, "percent_agreement"),
        ({"percent_agreement": (7, 9, 0)}, "percent_agreement"),
        ({"percent_agreement": (7, 9, 101)}, "percent_agreement"),
        ({"percent_agreement": (7, 9)}, "percent_agreement"),
        ({"percent_disagreement": (1, 3, -5)}, "percent_disagreement"),
        ({"max_iqr": -1}, "max_iqr"),
        ({"max_sd": float("nan")}, "max_sd"),
        ({"max_iqr": 1, "combine": "most"}, "combine"),
        ({}, "criteria"),
    ],
)
def test_invalid_rules_name_the_bad_field(kwargs, field) -> None:
    with pytest.raises(ValueError, match=f"^{field}:"):
        ConsensusRules(**kwargs)


def test_from_dict_rejects_unknown_fields() -> None:
    with pytest.raises(ValueError, match="^max_iq: unknown"):
        ConsensusRules.from_dict({"max_iq": 1})
    with pytest.raises(ValueError, match="percent_agreement: expected keys"):
        ConsensusRules.from_dict({"percent_agreement": {"low": 7, "high": 9, "pct": 75}})


def test_rules_check_scale() -> None:
    _rules_75_iqr2().check_scale(LikertScale(9))
    with pytest.raises(ValueError, match="percent_agreement: band 7–9 lies outside"):
        _rules_75_iqr2().check_scale(LikertScale(7))


def test_exactly_75_percent_in_band_with_iqr_2_is_consensus() -> None:
    # 6 of 8 answers in 7-9 = 75%; sorted [3,5,7,7,8,8,9,9]: q1 = 6.5, q3 = 8.25.
    s = summarize_item([7, 8, 9, 7, 8, 9, 5, 3], scale=LikertScale(9))
    res = evaluate_consensus(s, _rules_75_iqr2())
    assert res.reached and res.status == "consensus"
    by_name = {c.name: c for c in res.criteria}
    assert by_name["percent_agreement"].value == 75.0
    assert by_name["max_iqr"].value == pytest.approx(1.75)
    assert res.rule == _rules_75_iqr2().describe()
    json.dumps(res.to_dict(), allow_nan=False)


def test_one_answer_short_of_the_threshold_is_not_consensus() -> None:
    # 5 of 8 answers in 7-9 = 62.5% < 75% (6 of 8 would pass, see the test above).
    s = summarize_item([7, 8, 9, 7, 8, 5, 3, 2])
    assert s.percent_between(7, 9) == 62.5
    res = evaluate_consensus(s, _rules_75_iqr2())
    assert not res.reached
    assert res.status == "no_consensus"
    failed = [c.name for c in res.criteria if not c.passed]
    assert "percent_agreement" in failed


def test_too_few_answers_is_reported_as_insufficient() -> None:
    s = summarize_item([8, 8, 8, 8, 8, 8, 8])  # unanimous, but 7 < 8
    res = evaluate_consensus(s, _rules_75_iqr2())
    assert res.status == "insufficient_answers" and not res.reached
    assert res.criteria[0].name == "min_answers" and not res.criteria[0].passed
    assert all(c.passed for c in res.criteria[1:])


def test_combine_any_needs_only_one_criterion() -> None:
    # 25% in 7-9 (fails 75%); sorted [5,5,5,5,5,5,9,9]: q1 = 5, q3 = 6 -> IQR 1 (passes).
    s = summarize_item([5, 5, 5, 5, 5, 5, 9, 9])
    assert (s.percent_between(7, 9), s.iqr) == (25.0, 1.0)
    all_rules = ConsensusRules(min_answers=8, percent_agreement=(7, 9, 75), max_iqr=2)
    any_rules = ConsensusRules(
        min_answers=8, percent_agreement=(7, 9, 75), max_iqr=2, combine="any"
    )
    assert not evaluate_consensus(s, all_rules).reached
    assert evaluate_consensus(s, any_rules).reached


def test_disagreement_rule_is_strictly_less_than() -> None:
    rules = ConsensusRules(percent_agreement=(7, 9, 70), percent_disagreement=(1, 3, 15))
    # 20 answers, 3 in 1-3 = 15% -> fails (needs < 15%); 17 in 7-9 = 85%.
    s = summarize_item([8] * 17 + [2] * 3)
    res = evaluate_consensus(s, rules)
    crit = {c.name: c for c in res.criteria}
    assert crit["percent_disagreement"].value == 15.0
    assert not crit["percent_disagreement"].passed
    assert crit["percent_agreement"].passed
    assert not res.reached
    s2 = summarize_item([8] * 18 + [2] * 2)  # 10% -> passes
    assert evaluate_consensus(s2, rules).reached


def test_sd_rule_uses_sample_sd() -> None:
    s = summarize_item([4, 5, 6])  # sample SD = 1
    assert evaluate_consensus(s, ConsensusRules(max_sd=1)).reached
    assert not evaluate_consensus(s, ConsensusRules(max_sd=0.99)).reached
    one = summarize_item([4])  # SD undefined -> fails, never a silent pass
    assert not evaluate_consensus(one, ConsensusRules(max_sd=1)).reached


def test_evaluate_accepts_the_stored_dict() -> None:
    s = summarize_item([8] * 9)
    assert evaluate_consensus(s, _rules_75_iqr2().to_dict()).reached


# --------------------------------------------------------------------------- stability


def test_unpaired_rounds_report_cv_change_only() -> None:
    prev = [2, 4, 4, 4, 5, 5, 7, 9]  # CV = sqrt(32/7)/5
    cur = [4, 5, 5, 5, 5, 5, 5, 6]  # mean 5, squared deviations 2 -> sd sqrt(2/7)
    res = stability(prev, cur)
    assert res.wilcoxon.status == "not_paired" and res.wilcoxon.p_value is None
    assert res.cv_previous is not None and res.cv_current is not None
    assert res.cv_change is not None
    assert res.cv_previous == pytest.approx(math.sqrt(32 / 7) / 5)
    assert res.cv_current == pytest.approx(math.sqrt(2 / 7) / 5)
    assert res.cv_change == pytest.approx(res.cv_current - res.cv_previous)
    assert res.cv_change_relative == pytest.approx(res.cv_change / res.cv_previous)
    assert not res.stable  # change of about -0.32 > 0.1
    assert stability(prev, cur, max_cv_change=0.5).stable


def test_few_changed_pairs_give_a_status_not_a_p_value() -> None:
    prev = [5, 6, 7, 8, 5, 6, 7, 8]
    cur = [5, 6, 7, 8, 6, 7, 8, 9]  # 4 non-zero differences < 6
    res = stability(prev, cur, paired=True)
    assert res.wilcoxon.status == "not_enough_pairs"
    assert (res.wilcoxon.n_pairs, res.wilcoxon.n_nonzero) == (8, 4)
    assert res.wilcoxon.p_value is None and res.wilcoxon.statistic is None
    nobody_moved = stability(prev, prev, paired=True)
    assert nobody_moved.wilcoxon.status == "not_enough_pairs"
    assert nobody_moved.cv_change == 0.0 and nobody_moved.stable


def test_paired_wilcoxon_matches_scipy_and_flags_a_shift() -> None:
    prev = np.array([3, 4, 5, 4, 3, 5, 4, 6, 5, 4], dtype=float)
    cur = prev + np.array([2, 1, 2, 3, 1, 2, 2, 1, 2, 1])
    res = stability(prev, cur, paired=True, max_cv_change=1.0)
    ref = stats.wilcoxon(prev, cur, zero_method="wilcox", method="auto")
    assert res.wilcoxon.status == "ok"
    assert res.wilcoxon.p_value == pytest.approx(float(ref.pvalue))
    assert res.wilcoxon.statistic == pytest.approx(float(ref.statistic))
    assert res.wilcoxon.p_value is not None and res.wilcoxon.p_value < 0.05
    assert res.wilcoxon.median_change == 2.0
    assert not res.stable and "Wilcoxon" in res.reason


def test_mappings_are_paired_by_panellist_id() -> None:
    prev = {f"e{i}": v for i, v in enumerate([3, 4, 5, 4, 3, 5, 4, 6])}
    cur = {f"e{i}": v + 1 for i, v in reversed(list(enumerate([3, 4, 5, 4, 3, 5, 4, 6])))}
    cur["newcomer"] = 9  # answered only in the current round: not paired
    res = stability(prev, cur)
    assert res.wilcoxon.n_pairs == 8 and res.wilcoxon.n_nonzero == 8
    assert res.wilcoxon.median_change == 1.0
    assert res.n_current == 9
    assert stability(prev, cur, paired=False).wilcoxon.status == "not_paired"


def test_positional_pairs_drop_missing_answers() -> None:
    prev = [1, 2, float("nan"), 4]
    cur = [2, float("nan"), 3, 5]
    res = stability(prev, cur, paired=True, min_pairs=1)
    assert res.wilcoxon.n_pairs == 2
    assert (res.n_previous, res.n_current) == (3, 3)
    with pytest.raises(ValueError, match="equal length"):
        stability([1, 2], [1, 2, 3], paired=True)
    with pytest.raises(ValueError, match="not a finite number"):
        stability([1, float("nan")], [1, 2])
    with pytest.raises(ValueError, match="both be mappings"):
        stability({"a": 1}, [1])


def test_undefined_cv_is_not_called_stable() -> None:
    res = stability([5], [5])
    assert res.cv_change is None and not res.stable
    json.dumps(res.to_dict(), allow_nan=False)


# --------------------------------------------------------------------------- groups


def test_by_group_reports_small_groups_and_unassigned_answers() -> None:
    values = [8, 9, 7, 8, 2, 3, 5]
    groups = ["G77", "G77", "G77", ("G77", "BRICS"), "EU", ["EU", "BRICS"], None]
    res = by_group(values, groups, summarize_item, min_group_size=3)
    assert [(g.label, g.n, g.status) for g in res.groups] == [
        ("G77", 4, "ok"),
        ("BRICS", 2, "too_small"),
        ("EU", 2, "too_small"),
    ]
    assert res.small_groups == ("BRICS", "EU")
    assert res.n_unassigned == 1
    assert res["G77"].result.median == 8.0
    assert res["EU"].result is None
    json.dumps(res.to_dict(), allow_nan=False)
    with pytest.raises(KeyError):
        res["AU"]


def test_by_group_works_on_ranking_rows_and_reports_errors() -> None:
    ranks = np.array([[1, 2, 3], [1, 2, 3], [2, 2, 2], [2, 2, 2], [3, 2, 1]], dtype=float)
    res = by_group(ranks, ["a", "a", "b", "b", "a"], kendall_w, min_group_size=2)
    assert res["a"].status == "ok"
    assert res["a"].result.m == 3
    assert res["b"].status == "error" and "tied all items" in str(res["b"].message)


def test_by_group_checks_lengths() -> None:
    with pytest.raises(ValueError, match="one entry per answer"):
        by_group([1, 2, 3], ["a"], summarize_item)
    with pytest.raises(ValueError, match="min_group_size"):
        by_group([1], ["a"], summarize_item, min_group_size=0)


# ------------------------------------------------------------- desirability x feasibility


def test_pair_summary_classifies_the_medians() -> None:
    p = summarize_pair([8, 9, 7, 8], [3, 2, 4, 6], scale=LikertScale(9))
    assert p.threshold == 5.0
    assert p.quadrant == "desirable_unfeasible"
    assert p.answer_quadrants == {
        "desirable_feasible": 1,
        "desirable_unfeasible": 3,
        "undesirable_feasible": 0,
        "undesirable_unfeasible": 0,
        "undecided": 0,
    }
    assert summarize_pair([2, 3], [8, 9], scale=LikertScale(9)).quadrant == ("undesirable_feasible")
    assert summarize_pair([5, 5], [8, 9], scale=LikertScale(9)).quadrant == "undecided"
    json.dumps(p.to_dict(), allow_nan=False)


def test_pair_summary_needs_a_threshold_for_unbounded_numeric_scales() -> None:
    with pytest.raises(ValueError, match="threshold"):
        summarize_pair([1, 2], [3, 4], scale=NumericScale())
    p = summarize_pair([60, 70], [10, 20], scale=NumericScale(), threshold=50)
    assert p.quadrant == "desirable_unfeasible"
    with pytest.raises(ValueError, match="one pair per panellist"):
        summarize_pair([1, 2], [3], scale=LikertScale(5))
