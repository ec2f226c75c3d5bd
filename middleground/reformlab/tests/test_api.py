"""API: scenarios, their indices, ad-hoc games (as the CLI), custom scenarios."""

import io
import json
from contextlib import redirect_stdout

import pytest

from middleground.analysis import power_cli
from middleground.reformlab.models import PowerResultCache, Scenario

pytestmark = pytest.mark.django_db

API = "/api/v1/reformlab"


def _post(client, path, data, method="post"):
    return getattr(client, method)(path, json.dumps(data), content_type="application/json")


def test_scenarios_are_listed_with_their_source_and_threshold_status(as_persona, lab):
    data = as_persona("anonymous").get(f"{API}/scenarios?body=un_security_council").json()
    assert data["count"] == 4
    g4 = next(s for s in data["items"] if s["slug"] == "unsc-g4")
    assert g4["threshold_confirmed"] is False and "A/59/L.64" in g4["source"]


def test_scenario_detail_has_seats_and_the_game(as_persona, lab):
    data = as_persona("anonymous").get(f"{API}/scenarios/unsc-ezulwini").json()
    assert len(data["seats"]) == 26
    assert len(data["game"]["vetoes"]) == 11
    china = data["seats"][0]
    assert china["country"] == "CHN" and china["veto"] is True


def test_scenario_indices_include_representation(as_persona, lab):
    data = as_persona("anonymous").get(f"{API}/scenarios/unsc-today/indices").json()
    assert data["result"]["exact"]["shapley_shubik"]["USA"] == "421/2145"
    assert {g["code"] for g in data["representation"]["regional_groups"]} == {
        "AFRICAN",
        "APG",
        "EEG",
        "GRULAC",
        "WEOG",
    }


def test_compute_answers_like_the_command_line(as_persona, lab, game_json, tmp_path):
    path = tmp_path / "game.json"
    path.write_text(json.dumps(game_json))
    out = io.StringIO()
    with redirect_stdout(out):
        assert power_cli.main([str(path)]) == 0
    response = _post(as_persona("anonymous"), f"{API}/compute", game_json)
    assert response.status_code == 200
    assert response.json() == json.loads(out.getvalue())


def test_compute_takes_indices_and_method(as_persona, lab, game_json):
    response = _post(
        as_persona("anonymous"),
        f"{API}/compute?index=holler_packel&index=shapley_shubik&method=monte-carlo&samples=500&seed=3",
        game_json,
    )
    data = response.json()
    assert data["method"] == "monte-carlo"  # Holler-Packel is left out under Monte Carlo
    assert set(data["indices"]) == {"shapley_shubik"}
    assert "confidence_intervals" in data


@pytest.mark.parametrize(
    ("game", "field"),
    [
        (
            {"players": [{"id": "A", "weights": [1]}, {"id": "B", "weights": [1]}], "quotas": [3]},
            "quotas",
        ),
        ({"players": [{"id": "A", "weights": [-2]}], "quotas": [1]}, "players"),
        ({"players": [{"id": "A", "weights": [1]}], "quotas": [1], "vetoes": ["B"]}, "vetoes"),
        ({"players": "nope", "quotas": [1]}, "players"),
        ({"quotas": [1]}, "game"),
        (
            {
                "players": [
                    {"id": f"P{i}", "weights": [1000 + i * 37 % 1000, 500 + i * 91 % 997]}
                    for i in range(40)
                ],
                "quotas": [30000, 20000],
            },
            "method",
        ),
    ],
)
def test_bad_games_answer_400_with_detail_and_field(as_persona, lab, game, field):
    before = PowerResultCache.objects.count()
    response = _post(as_persona("anonymous"), f"{API}/compute", game)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == field and body["detail"]
    assert PowerResultCache.objects.count() == before


def test_slow_game_answers_202_then_the_result(as_persona, lab, django_capture_on_commit_callbacks):
    game = Scenario.objects.get(slug="eu-council-nice")
    from middleground.reformlab.compute import game_for

    data = game_for(game).to_dict()
    client = as_persona("anonymous")
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, f"{API}/compute", data)
    assert response.status_code == 202
    url = response.json()["result_url"]
    result = client.get(url)
    assert result.status_code == 200 and result.json()["method"] == "exact"


