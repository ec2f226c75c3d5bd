"""Authorisation rows of the live room (pages under /live/, API under /api/v1/live).

The placeholders are built on first use: an event with the panel's room open (bob hosts
the panel) and the opening plenary's room closed.
"""

from middleground.core.tests.authz import Row, by_persona, everyone

HOSTS_PAGE = by_persona(anonymous=302, dave=403, bob=200, carol=403, alice=200)
HOSTS_POST = by_persona(anonymous=302, dave=403, bob=302, carol=403, alice=302)
HOSTS_API = by_persona(anonymous=401, dave=403, bob=200, carol=403, alice=200)
HOSTS_API_CREATED = by_persona(anonymous=401, dave=403, bob=201, carol=403, alice=201)

KEYS = ("live_code", "live_closed_code", "live_panel_id", "live_plenary_id")


class _Values(dict):
    def __init__(self, world):
        super().__init__()
        self.world = world

    def __missing__(self, key):
        if key not in KEYS:
            raise KeyError(key)
        from middleground.forum import live

        from .factories import event

        created = event(self.world, name="Live authz forum")
        plenary, panel = created.sessions.order_by("starts_at")
        alice, bob = self.world.users["alice"], self.world.users["bob"]
        room = live.open_room(actor=bob, session=panel, question="What should we do?")
        closed = live.open_room(actor=alice, session=plenary)
        live.close_room(actor=alice, room=closed)
        self.update(
            live_code=room.code,
            live_closed_code=closed.code,
            live_panel_id=panel.pk,
            live_plenary_id=plenary.pk,
        )
        return self[key]


def world_values(world):
    return _Values(world)


CODE = {"code": "live_code"}
ROWS = [
    Row("GET", "/live/", everyone(200), name="live:join"),
    Row("GET", "/live/", everyone(404), name="live:join", query="code=ZZZZZ"),
    Row(
        "GET",
        "/live/?code={code}",
        everyone(410),
        name="live:join",
        params={"code": "live_closed_code"},
    ),
    Row(
        "POST",
        "/live/",
        HOSTS_POST,
        name="live:join",
        payload=lambda v: {"session": v["live_panel_id"]},
    ),
    Row("GET", "/live/{code}/", everyone(200), name="live:audience", params=CODE),
    Row(
        "POST",
        "/live/{code}/",
        everyone(302),
        name="live:audience",
        params=CODE,
        payload=lambda v: {"action": "vote", "statement": "0", "vote": "1"},
    ),
    Row("GET", "/live/{code}/screen/", everyone(200), name="live:screen", params=CODE),
    Row("GET", "/live/{code}/moderate/", HOSTS_PAGE, name="live:moderate", params=CODE),
    Row(
        "POST",
        "/live/{code}/moderate/",
        HOSTS_POST,
        name="live:moderate",
        params=CODE,
        payload=lambda v: {"action": "close"},
    ),
    Row("GET", "/live/{code}/stream/", everyone(200), name="live:stream", params=CODE),
    Row(
        "GET",
        "/live/{code}/",
        everyone(200),
        name="live:audience",
        params={"code": "live_closed_code"},
    ),
    Row("GET", "/api/v1/live/{code}", everyone(200), params=CODE),
    Row("GET", "/api/v1/live/{code}", everyone(404), params={"code": "live_closed_code"}),
    Row(
        "POST",
        "/api/v1/live/sessions/{session_id}/open",
        HOSTS_API_CREATED,
        params={"session_id": "live_panel_id"},
        payload=lambda v: {},
    ),
    Row("POST", "/api/v1/live/{code}/close", HOSTS_API, params=CODE),
]
