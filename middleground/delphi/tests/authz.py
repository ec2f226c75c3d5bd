"""Rows of the authorisation matrix for the Delphi app (see core/tests/authz.py).

The rows need Delphi objects; ``world_values(world)`` builds them (a draft, a running
study with bob on its panel, a published one) and returns the placeholders. The app's
own ``test_authz.py`` walks these rows for every persona.
"""

from middleground.core.tests.authz import SECRETARIAT_PAGE, Row, by_persona, everyone

PAGE_MANAGE_DRAFT = by_persona(anonymous=302, dave=404, bob=404, carol=404, alice=200)
POST_MANAGE_DRAFT = by_persona(anonymous=302, dave=404, bob=404, carol=404, alice=302)
PAGE_MANAGE_RUNNING = by_persona(anonymous=302, dave=404, bob=403, carol=403, alice=200)
POST_MANAGE_RUNNING = by_persona(anonymous=302, dave=404, bob=403, carol=403, alice=302)
SEEN_BY_NETWORK = by_persona(anonymous=404, dave=404, bob=200, carol=200, alice=200)
PANEL_RESULTS = by_persona(anonymous=404, dave=404, bob=200, carol=403, alice=200)
API_DRAFT_ALICE = by_persona(anonymous=404, dave=404, bob=404, carol=404, alice=200)
API_RUNNING_ALICE = by_persona(anonymous=404, dave=404, bob=403, carol=403, alice=200)
API_PANELLIST = by_persona(anonymous=404, dave=404, bob=200, carol=403, alice=403)


class _Values(dict):
    """Placeholders built on first use, so each row pays only for the studies it needs."""

    def __init__(self, world):
        super().__init__()
        self.world = world

    def __missing__(self, key):
        from middleground.delphi import services

        from .factories import draft_study, running_study

        alice, bob = self.world.users["alice"], self.world.users["bob"]
        group = key.split("_")[0]
        if group == "draft":
            draft = draft_study(alice, title="Draft (authz)")
            first, second = list(draft.items.order_by("position"))[:2]
            self.update(
                draft_slug=draft.slug,
                draft_id=draft.pk,
                draft_item_id=first.pk,
                draft_item2_id=second.pk,
            )
        elif group == "published":
            published = running_study(alice, [bob], title="Published (authz)")
            services.close_round(actor=alice, round=published.rounds.get(number=1))
            services.publish_results(actor=alice, study=published)
            self.update(published_slug=published.slug, published_id=published.pk)
        elif key in ("running_slug", "running_id", "round_id", "likert_id"):
            running = running_study(alice, [bob], title="Running (authz)")
            self.update(
                running_slug=running.slug,
                running_id=running.pk,
                round_id=running.rounds.get(number=1).pk,
                likert_id=running.items.get(kind="likert").pk,
            )
        else:
            raise KeyError(key)
        return self[key]


def world_values(world) -> dict:
    return _Values(world)


RUN = {"slug": "running_slug"}
DRAFT = {"slug": "draft_slug"}
PUB = {"slug": "published_slug"}
RULES = {"min_answers": 2, "max_iqr": 1}

