"""The registration part's rows of the authorisation matrix, walked for every persona."""

import json

import pytest
from django.urls import get_resolver

from conftest import client_for
from middleground.config.api import api
from middleground.core.tests.authz import PERSONAS

from .authz_registration import ROWS, world_values

MINE = {
    "register",
    "my_registration",
    "cancel",
    "agenda",
    "badge_qr",
    "certificate",
    "delegations",
    "delegation",
    "registrations",
    "registrations_csv",
    "check_in",
}


def test_every_registration_page_and_operation_has_a_row():
    assert set(get_resolver().namespace_dict["forum"][1].reverse_dict) >= MINE
    names = {f"forum:{n}" for n in MINE}
    operations = {
        (method.upper(), path)
        for path, ops in api.get_openapi_schema()["paths"].items()
        if "/registrations" in path
        for method in ops
    }
    assert len(operations) == 5
    assert names - {r.name for r in ROWS if r.name} == set()
    assert operations - {(r.method, r.path) for r in ROWS if r.name is None} == set()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method} {r.path}")
def test_registration_authorization_matrix(world, row, persona):
    values = world_values(world)
    path = row.path.format(**{k: values[v] for k, v in row.params.items()})
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
