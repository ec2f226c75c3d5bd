"""The programme part's rows of the authorisation matrix, walked for every persona."""

import json

import pytest

from conftest import client_for
from middleground.core.tests.authz import PERSONAS

from . import authz_programme


@pytest.mark.parametrize(
    "row", authz_programme.ROWS, ids=lambda r: f"{r.method} {r.path} {r.params}"
)
def test_programme_rows(world, row):
    values = authz_programme.world_values(world)
    path = row.path.format(**{k: values[v] for k, v in row.params.items()})
    for persona in PERSONAS:
        client = client_for(world, persona)
        payload = row.payload(values) if row.payload else None
        if row.name is None:
            body = json.dumps(payload) if payload is not None else ""
            response = client.generic(row.method, path, body, content_type="application/json")
        elif row.method == "POST":
            response = client.post(path, payload or {})
        else:
            response = client.get(path)
        assert response.status_code == row.expect[persona], (persona, path, response.content[:300])


def test_placeholders_of_other_parts_are_not_ours(world):
    values = authz_programme.world_values(world)
    with pytest.raises(KeyError):
        values["registration_event_slug"]
    with pytest.raises(KeyError):
        values["programme_nonsense"]
