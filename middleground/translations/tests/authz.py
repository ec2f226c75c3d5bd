"""Rows of the authorisation matrix for this app (see core/tests/authz.py).

The translation page and ``PUT`` are for those who edit the object (here the Seoul centre:
its representative carol, and the secretariat); ``GET`` of the API for all who may see it.
"""

from middleground.core.tests.authz import Row, by_persona, everyone

EDITORS_PAGE = by_persona(anonymous=302, dave=403, bob=403, carol=200, alice=200)
EDITORS_API = by_persona(anonymous=401, dave=403, bob=403, carol=200, alice=200)

ROWS = [
    Row(
        "GET",
        "/translations/network.institution/{id}/",
        EDITORS_PAGE,
        name="translations:edit",
        params={"id": "seoul_id"},
    ),
    Row(
        "POST",
        "/translations/network.institution/{id}/",
        by_persona(anonymous=302, dave=403, bob=403, carol=302, alice=302),
        name="translations:edit",
        params={"id": "seoul_id"},
        payload=lambda w: {"language": "ru", "description": "Центр политики"},
    ),
    Row(
        "GET",
        "/api/v1/translations/{content_type}/{object_id}",
        everyone(200),
        params={"content_type": "institution_label", "object_id": "seoul_id"},
    ),
    Row(
        "PUT",
        "/api/v1/translations/{content_type}/{object_id}",
        EDITORS_API,
        params={"content_type": "institution_label", "object_id": "seoul_id"},
        payload=lambda w: {"language": "ru", "fields": {"description": "Центр политики"}},
    ),
]


def world_values(world) -> dict[str, object]:
    return {"institution_label": "network.institution"}
