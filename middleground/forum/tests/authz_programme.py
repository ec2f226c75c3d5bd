"""Authorisation rows of the programme part: events, sessions, speakers, exports, calendars.

Placeholders (all prefixed ``programme_``) are built on first use: a published public event
(from ``factories.event``), a draft, a network-only event, and a live and a revoked feed.
"""

from middleground.core.tests.authz import (
    SECRETARIAT_PAGE,
    SIGNED_IN,
    Row,
    by_persona,
    everyone,
)

MANAGE_PUBLIC = by_persona(anonymous=302, dave=403, bob=403, carol=403, alice=200)
MANAGE_DRAFT = by_persona(anonymous=302, dave=404, bob=404, carol=404, alice=200)
ONLY_ALICE = by_persona(anonymous=404, dave=404, bob=404, carol=404, alice=200)
NETWORK = by_persona(anonymous=404, dave=404, bob=200, carol=200, alice=200)
SIGNED_IN_POST = by_persona(anonymous=302, dave=200, bob=200, carol=200, alice=200)


class _Values(dict):
    def __init__(self, world):
        super().__init__()
        self.world = world

    def __missing__(self, key):
        from middleground.forum import calendars
        from middleground.forum.models import EventStatus, EventVisibility

        from .factories import event

        if not key.startswith("programme_"):
            raise KeyError(key)
        group = key.split("_")[1]
        if group == "public":
            public = event(self.world, name="Authz public forum")
            self.update(
                programme_public_slug=public.slug,
                programme_public_id=public.pk,
                programme_public_session=public.sessions.get(title="Opening plenary").pk,
                programme_public_speaker="bob-bekov",
            )
        elif group == "draft":
            draft = event(self.world, name="Authz draft forum")
            draft.status = EventStatus.DRAFT
            draft.save(update_fields=["status"])
            self.update(
                programme_draft_slug=draft.slug,
                programme_draft_id=draft.pk,
                programme_draft_session=draft.sessions.first().pk,
            )
        elif group == "network":
            network = event(
                self.world, name="Authz network forum", visibility=EventVisibility.NETWORK
            )
            self.update(
                programme_network_slug=network.slug,
                programme_network_id=network.pk,
                programme_network_session=network.sessions.first().pk,
            )
        elif group == "feed":
            self["programme_feed_token"] = calendars.create_feed(user=self.world.users["carol"])
        elif group == "revoked":
            token = calendars.create_feed(user=self.world.users["carol"])
            feed = self.world.users["carol"].calendar_feeds.get(
                token_hash=calendars.hash_token(token)
            )
            calendars.revoke_feed(user=self.world.users["carol"], feed=feed)
            self["programme_revoked_token"] = token
        else:
            raise KeyError(key)
        return self[key]


def world_values(world) -> dict:
    return _Values(world)


PUB = {"slug": "programme_public_slug"}
PUB_S = {"slug": "programme_public_slug", "pk": "programme_public_session"}
DRAFT = {"slug": "programme_draft_slug"}
DRAFT_S = {"slug": "programme_draft_slug", "pk": "programme_draft_session"}
NET = {"slug": "programme_network_slug"}
NET_S = {"slug": "programme_network_slug", "pk": "programme_network_session"}

