"""Translation fixtures on top of the shared ``world``."""

import pytest

from middleground.consultations import services as consultation_services
from middleground.consultations.models import Anonymity, Status, Visibility


@pytest.fixture
def make_consultation(world):
    def make(**overrides):
        data = {
            "title": "Security Council reform (test)",
            "question": "How should the Security Council be reformed?",
            "visibility": Visibility.PUBLIC,
            "anonymity": Anonymity.ANONYMOUS,
            "status": Status.OPEN,
            "statements": ["The veto should be limited in cases of mass atrocities."],
        }
        data.update(overrides)
        return consultation_services.create_consultation(actor=world.users["alice"], data=data)

    return make


@pytest.fixture
def consultation(make_consultation):
    return make_consultation()
