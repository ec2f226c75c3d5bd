"""What every API operation shares: bounded pagination, 413 for huge bodies, the schema."""

import json
import re

import pytest
from django.test import Client

from middleground.config.api import api

HUGE = "100000000000000000000"


def _paginated_lists() -> list[str]:
    """Every GET operation that takes ``offset``, with its path parameters filled in."""
    paths = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        parameters = operations.get("get", {}).get("parameters", [])
        if any(p["name"] == "offset" and p["in"] == "query" for p in parameters):
            paths.append(re.sub(r"\{[^}]+\}", "1", path))
    return paths


def test_the_paginated_lists_are_found():
    assert len(_paginated_lists()) >= 10  # the loop below really covers the API


@pytest.mark.parametrize("path", _paginated_lists())
@pytest.mark.parametrize("query", [f"offset={HUGE}", f"limit={HUGE}", "offset=-1"])
def test_a_huge_offset_or_limit_is_a_422_on_every_list(world, as_persona, path, query):
    response = as_persona("alice").get(f"{path}?{query}")
    assert response.status_code == 422, (path, response.content[:300])
    body = response.json()
    assert body["field"] == query.split("=")[0] and body["detail"]


def test_a_huge_body_is_a_413_with_the_error_shape(world):
    body = json.dumps({"username": "alice", "password": "x" * (3 * 1024 * 1024)})
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}


def test_a_huge_body_is_a_413_for_a_signed_in_session_too(world, as_persona):
    body = json.dumps({"name": "x" * (3 * 1024 * 1024), "sdgs": [7]})
    response = as_persona("alice").post(
        "/api/v1/network/focus-areas", body, content_type="application/json"
    )
    assert response.status_code == 413


def test_the_schema_describes_sessions_bearer_tokens_and_anonymous_access():
    schema = Client().get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["SessionCookie"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
        "description": schemes["SessionCookie"]["description"],
    }
    assert "X-CSRFToken" in schemes["SessionCookie"]["description"]
    assert schemes["BearerToken"]["scheme"] == "bearer"
    experts = schema["paths"]["/api/v1/network/experts"]["get"]
    assert experts["security"] == [{"BearerToken": []}, {"SessionCookie": []}, {}]
    assert "security" not in schema["paths"]["/api/v1/auth/token"]["post"]  # no credentials


def test_the_schema_documents_the_error_responses():
    schema = Client().get("/api/v1/openapi.json").json()
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"detail", "field"} and error["required"] == ["detail"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "404", "422"} <= codes, (method, path)
            if "requestBody" in operation:
                assert "413" in codes, (method, path)
    token = schema["paths"]["/api/v1/auth/token"]["post"]["responses"]
    for status in ("422", "429"):  # 429: sign-in throttling
        assert token[status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }


def test_the_api_docs_page_still_works():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
