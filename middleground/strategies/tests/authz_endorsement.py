"""Authorisation rows of the endorsement pages and endpoints.

Placeholders (built on first use): ``endorse_open_slug``/``endorse_open_id`` (a strategy
open for endorsement, so public), ``endorse_draft_slug``/``endorse_draft_id`` (drafting,
led by bob: seen by the task force, bob, carol, and the secretariat only).
"""

import datetime as dt

from django.utils import timezone

from middleground.core.tests.authz import Row, by_persona, everyone

OPEN = {"slug": "endorse_open_slug"}
DRAFT = {"slug": "endorse_draft_slug"}
OPEN_ID = {"strategy_id": "endorse_open_id"}
DRAFT_ID = {"strategy_id": "endorse_draft_id"}
DRAFT_SEEN = by_persona(anonymous=404, dave=404, bob=200, carol=200, alice=200)


class _Values(dict):
    def __init__(self, world):
        super().__init__()
        self.world = world

    def __missing__(self, key):
        from .factories import drafting_strategy, open_strategy

        if key in ("endorse_open_slug", "endorse_open_id"):
            s = open_strategy(self.world, title="Endorsement authz open")
            self.update(endorse_open_slug=s.slug, endorse_open_id=s.pk)
        elif key in ("endorse_draft_slug", "endorse_draft_id"):
            s = drafting_strategy(self.world, title="Endorsement authz draft")
            self.update(endorse_draft_slug=s.slug, endorse_draft_id=s.pk)
        else:
            raise KeyError(key)
        return self[key]


def world_values(world) -> dict:
    return _Values(world)


def _deadline(values) -> dict:
    later = timezone.localtime(timezone.now() + dt.timedelta(days=10))
    return {"deadline": later.strftime("%Y-%m-%dT%H:%M")}


ROWS = [
    Row(
        "GET",
        "/strategies/{slug}/endorsements/",
        everyone(200),
        name="strategies:endorsements",
        params=OPEN,
    ),
    Row(
        "GET",
        "/strategies/{slug}/endorsements/",
        DRAFT_SEEN,
        name="strategies:endorsements",
        params=DRAFT,
    ),
    Row(
        "GET",
        "/strategies/{slug}/endorse/",
        by_persona(anonymous=302, dave=403, bob=403, carol=200, alice=403),
        name="strategies:endorse",
        params=OPEN,
    ),
    Row(
        "POST",
        "/strategies/{slug}/endorse/",
        by_persona(anonymous=302, dave=403, bob=403, carol=302, alice=403),
        name="strategies:endorse",
        params=OPEN,
        payload=lambda v: {"position": "endorse"},
    ),
    Row(
        "GET",
        "/strategies/{slug}/endorsement/open/",
        by_persona(anonymous=302, dave=404, bob=200, carol=403, alice=200),
        name="strategies:open_call",
        params=DRAFT,
    ),
    Row(
        "POST",
        "/strategies/{slug}/endorsement/open/",
        by_persona(anonymous=302, dave=404, bob=302, carol=403, alice=302),
        name="strategies:open_call",
        params=DRAFT,
        payload=_deadline,
    ),
    Row(
        "POST",
        "/strategies/{slug}/endorsement/close/",
        by_persona(anonymous=302, dave=403, bob=403, carol=403, alice=302),
        name="strategies:close_call",
        params=OPEN,
    ),
    # API
    Row("GET", "/api/v1/strategies/{strategy_id}/endorsements", everyone(200), params=OPEN_ID),
    Row("GET", "/api/v1/strategies/{strategy_id}/endorsements", DRAFT_SEEN, params=DRAFT_ID),
    Row(
        "POST",
        "/api/v1/strategies/{strategy_id}/endorsements",
        by_persona(anonymous=401, dave=403, bob=403, carol=201, alice=403),
        params=OPEN_ID,
        payload=lambda v: {"position": "take_note"},
    ),
    Row(
        "POST",
        "/api/v1/strategies/{strategy_id}/endorsements",
        # carol may answer, but the strategy is not open for endorsement: 400
        by_persona(anonymous=404, dave=404, bob=403, carol=400, alice=403),
        params=DRAFT_ID,
        payload=lambda v: {"position": "endorse"},
    ),
    Row("GET", "/api/v1/strategies/{strategy_id}/breadth", everyone(200), params=OPEN_ID),
    Row("GET", "/api/v1/strategies/{strategy_id}/breadth", DRAFT_SEEN, params=DRAFT_ID),
]
