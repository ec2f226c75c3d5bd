"""Checks of the accountability rows of the authorisation matrix (the core matrix test
walks them for every persona: ``pytest middleground/core/tests/test_authorization_matrix.py -k
accountability``)."""

import pytest

from middleground.config.api import api

from .authz import ROWS, world_values


def test_every_accountability_operation_has_a_row():
    operations = {
        (method.upper(), path)
        for path, ops in api.get_openapi_schema()["paths"].items()
        if path.startswith(("/api/v1/commitments", "/api/v1/compliance"))
        for method in ops
    }
    assert operations, "the routers are mounted"
    assert operations - {(r.method, r.path) for r in ROWS} == set()


def test_unknown_placeholders_are_left_to_other_apps(world):
    with pytest.raises(KeyError):
        world_values(world)["draft_slug"]
