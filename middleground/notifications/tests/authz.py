"""Rows of the authorisation matrix for notifications: each person sees and changes only
their own notices and follows (anyone else's is a 404, as if it did not exist)."""

from middleground.core.tests.authz import SIGNED_IN, Row, by_persona

from . import authz_unsubscribe

OWN_POST_BOB = by_persona(anonymous=302, dave=404, bob=302, carol=404, alice=404)
OWN_API_BOB = by_persona(anonymous=401, dave=404, bob=200, carol=404, alice=404)


class _Values(dict):
    """Bob's notice and follow, made on first use."""

    def __init__(self, world):
        super().__init__()
        self.world = world

    def __missing__(self, key):
        if key == "unsubscribe_token":
            self.update(authz_unsubscribe.world_values(self.world))
            return self[key]
        if key not in ("bob_notification_id", "bob_follow_id"):
            raise KeyError(key)
        from middleground.notifications.models import Follow, Notification

        bob = self.world.users["bob"]
        notice = Notification.objects.create(
            recipient=bob, kind="test.kind", title="For bob only", url="/", action_required=True
        )
        follow = Follow.objects.create(
            user=bob, target_type="network.taskforce", target_id=str(self.world.task_force.pk)
        )
        self.update(bob_notification_id=notice.pk, bob_follow_id=follow.pk)
        return self[key]


def world_values(world) -> dict:
    return _Values(world)


NOTICE = {"pk": "bob_notification_id"}
FOLLOW = {"pk": "bob_follow_id"}

ROWS = [
    Row("GET", "/notifications/", SIGNED_IN, name="notifications:list"),
    Row(
        "POST",
        "/notifications/read-all/",
        by_persona(anonymous=302, dave=302, bob=302, carol=302, alice=302),
        name="notifications:read_all",
    ),
    Row(
        "POST", "/notifications/{pk}/read/", OWN_POST_BOB, name="notifications:read", params=NOTICE
    ),
    Row(
        "POST", "/notifications/{pk}/done/", OWN_POST_BOB, name="notifications:done", params=NOTICE
    ),
    Row("GET", "/notifications/preferences/", SIGNED_IN, name="notifications:preferences"),
    Row(
        "POST",
        "/notifications/follows/{pk}/",
        OWN_POST_BOB,
        name="notifications:follow_update",
        params=FOLLOW,
        payload=lambda w: {"frequency": "weekly"},
    ),
    Row(
        "POST",
        "/notifications/follows/{pk}/unfollow/",
        OWN_POST_BOB,
        name="notifications:unfollow",
        params=FOLLOW,
    ),
    # API
    Row(
        "GET",
        "/api/v1/notifications",
        by_persona(anonymous=401, dave=200, bob=200, carol=200, alice=200),
    ),
    Row(
        "POST",
        "/api/v1/notifications/{notification_id}/read",
        OWN_API_BOB,
        params={"notification_id": "bob_notification_id"},
    ),
    Row(
        "POST",
        "/api/v1/notifications/{notification_id}/done",
        OWN_API_BOB,
        params={"notification_id": "bob_notification_id"},
    ),
]

ROWS += authz_unsubscribe.ROWS  # the unsubscribe helper's rows
