"""The decision to stop a Delphi study after a round: hand-checkable cases, rule by rule."""

from __future__ import annotations

from middleground.analysis.delphi import StopDecision, stop_decision

GOES_ON = StopDecision(stop=False, reason=None)


def test_a_realtime_study_stops_when_its_round_closes() -> None:
    decision = stop_decision(
        round_number=1, max_rounds=3, remaining_stable=[None, None], realtime=True
    )
    assert decision == StopDecision(stop=True, reason="realtime")


def test_the_last_planned_round_stops_the_study_even_without_consensus() -> None:
    decision = stop_decision(round_number=3, max_rounds=3, remaining_stable=[False])
    assert decision == StopDecision(stop=True, reason="last_round")
    # past the plan too (max_rounds lowered while the study ran)
    assert stop_decision(round_number=4, max_rounds=3, remaining_stable=[False]).stop


def test_the_last_round_is_the_reason_given_before_consensus() -> None:
    decision = stop_decision(round_number=2, max_rounds=2, remaining_stable=[])
    assert decision.reason == "last_round"


def test_the_study_stops_when_every_item_reached_consensus() -> None:
    decision = stop_decision(round_number=1, max_rounds=3, remaining_stable=[])
    assert decision == StopDecision(stop=True, reason="consensus")


def test_items_still_to_come_keep_a_study_without_open_items_going() -> None:
    decision = stop_decision(round_number=1, max_rounds=3, remaining_stable=[], future_items=True)
    assert decision == GOES_ON


def test_stable_answers_stop_the_study_from_round_two_when_the_rule_is_on() -> None:
    # one item stable, one whose stability is undefined (e.g. too few answers): stable
    decision = stop_decision(
        round_number=2, max_rounds=5, remaining_stable=[True, None], stop_when_stable=True
    )
    assert decision == StopDecision(stop=True, reason="stable")


def test_stable_answers_do_not_stop_the_study_when_the_rule_is_off() -> None:
    decision = stop_decision(round_number=2, max_rounds=5, remaining_stable=[True, True])
    assert decision == GOES_ON


def test_one_unstable_item_keeps_the_study_going() -> None:
    decision = stop_decision(
        round_number=3, max_rounds=5, remaining_stable=[True, False], stop_when_stable=True
    )
    assert decision == GOES_ON


def test_stability_needs_at_least_one_item_whose_stability_is_known() -> None:
    decision = stop_decision(
        round_number=2, max_rounds=5, remaining_stable=[None, None], stop_when_stable=True
    )
    assert decision == GOES_ON


def test_the_first_round_never_stops_on_stability() -> None:
    decision = stop_decision(
        round_number=1, max_rounds=5, remaining_stable=[True], stop_when_stable=True
    )
    assert decision == GOES_ON


def test_items_still_to_come_keep_a_stable_study_going() -> None:
    decision = stop_decision(
        round_number=2,
        max_rounds=5,
        remaining_stable=[True],
        future_items=True,
        stop_when_stable=True,
    )
    assert decision == GOES_ON


def test_the_decision_is_plain_json() -> None:
    decision = stop_decision(
        round_number=2, max_rounds=5, remaining_stable=[True], stop_when_stable=True
    )
    assert decision.to_dict() == {"stop": True, "reason": "stable"}
