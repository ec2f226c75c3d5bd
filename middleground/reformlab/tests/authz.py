"""Rows of the authorisation matrix for this app (see core/tests/authz.py).

The matrix's world has no custom scenario (``world_values`` is shared), so edit, delete
and publish page rows check that built-in scenarios are read-only for everyone, and API
rows with a slug check that an unknown scenario is not found; owners, sharing and the
secretariat's publication are checked persona by persona in ``test_access.py``.
"""

from middleground.core.tests.authz import Row, by_persona, everyone

GAME = {"players": [{"id": "A", "weights": [2]}, {"id": "B", "weights": [1]}], "quotas": [2]}
NEW_SCENARIO = {
    "name": "Two players",
    "body": "imf",
    "game": GAME,
    "members": {"A": {"country": "KZ"}, "B": {"country": "KOR"}},
}
READ_ONLY_PAGE = by_persona(anonymous=302, dave=403, bob=403, carol=403, alice=403)
# world_values() has no scenario slug: API rows ask for an unknown one ("water-security");
# built-in and custom scenarios through the API: test_access.py
UNKNOWN = {"slug": "focus_area_slug"}

ROWS = [
    # pages
    Row("GET", "/reformlab/", everyone(200), name="reformlab:index"),
    Row(
        "GET",
        "/reformlab/compare/",
        everyone(200),
        name="reformlab:compare",
        query="s=unsc-today&s=unsc-ezulwini&index=banzhaf",
    ),
    Row(
        "GET",
        "/reformlab/compare/export.csv",
        everyone(200),
        name="reformlab:compare_export",
        query="s=unsc-today&s=unsc-g4",
    ),
    Row(
        "GET", "/reformlab/builder/", everyone(200), name="reformlab:builder", query="base=unsc-g4"
    ),
    Row("GET", "/reformlab/scenarios/unsc-today/", everyone(200), name="reformlab:scenario"),
    Row(
        "GET",
        "/reformlab/scenarios/unsc-today/export.csv",
        everyone(200),
        name="reformlab:scenario_export",
    ),
    Row(
        "GET",
        "/reformlab/scenarios/unsc-today/edit/",
        READ_ONLY_PAGE,
        name="reformlab:scenario_edit",
    ),
    Row(
        "POST",
        "/reformlab/scenarios/unsc-today/delete/",
        READ_ONLY_PAGE,
        name="reformlab:scenario_delete",
    ),
    Row(
        "POST",
        "/reformlab/scenarios/unsc-today/publish/",
        READ_ONLY_PAGE,
        name="reformlab:scenario_publish",
    ),
    # API
    Row("GET", "/api/v1/reformlab/bodies", everyone(200)),
    Row("GET", "/api/v1/reformlab/scenarios", everyone(200), query="body=un_security_council"),
    Row("GET", "/api/v1/reformlab/scenarios/{slug}", everyone(404), params=UNKNOWN),
    Row("GET", "/api/v1/reformlab/scenarios/{slug}/indices", everyone(404), params=UNKNOWN),
    Row(
        "POST",
        "/api/v1/reformlab/scenarios",
        by_persona(anonymous=401, dave=201, bob=201, carol=201, alice=201),
        payload=lambda w: NEW_SCENARIO,
    ),
    Row(
        "PATCH",
        "/api/v1/reformlab/scenarios/{slug}",
        everyone(404),
        params=UNKNOWN,
        payload=lambda w: {"name": "Renamed"},
    ),
    Row("DELETE", "/api/v1/reformlab/scenarios/{slug}", everyone(404), params=UNKNOWN),
    Row("POST", "/api/v1/reformlab/compute", everyone(200), payload=lambda w: GAME),
    Row("GET", "/api/v1/reformlab/results/{key}", everyone(404), params={"key": "focus_area_slug"}),
]
