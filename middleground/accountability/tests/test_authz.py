"""The accountability rows of the authorisation matrix, walked for every persona (the core
matrix test walks them too; this runs them alone and checks this app's coverage)."""

import json

import pytest

from conftest import client_for
from middleground.config.api import api
from middleground.core.tests.authz import PERSONAS

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


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method} {r.path} {r.params}")
def test_accountability_authorization_matrix(world, row, persona):
    values = world_values(world)
    path = row.path.format(**{k: values[v] for k, v in row.params.items()})
    client = client_for(world, persona)
    payload = row.payload(values) if row.payload else None
    body = json.dumps(payload) if payload is not None else ""
    response = client.generic(row.method, path, body, content_type="application/json")
    assert response.status_code == row.expect[persona], (
        f"{persona} {row.method} {path}: {response.status_code}, expected "
        f"{row.expect[persona]}: {response.content[:300]!r}"
    )
