"""The drafting rows of the authorisation matrix, walked for every persona (the core matrix
test walks them too, with everyone else's)."""

import json

import pytest

from conftest import client_for
from middleground.core.tests.authz import PERSONAS

from .authz_drafting import ROWS, world_values


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method} {r.path} {r.params}")
def test_drafting_authorization_matrix(world, row, persona):
    values = world_values(world)
    path = row.path.format(**{k: values[v] for k, v in row.params.items()})
    if row.query:
        path += "?" + row.query
    client = client_for(world, persona)
    payload = row.payload(values) if row.payload else None
    if row.name is None:
        body = json.dumps(payload) if payload is not None else ""
        response = client.generic(row.method, path, body, content_type="application/json")
    elif row.method == "POST":
        response = client.post(path, payload or {})
    else:
        response = client.generic(row.method, path)
    assert response.status_code == row.expect[persona], (
        f"{persona} {row.method} {path}: {response.status_code}, expected "
        f"{row.expect[persona]}: {response.content[:300]!r}"
    )


def test_placeholders_of_others_are_not_ours(world):
    values = world_values(world)
    with pytest.raises(KeyError):
        values["seoul_slug"]
    with pytest.raises(KeyError):
        values["drafting_nothing"]
