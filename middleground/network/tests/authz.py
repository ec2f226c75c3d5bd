from middleground.core.tests.authz import (
    SECRETARIAT_API,
    SECRETARIAT_PAGE,
    SIGNED_IN,
    Row,
    by_persona,
    everyone,
)

NEW_INSTITUTION = {"name": "New Institute", "kind": "think_tank", "country": "KZ"}
PAGE_EDIT_CAROL = by_persona(
    anonymous=302, dave=403, bob=403, carol=200, alice=200
)  # carol represents Seoul
API_WRITE_SECRETARIAT = by_persona(anonymous=401, dave=403, bob=403, carol=403, alice=201)
API_DELETE_SECRETARIAT = by_persona(anonymous=401, dave=403, bob=403, carol=403, alice=204)
NETWORK_ONLY = by_persona(anonymous=404, dave=404, bob=200, carol=200, alice=200)

ROWS = [
    # pages
    Row("GET", "/network/directory/", everyone(200), name="network:directory", query="q=water"),
    Row("GET", "/network/countries/", everyone(200), name="network:countries"),
    Row("GET", "/network/countries/KZ/", everyone(200), name="network:country"),
    Row("GET", "/network/institutions/", everyone(200), name="network:institutions"),
    Row("GET", "/network/institutions/new/", SECRETARIAT_PAGE, name="network:institution_create"),
    Row(
        "GET",
        "/network/institutions/{slug}/",
        everyone(200),
        name="network:institution",
        params={"slug": "seoul_slug"},
    ),
    Row(
        "GET",
        "/network/institutions/{slug}/edit/",
        PAGE_EDIT_CAROL,
        name="network:institution_edit",
        params={"slug": "seoul_slug"},
    ),
    Row("GET", "/network/apply/", SIGNED_IN, name="network:apply"),
    Row("GET", "/network/applications/", SECRETARIAT_PAGE, name="network:applications"),
    Row(
        "POST",
        "/network/applications/{pk}/decide/",
        by_persona(anonymous=302, dave=403, bob=403, carol=403, alice=302),
        name="network:application_decide",
        params={"pk": "application_id"},
        payload=lambda w: {"decision": "approve"},
    ),
    Row(
        "GET",
        "/network/experts/",
        everyone(200),
        name="network:experts",
        query="focus_area=water-security&regional_group=APG",
    ),
    Row("GET", "/network/experts/new/", PAGE_EDIT_CAROL, name="network:expert_create"),
    Row(
        "GET",
        "/network/experts/{slug}/",
        NETWORK_ONLY,
        name="network:expert",
        params={"slug": "hidden_expert_slug"},
    ),
    Row(
        "GET",
        "/network/experts/{slug}/edit/",
        by_persona(anonymous=302, dave=403, bob=200, carol=403, alice=200),
        name="network:expert_edit",
        params={"slug": "bob_expert_slug"},
    ),
    Row("GET", "/network/focus-areas/", everyone(200), name="network:focus_areas"),
    Row("GET", "/network/focus-areas/water-security/", everyone(200), name="network:focus_area"),
    Row("GET", "/network/task-forces/", everyone(200), name="network:task_forces"),
    Row(
        "GET",
        "/network/task-forces/{slug}/",
        everyone(200),
        name="network:task_force",
        params={"slug": "task_force_slug"},
    ),
    # API
    Row("GET", "/api/v1/network/countries", everyone(200), query="regional_group=APG&bloc=SCO"),
    Row("GET", "/api/v1/network/countries/{code}", everyone(200), params={"code": "country_code"}),
    Row("GET", "/api/v1/network/blocs", everyone(200)),
    Row("GET", "/api/v1/network/institutions", everyone(200)),
    Row(
        "POST",
        "/api/v1/network/institutions",
        API_WRITE_SECRETARIAT,
        payload=lambda w: NEW_INSTITUTION,
    ),
    Row(
        "GET",
        "/api/v1/network/institutions/{institution_id}",
        everyone(200),
        params={"institution_id": "seoul_id"},
    ),
    Row(
        "PATCH",
        "/api/v1/network/institutions/{institution_id}",
        by_persona(anonymous=401, dave=403, bob=403, carol=200, alice=200),
        params={"institution_id": "seoul_id"},
        payload=lambda w: {"description": "Updated."},
    ),
    Row(
        "DELETE",
        "/api/v1/network/institutions/{institution_id}",
        API_DELETE_SECRETARIAT,
        params={"institution_id": "seoul_id"},
    ),
    Row("GET", "/api/v1/network/applications", SECRETARIAT_API),
    Row(
        "POST",
        "/api/v1/network/applications",
        by_persona(anonymous=401, dave=201, bob=201, carol=201, alice=201),
        payload=lambda w: {**NEW_INSTITUTION, "motivation": "We want to join."},
    ),
    Row(
        "POST",
        "/api/v1/network/applications/{application_id}/decision",
        SECRETARIAT_API,
        params={"application_id": "application_id"},
        payload=lambda w: {"approve": True},
    ),
    Row("GET", "/api/v1/network/experts", everyone(200)),
    Row(
        "POST",
        "/api/v1/network/experts",
        by_persona(anonymous=401, dave=403, bob=403, carol=201, alice=201),
        payload=lambda w: {"name": "New Expert", "country": "KR", "institution": w["seoul_id"]},
    ),
    Row(
        "GET",
        "/api/v1/network/experts/{expert_id}",
        NETWORK_ONLY,
        params={"expert_id": "hidden_expert_id"},
    ),
    Row(
        "PATCH",
        "/api/v1/network/experts/{expert_id}",
        by_persona(anonymous=401, dave=403, bob=200, carol=403, alice=200),
        params={"expert_id": "bob_expert_id"},
        payload=lambda w: {"bio": "Hydrologist."},
    ),
    Row(
        "DELETE",
        "/api/v1/network/experts/{expert_id}",
        API_DELETE_SECRETARIAT,
        params={"expert_id": "bob_expert_id"},
    ),
    Row("GET", "/api/v1/network/focus-areas", everyone(200)),
    Row(
        "POST",
        "/api/v1/network/focus-areas",
        API_WRITE_SECRETARIAT,
        payload=lambda w: {"name": "Energy", "sdgs": [7]},
    ),
    Row(
        "GET",
        "/api/v1/network/focus-areas/{slug}",
        everyone(200),
        params={"slug": "focus_area_slug"},
    ),
    Row(
        "PATCH",
        "/api/v1/network/focus-areas/{slug}",
        SECRETARIAT_API,
        params={"slug": "focus_area_slug"},
        payload=lambda w: {"description": "Water for all."},
    ),
    Row(
        "DELETE",
        "/api/v1/network/focus-areas/{slug}",
        API_DELETE_SECRETARIAT,
        params={"slug": "unused_focus_area_slug"},
    ),
    Row("GET", "/api/v1/network/task-forces", everyone(200)),
    Row(
        "POST",
        "/api/v1/network/task-forces",
        API_WRITE_SECRETARIAT,
        payload=lambda w: {
            "name": "New TF",
            "focus_area": "security",
            "chair": w["seoul_id"],
            "mandate": "Work.",
        },
    ),
    Row(
        "GET",
        "/api/v1/network/task-forces/{task_force_id}",
        everyone(200),
        params={"task_force_id": "task_force_id"},
    ),
    Row(
        "PATCH",
        "/api/v1/network/task-forces/{task_force_id}",
        SECRETARIAT_API,
        params={"task_force_id": "task_force_id"},
        payload=lambda w: {"mandate": "Share more water data."},
    ),
    Row(
        "DELETE",
        "/api/v1/network/task-forces/{task_force_id}",
        API_DELETE_SECRETARIAT,
        params={"task_force_id": "task_force_id"},
    ),
]
