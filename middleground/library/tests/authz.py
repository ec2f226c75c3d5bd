"""Rows of the authorisation matrix for this app (see core/tests/authz.py).

The matrix's world has no library documents (``world_values`` is shared), so document,
batch and saved-search rows check the "not found" answers here; reading documents of each
access level is checked persona by persona in ``test_access.py``.
"""

from middleground.core.tests.authz import (
    SECRETARIAT_API,
    SECRETARIAT_PAGE,
    SIGNED_IN,
    Row,
    by_persona,
    everyone,
)

MEMBERS_PAGE = by_persona(anonymous=302, dave=403, bob=200, carol=200, alice=200)
SIGNED_IN_404 = by_persona(anonymous=302, dave=404, bob=404, carol=404, alice=404)
NO_DOCUMENT = "999999"

ROWS = [
    # pages
    Row("GET", "/library/", everyone(200), name="library:index", query="q=water&country=KZ"),
    Row("GET", "/library/search/", everyone(200), name="library:site_search", query="q=water"),
    Row("GET", f"/library/documents/{NO_DOCUMENT}/", everyone(404), name="library:document"),
    Row(
        "GET",
        f"/library/documents/{NO_DOCUMENT}/edit/",
        SIGNED_IN_404,
        name="library:document_edit",
    ),
    Row(
        "GET",
        f"/library/documents/{NO_DOCUMENT}/delete/",
        SIGNED_IN_404,
        name="library:document_delete",
    ),
    Row(
        "GET",
        f"/library/documents/{NO_DOCUMENT}/original/",
        everyone(404),
        name="library:document_original",
    ),
    Row("GET", "/library/upload/", MEMBERS_PAGE, name="library:upload"),
    Row("GET", f"/library/batches/{NO_DOCUMENT}/", SIGNED_IN_404, name="library:batch"),
    Row("GET", "/library/lexicon/", everyone(200), name="library:lexicon"),
    Row(
        "GET",
        "/library/lexicon/{slug}/edit/",
        SECRETARIAT_PAGE,
        name="library:lexicon_edit",
        params={"slug": "focus_area_slug"},
    ),
    Row("GET", "/library/saved/", SIGNED_IN, name="library:saved"),
    Row(
        "POST",
        "/library/saved/new/",
        everyone(302),
        name="library:saved_create",
        payload=lambda w: {"name": "Water", "q": "water", "frequency": "weekly"},
    ),
    Row(
        "POST",
        f"/library/saved/{NO_DOCUMENT}/delete/",
        SIGNED_IN_404,
        name="library:saved_delete",
    ),
    # API
    Row("GET", "/api/v1/library/documents", everyone(200)),
    Row(
        "POST",
        "/api/v1/library/documents",
        by_persona(anonymous=401, dave=403, bob=400, carol=400, alice=400),
    ),
    Row(
        "GET",
        "/api/v1/library/documents/{document_id}",
        everyone(404),
        params={"document_id": "seoul_id"},
    ),
    Row(
        "PATCH",
        "/api/v1/library/documents/{document_id}",
        by_persona(anonymous=401, dave=404, bob=404, carol=404, alice=404),
        params={"document_id": "seoul_id"},
        payload=lambda w: {"title": "Renamed"},
    ),
    Row(
        "DELETE",
        "/api/v1/library/documents/{document_id}",
        by_persona(anonymous=401, dave=404, bob=404, carol=404, alice=404),
        params={"document_id": "seoul_id"},
    ),
    Row(
        "GET",
        "/api/v1/library/documents/{document_id}/deletion",
        everyone(404),
        params={"document_id": "seoul_id"},
    ),
    Row(
        "GET",
        "/api/v1/library/documents/{document_id}/original",
        everyone(404),
        params={"document_id": "seoul_id"},
    ),
    Row(
        "GET",
        "/api/v1/library/batches/{batch_id}",
        everyone(404),
        params={"batch_id": "seoul_id"},
    ),
    Row("GET", "/api/v1/library/search", everyone(200), query="q=water&country=KZ"),
    Row("GET", "/api/v1/library/search/export", everyone(200), query="format=csv&q=water"),
    Row("GET", "/api/v1/library/lexicon", everyone(200)),
    Row(
        "PUT",
        "/api/v1/library/lexicon/{slug}",
        SECRETARIAT_API,
        params={"slug": "focus_area_slug"},
        payload=lambda w: {"terms": ["water", "river basin"]},
    ),
    Row(
        "GET",
        "/api/v1/library/saved-searches",
        by_persona(anonymous=401, dave=200, bob=200, carol=200, alice=200),
    ),
    Row(
        "POST",
        "/api/v1/library/saved-searches",
        by_persona(anonymous=401, dave=201, bob=201, carol=201, alice=201),
        payload=lambda w: {"name": "Water", "params": {"q": "water"}},
    ),
    Row(
        "DELETE",
        "/api/v1/library/saved-searches/{saved_id}",
        by_persona(anonymous=401, dave=404, bob=404, carol=404, alice=404),
        params={"saved_id": "seoul_id"},
    ),
]
