"""Coverage of the registration part's authorisation rows (the core matrix test walks
them for every persona)."""

from django.urls import get_resolver

from middleground.config.api import api

from .authz_registration import ROWS

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
