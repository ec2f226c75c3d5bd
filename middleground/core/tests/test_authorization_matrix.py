"""The authorisation matrix: expected status per (page or API operation, persona).

A new URL pattern or API operation without a row fails ``test_every_endpoint_has_a_row``.
"""

import importlib
import json
from collections import ChainMap

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import client_for
from middleground.accounts.services import create_invitation
from middleground.config.api import api
from middleground.core.tests.authz import PERSONAS, Row

SKIPPED_NAMESPACES = {
    "admin",
    "api",
}  # Django's admin has its own permissions; the API is walked below


def authz_modules() -> list:
    """Every installed Middle Ground app's ``tests/authz.py`` (nested apps included)."""
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("middleground."):
            continue
        name = f"{config.name}.tests.authz"
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules


MODULES = authz_modules()
ROWS = [row for module in MODULES for row in module.ROWS]


def url_pattern_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= url_pattern_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


def test_every_endpoint_has_a_row():
    page_rows = {row.name for row in ROWS if row.name}
    api_rows = {(row.method, row.path) for row in ROWS if row.name is None}
    missing_pages = url_pattern_names() - page_rows
    missing_api = api_operations() - api_rows
    assert not missing_pages, f"pages without a row in an authz.py: {sorted(missing_pages)}"
    assert not missing_api, f"API operations without a row in an authz.py: {sorted(missing_api)}"
    assert all(set(row.expect) == set(PERSONAS) for row in ROWS)


def world_values(world) -> ChainMap:
    """Placeholder values: the core's, then those each app's authz module adds."""
    extra = [m.world_values(world) for m in MODULES if hasattr(m, "world_values")]
    return ChainMap(core_values(world), *extra)


def core_values(world) -> dict[str, object]:
    from middleground.network.models import FocusArea

    unused = FocusArea.objects.create(slug="unused-area", name="Unused area")
    _, link = create_invitation(
        actor=world.users["alice"],
        email="new@example.org",
        role="expert",
        institution=world.astana,
        accept_url_base="http://testserver/accounts/invitations/accept",
    )
    return {
        "seoul_slug": world.seoul.slug,
        "seoul_id": world.seoul.pk,
        "application_id": world.application.pk,
        "hidden_expert_slug": world.hidden_expert.slug,
        "hidden_expert_id": world.hidden_expert.pk,
        "bob_expert_slug": world.bob_profile.slug,
        "bob_expert_id": world.bob_profile.pk,
        "task_force_slug": world.task_force.slug,
        "task_force_id": world.task_force.pk,
        "country_code": "KZ",
        "focus_area_slug": "water-security",
        "unused_focus_area_slug": unused.slug,
        "invitation_token": link.rstrip("/").rsplit("/", 1)[-1],
    }


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method} {r.path}")
def test_authorization_matrix(world, row: Row, persona: str):
    values = world_values(world)
    path = row.path.format(**{k: values[v] for k, v in row.params.items()})
    if row.query:
        path += "?" + row.query
    client = client_for(world, persona)
    payload = row.payload(values) if row.payload else None
    if row.name is None:  # API: JSON bodies
        body = json.dumps(payload) if payload is not None else None
        response = client.generic(row.method, path, body or "", content_type="application/json")
    elif row.method == "POST":
        response = client.post(path, payload or {})
    else:
        response = client.generic(row.method, path)
    assert response.status_code == row.expect[persona], (
        f"{persona} {row.method} {path}: {response.status_code}, expected {row.expect[persona]}: "
        f"{response.content[:300]!r}"
    )
