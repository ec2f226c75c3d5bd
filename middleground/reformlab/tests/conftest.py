"""Reform lab fixtures: the shipped scenarios and World Bank data, and a small custom
scenario per persona."""

import pytest

from middleground.reformlab.builtin_data import ensure_loaded


@pytest.fixture
def lab(world):
    """The personas plus the built-in scenarios (reloaded after a transactional flush)."""
    ensure_loaded()
    return world


@pytest.fixture
def game_json():
    """A small weighted game in the middleground-power format."""
    return {
        "players": [
            {"id": "A", "weights": [4]},
            {"id": "B", "weights": [3]},
            {"id": "C", "weights": [2]},
            {"id": "D", "weights": [1]},
        ],
        "quotas": [6],
    }
