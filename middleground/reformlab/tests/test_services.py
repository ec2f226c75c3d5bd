"""Services: results of the shipped scenarios, representation, bad input, custom
scenarios, background computations."""

from fractions import Fraction

import pytest

from middleground.core.errors import ServiceError
from middleground.reformlab import compute, reports, services
from middleground.reformlab.models import (
    PowerResultCache,
    ResultStatus,
    Scenario,
    ScenarioVisibility,
)

pytestmark = pytest.mark.django_db


def _two_criteria_game(n: int) -> dict:
    """Two criteria with unequal weights and large quotas: beyond enumeration (n > 28) and
    beyond the multi-dimensional DP's cell limit."""
    weights = [[1000 + i * 37 % 1000, 500 + i * 91 % 997] for i in range(n)]
    totals = [sum(w[c] for w in weights) for c in (0, 1)]
    return {
        "players": [{"id": f"P{i}", "weights": w} for i, w in enumerate(weights)],
        "quotas": [totals[0] // 2, totals[1] // 2],
    }


def test_security_council_today_gives_each_permanent_member_421_of_2145(lab):
    scenario = Scenario.objects.get(slug="unsc-today")
    row = services.compute_scenario(scenario=scenario)
    assert row.status == ResultStatus.DONE
    assert row.result["method"] == "exact"
    exact = row.result["exact"]["shapley_shubik"]
    assert {exact[p] for p in ("CHN", "FRA", "RUS", "GBR", "USA")} == {"421/2145"}
    assert exact["AF-E1"] == "4/2145"
    assert row.result["exact"]["banzhaf_absolute"]["USA"] == "53/1024"
    # small enough for the coalition-structure indices
    assert "holler_packel" in row.result["indices"]


def test_results_are_cached_by_the_hash_of_the_game(lab):
    scenario = Scenario.objects.get(slug="unsc-ufc")
    first = services.compute_scenario(scenario=scenario)
    second = services.compute_scenario(scenario=scenario)
    assert first.pk == second.pk
    assert PowerResultCache.objects.filter(key=first.key).count() == 1


def test_representation_per_group_and_bloc_adds_up(lab):
    scenario = Scenario.objects.get(slug="unsc-today")
    report = reports.scenario_report(
        scenario, services.compute_scenario(scenario=scenario), "shapley_shubik"
    )
    assert len(report.countries) == 193  # elected seats rotate among the UN members
    assert sum(g["power_share"] for g in report.groups) == pytest.approx(1)
    assert sum(g["population_share"] for g in report.groups) == pytest.approx(1)
    p5 = next(b for b in report.blocs if b["code"] == "P5")
    assert p5["power_share"] == pytest.approx(float(Fraction(5 * 421, 2145)), rel=1e-9)
    assert 0 < report.gini_per_citizen < 1
    china = next(c for c in report.countries if c["code"] == "CHN")
    assert china["penrose_share"] > china["population_share"] * 0  # present
    assert "Eritrea" in report.missing_gdp


def test_eu_council_double_majority_is_exact_and_represents_its_members(lab):
    scenario = Scenario.objects.get(slug="eu-council-lisbon")
    row = services.compute_scenario(scenario=scenario)
    report = reports.scenario_report(scenario, row, "banzhaf")
    assert row.result["method"] == "exact"
    assert len(report.countries) == 27
    germany = next(c for c in report.countries if c["code"] == "DEU")
    malta = next(c for c in report.countries if c["code"] == "MLT")
    assert germany["power_share"] > malta["power_share"]
    assert malta["population_ratio"] > 1 > germany["population_ratio"]


def test_slow_game_is_computed_in_the_background(lab, django_capture_on_commit_callbacks):
    scenario = Scenario.objects.get(slug="eu-council-nice")  # 2^27 coalitions, 3 criteria
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = services.compute_scenario(scenario=scenario)
    assert row.status == ResultStatus.COMPUTING
    assert len(callbacks) == 1
    report = reports.scenario_report(scenario, row, "shapley_shubik")
    assert report.computing and not report.ready


@pytest.mark.parametrize(
    ("game", "field", "message"),
    [
        (
            {"players": [{"id": "A", "weights": [1]}], "quotas": [5]},
            "quotas",
            "more than all members together hold",
        ),
        (
            {"players": [{"id": "A", "weights": [-1]}], "quotas": [0]},
            "players",
            "weights are 0 or more",
        ),
        (
            {"players": [{"id": "A", "weights": [1]}], "quotas": [1], "vetoes": ["ZZ"]},
            "vetoes",
            "These vetoes name no member of the game: ZZ.",
        ),
        (_two_criteria_game(40), "method", "too large for exact"),
    ],
)
def test_impossible_games_are_refused_and_nothing_is_stored(lab, game, field, message):
    before = PowerResultCache.objects.count()
    with pytest.raises(ServiceError) as error:
        services.compute_game(data=game)
    assert error.value.field == field
    assert message in error.value.message
    assert PowerResultCache.objects.count() == before


def test_large_game_runs_monte_carlo_when_allowed(lab):
    row = services.compute_game(data=_two_criteria_game(40), method="auto", samples=2000, seed=1)
    assert row.status == ResultStatus.DONE
    assert row.result["method"] == "monte-carlo"
    low, high = row.result["confidence_intervals"]["shapley_shubik"]["P0"]
    assert low <= row.result["indices"]["shapley_shubik"]["P0"] <= high


def _state(base, **changes):
    state = compute.builder_state(base)
    for group, count in changes.items():
        state.groups[group].permanent_veto = count
    return state


def test_builder_adds_african_seats_with_veto(lab):
    base = Scenario.objects.get(slug="unsc-today")
    state = _state(base, AFRICAN=2)
    state.threshold = 10
    rows, row = services.preview_builder(base=base, state=state)
    assert [r["player_id"] for r in rows if r["veto"]][-2:] == ["AF-P1", "AF-P2"]
    assert row.result["exact"]["shapley_shubik"]["USA"] != "421/2145"
    assert Scenario.objects.filter(builtin=False).count() == 0  # a preview stores no scenario


def test_builder_refuses_a_threshold_above_the_seats_and_stores_nothing(lab):
    base = Scenario.objects.get(slug="unsc-today")
    state = _state(base)
    state.threshold = 16
    with pytest.raises(ServiceError) as error:
        services.save_builder_scenario(actor=lab.users["bob"], base=base, state=state)
    assert error.value.field == "threshold"
    assert Scenario.objects.filter(builtin=False).count() == 0


def test_saved_custom_scenario_is_private_and_owned(lab):
    bob = lab.users["bob"]
    base = Scenario.objects.get(slug="unsc-today")
    scenario = services.save_builder_scenario(actor=bob, base=base, state=_state(base, APG=1))
    assert scenario.owner == bob and not scenario.builtin
    assert scenario.visibility == ScenarioVisibility.PRIVATE
    assert scenario.seats.count() == 16
    assert not scenario.threshold_confirmed


def test_only_the_secretariat_publishes(lab):
    bob, alice = lab.users["bob"], lab.users["alice"]
    base = Scenario.objects.get(slug="unsc-today")
    state = _state(base)
    with pytest.raises(ServiceError) as error:
        services.save_builder_scenario(actor=bob, base=base, state=state, visibility="public")
    assert error.value.status == 403
    scenario = services.save_builder_scenario(actor=bob, base=base, state=state, visibility="link")
    with pytest.raises(ServiceError):
        services.publish_scenario(actor=bob, scenario=scenario)
    services.publish_scenario(actor=alice, scenario=scenario)
    assert Scenario.objects.get(pk=scenario.pk).visibility == ScenarioVisibility.PUBLIC


def test_builder_edit_keeps_a_change_made_since_the_scenario_was_loaded(lab):
    bob = lab.users["bob"]
    base = Scenario.objects.get(slug="unsc-today")
    saved = services.save_builder_scenario(actor=bob, base=base, state=_state(base))
    stale = Scenario.objects.get(pk=saved.pk)  # what bob's edit page loaded
    Scenario.objects.filter(pk=saved.pk).update(position=7)  # a change made meanwhile
    state = _state(stale, APG=1)
    state.name = "Renamed"
    services.save_builder_scenario(actor=bob, base=stale, state=state, scenario=stale)
    fresh = Scenario.objects.get(pk=saved.pk)
    assert (fresh.name, fresh.position) == ("Renamed", 7)
    assert fresh.seats.count() == 16


def test_api_edit_keeps_a_publication_made_since_the_scenario_was_loaded(lab, game_json):
    bob, alice = lab.users["bob"], lab.users["alice"]
    saved = services.save_api_scenario(
        actor=bob, data={"name": "Mine", "body": "imf", "game": game_json, "visibility": "link"}
    )
    stale = Scenario.objects.get(pk=saved.pk)  # what bob's edit request loaded
    services.publish_scenario(actor=alice, scenario=Scenario.objects.get(pk=saved.pk))
    services.save_api_scenario(actor=bob, data={"name": "Renamed"}, scenario=stale)
    fresh = Scenario.objects.get(pk=saved.pk)
    assert (fresh.name, fresh.visibility) == ("Renamed", ScenarioVisibility.PUBLIC)


def test_built_in_scenarios_are_read_only_even_for_the_secretariat(lab):
    scenario = Scenario.objects.get(slug="unsc-today")
    with pytest.raises(ServiceError) as error:
        services.delete_scenario(actor=lab.users["alice"], scenario=scenario)
    assert error.value.status == 403
    assert Scenario.objects.filter(slug="unsc-today").exists()


def test_api_scenario_with_unknown_members_is_refused(lab):
    before = Scenario.objects.count()
    with pytest.raises(ServiceError) as error:
        services.save_api_scenario(
            actor=lab.users["bob"],
            data={
                "name": "x",
                "body": "imf",
                "game": {"players": [{"id": "A", "weights": [1]}], "quotas": [1]},
                "members": {"B": {"country": "KZ"}},
            },
        )
    assert error.value.field == "members"
    with pytest.raises(ServiceError) as error:
        services.save_api_scenario(
            actor=lab.users["bob"],
            data={
                "name": "x",
                "body": "imf",
                "game": {"players": [{"id": "A", "weights": [1]}], "quotas": [1]},
                "members": {"A": {"country": "XX"}},
            },
        )
    assert "Unknown country" in error.value.message
    assert Scenario.objects.count() == before


def test_computations_too_long_for_the_shared_queue_are_refused(lab):
    players = [{"id": f"P{i}", "weights": [1_000_003 + 7919 * i]} for i in range(200)]
    with pytest.raises(ServiceError) as error:  # exact DP over ~10^9 weight levels
        services.compute_game(data={"players": players, "quotas": [200_000_000]})
    assert "several minutes" in error.value.message
    with pytest.raises(ServiceError) as error:
        services.compute_game(
            data={"players": [{"id": str(i), "weights": [1]} for i in range(501)], "quotas": [9]}
        )
    assert error.value.field == "players"
    assert not PowerResultCache.objects.exists()
