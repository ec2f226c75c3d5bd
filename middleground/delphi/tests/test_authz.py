"""Coverage of the Delphi rows of the authorisation matrix (the core matrix test walks them
for every persona)."""

from django.urls import get_resolver

from middleground.config.api import api

from .authz import ROWS


def test_every_delphi_page_and_operation_has_a_row():
    names = {
        f"delphi:{name}"
        for name in get_resolver().namespace_dict["delphi"][1].reverse_dict
        if isinstance(name, str)
    }
    operations = {
        (method.upper(), path)
        for path, ops in api.get_openapi_schema()["paths"].items()
        if path.startswith("/api/v1/delphi/")
        for method in ops
    }
    assert names - {r.name for r in ROWS if r.name} == set()
    assert operations - {(r.method, r.path) for r in ROWS if r.name is None} == set()
