import pytest

from .factories import make_panellist, running_study


@pytest.fixture
def panel(world):
    """bob plus three more experts of the Astana institute."""
    others = [make_panellist(f"expert{i}", world.astana) for i in range(1, 4)]
    return [world.users["bob"], *others]


@pytest.fixture
def study(world, panel):
    return running_study(world.users["alice"], panel, title="Basin study")
