"""Consultation fixtures on top of the shared ``world``."""

import pytest

from middleground.consultations import services
from middleground.consultations.models import Anonymity, Status, Visibility


@pytest.fixture
def make_consultation(world):
    alice = world.users["alice"]

    def make(**overrides):
        data = {
            "title": "Security Council reform (test)",
            "question": "How should the Security Council be reformed?",
            "visibility": Visibility.PUBLIC,
            "anonymity": Anonymity.ANONYMOUS,
            "status": Status.OPEN,
            "statements": [
                "The veto should be limited in cases of mass atrocities.",
                "Africa should have permanent seats.",
                "Middle powers should get longer non-permanent terms.",
            ],
        }
        data.update(overrides)
        return services.create_consultation(actor=alice, data=data)

    return make


@pytest.fixture
def consultation(make_consultation):
    return make_consultation()