ROWS = [
    # pages
    Row("GET", "/forum/", everyone(200), name="forum:events"),
    Row("GET", "/forum/new/", SECRETARIAT_PAGE, name="forum:event_create"),
    Row("GET", "/forum/{slug}/", everyone(200), name="forum:event", params=PUB),
    Row("GET", "/forum/{slug}/", ONLY_ALICE, name="forum:event", params=DRAFT),
    Row("GET", "/forum/{slug}/", NETWORK, name="forum:event", params=NET),
    Row("GET", "/forum/{slug}/edit/", MANAGE_PUBLIC, name="forum:event_edit", params=PUB),
    Row("GET", "/forum/{slug}/edit/", MANAGE_DRAFT, name="forum:event_edit", params=DRAFT),
    Row("GET", "/forum/{slug}/programme/", everyone(200), name="forum:programme", params=PUB),
    Row("GET", "/forum/{slug}/programme/", ONLY_ALICE, name="forum:programme", params=DRAFT),
    Row("GET", "/forum/{slug}/programme/", NETWORK, name="forum:programme", params=NET),
    Row(
        "GET",
        "/forum/{slug}/sessions/new/",
        MANAGE_PUBLIC,
        name="forum:session_create",
        params=PUB,
    ),
    Row("GET", "/forum/{slug}/sessions/{pk}/", everyone(200), name="forum:session", params=PUB_S),
    Row("GET", "/forum/{slug}/sessions/{pk}/", ONLY_ALICE, name="forum:session", params=DRAFT_S),
    Row("GET", "/forum/{slug}/sessions/{pk}/", NETWORK, name="forum:session", params=NET_S),
    Row(
        "GET",
        "/forum/{slug}/sessions/{pk}/edit/",
        MANAGE_PUBLIC,
        name="forum:session_edit",
        params=PUB_S,
    ),
    Row(
        "GET",
        "/forum/{slug}/speakers/{speaker}/",
        everyone(200),
        name="forum:speaker",
        params={**PUB, "speaker": "programme_public_speaker"},
    ),
    Row(
        "GET",
        "/forum/{slug}/speakers/{speaker}/",
        NETWORK,
        name="forum:speaker",
        params={**NET, "speaker": "programme_public_speaker"},
    ),
    Row(
        "GET",
        "/forum/{slug}/programme.json",
        everyone(200),
        name="forum:programme_json",
        params=PUB,
    ),
    Row(
        "GET", "/forum/{slug}/programme.json", ONLY_ALICE, name="forum:programme_json", params=DRAFT
    ),
    Row(
        "GET", "/forum/{slug}/programme.csv", everyone(200), name="forum:programme_csv", params=PUB
    ),
    Row("GET", "/forum/{slug}/programme.csv", NETWORK, name="forum:programme_csv", params=NET),
    Row("GET", "/forum/{slug}/calendar.ics", everyone(200), name="forum:event_ics", params=PUB),
    Row("GET", "/forum/{slug}/calendar.ics", ONLY_ALICE, name="forum:event_ics", params=DRAFT),
    Row(
        "GET",
        "/forum/{slug}/sessions/{pk}/calendar.ics",
        everyone(200),
        name="forum:session_ics",
        params=PUB_S,
    ),
    Row(
        "GET",
        "/forum/{slug}/sessions/{pk}/calendar.ics",
        NETWORK,
        name="forum:session_ics",
        params=NET_S,
    ),
    # the token is the key: anyone holding it reads the feed, revoked is gone for all
    Row(
        "GET",
        "/forum/agenda/{token}.ics",
        everyone(200),
        name="forum:agenda_feed",
        params={"token": "programme_feed_token"},
    ),
    Row(
        "GET",
        "/forum/agenda/{token}.ics",
        everyone(404),
        name="forum:agenda_feed",
        params={"token": "programme_revoked_token"},
    ),
    Row("GET", "/forum/me/calendar/", SIGNED_IN, name="forum:calendar_feeds"),
    Row(
        "POST",
        "/forum/me/calendar/",
        SIGNED_IN_POST,
        name="forum:calendar_feeds",
        payload=lambda v: {"action": "create"},
    ),
    # API
    Row("GET", "/api/v1/events", everyone(200)),
    Row(
        "GET",
        "/api/v1/events/{event_id}",
        everyone(200),
        params={"event_id": "programme_public_id"},
    ),
    Row(
        "GET",
        "/api/v1/events/{event_id}",
        ONLY_ALICE,
        params={"event_id": "programme_draft_id"},
    ),
    Row(
        "GET",
        "/api/v1/events/{event_id}",
        NETWORK,
        params={"event_id": "programme_network_id"},
    ),
    Row(
        "GET",
        "/api/v1/events/{event_id}/sessions",
        everyone(200),
        params={"event_id": "programme_public_id"},
    ),
    Row(
        "GET",
        "/api/v1/events/{event_id}/sessions",
        ONLY_ALICE,
        params={"event_id": "programme_draft_id"},
    ),
    Row(
        "GET",
        "/api/v1/events/{event_id}/calendar.ics",
        everyone(200),
        params={"event_id": "programme_public_id"},
    ),
    Row(
        "GET",
        "/api/v1/events/{event_id}/calendar.ics",
        NETWORK,
        params={"event_id": "programme_network_id"},
    ),
    Row(
        "GET",
        "/api/v1/sessions/{session_id}",
        everyone(200),
        params={"session_id": "programme_public_session"},
    ),
    Row(
        "GET",
        "/api/v1/sessions/{session_id}",
        ONLY_ALICE,
        params={"session_id": "programme_draft_session"},
    ),
    Row(
        "GET",
        "/api/v1/sessions/{session_id}/calendar.ics",
        everyone(200),
        params={"session_id": "programme_public_session"},
    ),
    Row(
        "GET",
        "/api/v1/sessions/{session_id}/calendar.ics",
        NETWORK,
        params={"session_id": "programme_network_session"},
    ),
]
