"""The power engine's refusals reach people as sentences (issue 19, item 14), and a custom
scenario's brief speaks of the threshold its author set (item 13)."""

import io

import pypdf
import pytest

from middleground.analysis.power import GameError
from middleground.core.errors import ServiceError
from middleground.reformlab import compute, services
from middleground.reformlab.messages import plain_game_error
from middleground.reformlab.models import Scenario


@pytest.mark.parametrize(
    ("game", "sentence"),
    [
        (
            {"players": [{"id": "A", "weights": ["abc"]}], "quotas": [1]},
            "The weight of A must be a number; “abc” is not one.",
        ),
        (
            {"players": [{"id": "A", "weights": [1]}], "quotas": [5]},
            "The quota 5 (criterion 1) is more than all members together hold (1): no decision "
            "could ever pass. Lower the quota or add weight.",
        ),
        (
            {"players": [{"id": "A", "weights": [-1]}], "quotas": [0]},
            "The weight of A is below 0; weights are 0 or more.",
        ),
        (
            {"players": [{"id": "A", "weights": [1]}], "quotas": [1], "vetoes": ["ZZ"]},
            "These vetoes name no member of the game: ZZ.",
        ),
        ({"players": [], "quotas": [1]}, "Add at least one member to the game."),
        ([1, 2], "The game must be a JSON object with “players” and “quotas”."),
    ],
)
def test_an_impossible_game_is_refused_in_a_sentence(game, sentence):
    with pytest.raises(ServiceError) as error:
        compute.parse_game(game)
    assert error.value.message == sentence
    assert "'" not in error.value.message  # no Python repr of the value


def test_an_unknown_engine_message_still_reads_as_a_sentence():
    assert plain_game_error(GameError("something new went wrong")) == "Something new went wrong."


def test_a_custom_scenarios_brief_does_not_call_its_threshold_unconfirmed(lab, client):
    bob = lab.users["bob"]
    base = Scenario.objects.get(slug="unsc-today")
    state = compute.builder_state(base)
    state.threshold = 10
    scenario = services.save_builder_scenario(actor=bob, base=base, state=state, visibility="link")
    assert not scenario.threshold_confirmed  # as saved: the flag the brief used to read
    pdf = client.get(f"/reformlab/scenarios/{scenario.slug}/export.pdf")
    assert pdf.status_code == 200
    text = " ".join(
        " ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "Threshold reported, not confirmed" not in text
    assert "A custom rule" in text
