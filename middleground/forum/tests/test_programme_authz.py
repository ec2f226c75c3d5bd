"""Checks of the programme part's authorisation rows (the core matrix test walks them for
every persona)."""

import pytest

from . import authz_programme


def test_placeholders_of_other_parts_are_not_ours(world):
    values = authz_programme.world_values(world)
    with pytest.raises(KeyError):
        values["registration_event_slug"]
    with pytest.raises(KeyError):
        values["programme_nonsense"]