ROWS = [
    # pages
    Row("GET", "/delphi/", everyone(200), name="delphi:studies"),
    Row("GET", "/delphi/new/", SECRETARIAT_PAGE, name="delphi:study_create"),
    Row("GET", "/delphi/{slug}/", SEEN_BY_NETWORK, name="delphi:study", params=RUN),
    Row("GET", "/delphi/{slug}/", everyone(200), name="delphi:study", params=PUB),
    Row(
        "GET",
        "/delphi/{slug}/",
        by_persona(anonymous=404, dave=404, bob=404, carol=404, alice=200),
        name="delphi:study",
        params=DRAFT,
    ),
    Row("GET", "/delphi/{slug}/edit/", PAGE_MANAGE_DRAFT, name="delphi:study_edit", params=DRAFT),
    Row(
        "GET",
        "/delphi/{slug}/items/new/",
        PAGE_MANAGE_DRAFT,
        name="delphi:item_create",
        params=DRAFT,
    ),
    Row(
        "GET",
        "/delphi/{slug}/items/{item_id}/edit/",
        PAGE_MANAGE_DRAFT,
        name="delphi:item_edit",
        params={**DRAFT, "item_id": "draft_item_id"},
    ),
    Row(
        "POST",
        "/delphi/{slug}/items/{item_id}/delete/",
        POST_MANAGE_DRAFT,
        name="delphi:item_delete",
        params={**DRAFT, "item_id": "draft_item2_id"},
    ),
    Row("POST", "/delphi/{slug}/launch/", POST_MANAGE_DRAFT, name="delphi:launch", params=DRAFT),
    Row("POST", "/delphi/{slug}/publish/", POST_MANAGE_RUNNING, name="delphi:publish", params=RUN),
    Row(
        "GET", "/delphi/{slug}/version/", PAGE_MANAGE_RUNNING, name="delphi:new_version", params=RUN
    ),
    Row("GET", "/delphi/{slug}/panel/", PAGE_MANAGE_RUNNING, name="delphi:panel", params=RUN),
    Row(
        "POST",
        "/delphi/{slug}/rounds/close/",
        POST_MANAGE_RUNNING,
        name="delphi:round_close",
        params=RUN,
    ),
    Row(
        "POST",
        "/delphi/{slug}/rounds/open/",
        POST_MANAGE_RUNNING,
        name="delphi:round_open",
        params=RUN,
    ),
    Row(
        "GET",
        "/delphi/{slug}/answer/",
        by_persona(anonymous=302, dave=404, bob=200, carol=403, alice=403),
        name="delphi:answer",
        params=RUN,
    ),
    Row("GET", "/delphi/{slug}/results/", PANEL_RESULTS, name="delphi:results", params=RUN),
    Row("GET", "/delphi/{slug}/results/", everyone(200), name="delphi:results", params=PUB),
    Row("GET", "/delphi/{slug}/report/", everyone(200), name="delphi:report", params=PUB),
    Row("GET", "/delphi/{slug}/report.pdf", everyone(200), name="delphi:report_pdf", params=PUB),
    Row("GET", "/delphi/{slug}/answers.csv", everyone(200), name="delphi:export_csv", params=PUB),
    Row("GET", "/delphi/{slug}/answers.json", everyone(200), name="delphi:export_json", params=PUB),
    Row("GET", "/delphi/{slug}/answers.json", PANEL_RESULTS, name="delphi:export_json", params=RUN),
    # API
    Row("GET", "/api/v1/delphi/studies", everyone(200)),
    Row(
        "POST",
        "/api/v1/delphi/studies",
        by_persona(anonymous=401, dave=403, bob=403, carol=403, alice=201),
        payload=lambda w: {"title": "API study", "question": "Why?", "rules": RULES},
    ),
    Row(
        "GET",
        "/api/v1/delphi/studies/{study_id}",
        SEEN_BY_NETWORK,
        params={"study_id": "running_id"},
    ),
    Row(
        "GET",
        "/api/v1/delphi/studies/{study_id}",
        everyone(200),
        params={"study_id": "published_id"},
    ),
    Row(
        "PATCH",
        "/api/v1/delphi/studies/{study_id}",
        API_DRAFT_ALICE,
        params={"study_id": "draft_id"},
        payload=lambda w: {"title": "Renamed"},
    ),
    Row(
        "POST",
        "/api/v1/delphi/studies/{study_id}/launch",
        API_DRAFT_ALICE,
        params={"study_id": "draft_id"},
    ),
    Row(
        "POST",
        "/api/v1/delphi/studies/{study_id}/versions",
        by_persona(anonymous=404, dave=404, bob=403, carol=403, alice=201),
        params={"study_id": "running_id"},
        payload=lambda w: {"rules": RULES, "note": "Fewer answers needed."},
    ),
    Row(
        "POST",
        "/api/v1/delphi/studies/{study_id}/publish",
        API_RUNNING_ALICE,
        params={"study_id": "running_id"},
    ),
    Row(
        "GET",
        "/api/v1/delphi/studies/{study_id}/items",
        SEEN_BY_NETWORK,
        params={"study_id": "running_id"},
    ),
    Row(
        "POST",
        "/api/v1/delphi/studies/{study_id}/items",
        by_persona(anonymous=404, dave=404, bob=404, carol=404, alice=201),
        params={"study_id": "draft_id"},
        payload=lambda w: {"kind": "likert", "text": "New statement", "config": {"points": 7}},
    ),
    Row(
        "POST",
        "/api/v1/delphi/studies/{study_id}/panel",
        by_persona(anonymous=404, dave=404, bob=403, carol=403, alice=201),
        params={"study_id": "running_id"},
        payload=lambda w: {"emails": ["new-panellist@example.org"]},
    ),
    Row(
        "PUT",
        "/api/v1/delphi/studies/{study_id}/expertise",
        by_persona(anonymous=404, dave=404, bob=204, carol=403, alice=403),
        params={"study_id": "running_id"},
        payload=lambda w: {"ratings": {}},
    ),
    Row(
        "GET",
        "/api/v1/delphi/studies/{study_id}/rounds",
        SEEN_BY_NETWORK,
        params={"study_id": "running_id"},
    ),
    Row(
        "POST",
        "/api/v1/delphi/studies/{study_id}/rounds",
        by_persona(anonymous=404, dave=404, bob=403, carol=403, alice=409),
        params={"study_id": "running_id"},
    ),
    Row(
        "POST",
        "/api/v1/delphi/rounds/{round_id}/close",
        API_RUNNING_ALICE,
        params={"round_id": "round_id"},
    ),
    Row(
        "POST",
        "/api/v1/delphi/rounds/{round_id}/answers",
        by_persona(anonymous=404, dave=404, bob=201, carol=403, alice=403),
        params={"round_id": "round_id"},
        payload=lambda w: {"answers": [{"item": w["likert_id"], "value": 4}]},
    ),
    Row(
        "GET",
        "/api/v1/delphi/rounds/{round_id}/answers/mine",
        API_PANELLIST,
        params={"round_id": "round_id"},
    ),
    Row(
        "GET",
        "/api/v1/delphi/studies/{study_id}/results",
        PANEL_RESULTS,
        params={"study_id": "running_id"},
    ),
    Row(
        "GET",
        "/api/v1/delphi/studies/{study_id}/results",
        everyone(200),
        params={"study_id": "published_id"},
    ),
    Row(
        "GET",
        "/api/v1/delphi/studies/{study_id}/answers",
        PANEL_RESULTS,
        params={"study_id": "running_id"},
    ),
]