def test_custom_scenario_lifecycle_through_the_api(as_persona, lab):
    bob, carol, alice = as_persona("bob"), as_persona("carol"), as_persona("alice")
    response = _post(
        bob,
        f"{API}/scenarios",
        {
            "name": "IMF-like",
            "body": "imf",
            "game": {
                "players": [
                    {"id": "US", "weights": [16]},
                    {"id": "JP", "weights": [6]},
                    {"id": "CN", "weights": [6]},
                    {"id": "DE", "weights": [5]},
                    {"id": "KZ", "weights": [1]},
                ],
                "quotas": [18],
            },
            "members": {"KZ": {"country": "KAZ"}},
        },
    )
    assert response.status_code == 201, response.content
    slug = response.json()["slug"]
    assert response.json()["visibility"] == "private"
    assert [s["country"] for s in response.json()["seats"]] == ["USA", "JPN", "CHN", "DEU", "KAZ"]
    assert carol.get(f"{API}/scenarios/{slug}").status_code == 404
    assert _post(carol, f"{API}/scenarios/{slug}", {"name": "x"}, "patch").status_code == 404
    assert (
        _post(bob, f"{API}/scenarios/{slug}", {"visibility": "public"}, "patch").status_code == 403
    )
    assert _post(bob, f"{API}/scenarios/{slug}", {"visibility": "link"}, "patch").status_code == 200
    assert carol.get(f"{API}/scenarios/{slug}").status_code == 200
    assert _post(carol, f"{API}/scenarios/{slug}", {"name": "x"}, "patch").status_code == 403
    indices = bob.get(f"{API}/scenarios/{slug}/indices").json()
    assert indices["result"]["exact"]["banzhaf"]["US"] != "0"
    response = _post(alice, f"{API}/scenarios/{slug}", {"visibility": "public"}, "patch")
    assert response.status_code == 200 and response.json()["visibility"] == "public"
    assert carol.delete(f"{API}/scenarios/{slug}").status_code == 403
    assert bob.delete(f"{API}/scenarios/{slug}").status_code == 204
    assert not Scenario.objects.filter(slug=slug).exists()


def test_built_in_scenarios_cannot_be_changed_through_the_api(as_persona, lab):
    for persona in ("bob", "alice"):
        client = as_persona(persona)
        assert (
            _post(client, f"{API}/scenarios/unsc-today", {"name": "x"}, "patch").status_code == 403
        )
        assert client.delete(f"{API}/scenarios/unsc-today").status_code == 403
    assert as_persona("anonymous").delete(f"{API}/scenarios/unsc-today").status_code in (401, 403)


def test_bad_custom_scenario_answers_400_and_stores_nothing(as_persona, lab):
    before = Scenario.objects.count()
    response = _post(
        as_persona("bob"),
        f"{API}/scenarios",
        {
            "name": "Broken",
            "body": "imf",
            "game": {"players": [{"id": "A", "weights": [1]}], "quotas": [2]},
        },
    )
    assert response.status_code == 400
    assert response.json()["field"] == "quotas"
    response = _post(
        as_persona("bob"),
        f"{API}/scenarios",
        {
            "name": "Unknown",
            "body": "imf",
            "game": {"players": [{"id": "A", "weights": [1]}], "quotas": [1]},
            "members": {"Q": {"country": "KZ"}},
        },
    )
    assert response.status_code == 400 and response.json()["field"] == "members"
    assert Scenario.objects.count() == before


def test_api_council_with_group_seats_represents_the_un_members(as_persona, lab):
    players = [{"id": p, "weights": [1]} for p in ("USA", "CHN", "AF-1", "AF-2", "LAC-1")]
    response = _post(
        as_persona("dave"),
        f"{API}/scenarios",
        {
            "name": "Small council",
            "body": "un_security_council",
            "game": {"players": players, "quotas": [3], "vetoes": ["USA", "CHN"]},
            "members": {
                "AF-1": {"group": "AFRICAN"},
                "AF-2": {"group": "AFRICAN"},
                "LAC-1": {"group": "GRULAC", "label": "Latin American seat"},
            },
        },
    )
    assert response.status_code == 201, response.content
    slug = response.json()["slug"]
    data = as_persona("dave").get(f"{API}/scenarios/{slug}/indices").json()
    representation = data["representation"]
    assert len(representation["countries"]) == 193
    african = next(g for g in representation["regional_groups"] if g["code"] == "AFRICAN")
    assert african["countries"] == 54 and african["power_share"] > 0


def test_thirty_players_with_two_criteria_are_computed_exactly(as_persona, lab):
    """Beyond enumeration, within the multi-dimensional DP: exact, as the CLI does."""
    game = {
        "players": [{"id": f"P{i}", "weights": [i % 7 + 1, i % 5 + 2]} for i in range(30)],
        "quotas": [60, 60],
    }
    response = _post(as_persona("anonymous"), f"{API}/compute?index=banzhaf", game)
    assert response.status_code in (200, 202), response.content
    if response.status_code == 200:
        assert response.json()["method"] == "exact"
