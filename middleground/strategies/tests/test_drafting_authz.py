"""Checks of the drafting part's authorisation rows (the core matrix test walks them for
every persona)."""

import pytest

from .authz_drafting import world_values


def test_placeholders_of_others_are_not_ours(world):
    values = world_values(world)
    with pytest.raises(KeyError):
        values["seoul_slug"]
    with pytest.raises(KeyError):
        values["drafting_nothing"]
