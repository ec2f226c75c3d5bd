"""Authorisation rows of the forum's outcome pages: minutes, outputs, the closing report.

The event is the factories' public event; its panel is hosted by bob, so bob and the
secretariat write (302 after a POST), carol and dave are refused (403), the anonymous
visitor is sent to sign in (302).
"""

from middleground.core.tests.authz import Row, by_persona, everyone

WRITE = by_persona(anonymous=302, dave=403, bob=302, carol=403, alice=302)
SESSION = {"slug": "outcomes_slug", "pk": "outcomes_session"}


class _Values(dict):
    def __init__(self, world):
        super().__init__()
        self.world = world

    def __missing__(self, key):
        if key not in ("outcomes_slug", "outcomes_session"):
            raise KeyError(key)
        from .factories import event

        created = event(self.world, name="Outcomes authz forum")
        panel = created.sessions.get(title__startswith="Central Asia")
        self.update(outcomes_slug=created.slug, outcomes_session=panel.pk)
        return self[key]


def world_values(world) -> dict:
    return _Values(world)


ROWS = [
    Row(
        "GET",
        "/forum/{slug}/sessions/{pk}/minutes/",
        everyone(200),
        name="forum:minutes",
        params=SESSION,
    ),
    Row(
        "POST",
        "/forum/{slug}/sessions/{pk}/minutes/",
        WRITE,
        name="forum:minutes",
        params=SESSION,
        payload=lambda w: {"text": "Minutes (authz)"},
    ),
    Row(
        "GET",
        "/forum/{slug}/sessions/{pk}/outputs/",
        everyone(200),
        name="forum:outputs",
        params=SESSION,
    ),
    Row(
        "POST",
        "/forum/{slug}/sessions/{pk}/outputs/",
        WRITE,
        name="forum:outputs",
        params=SESSION,
        payload=lambda w: {"action": "remove", "output": "0"},
    ),
    Row(
        "GET",
        "/forum/{slug}/report/",
        everyone(200),
        name="forum:event_report",
        params={"slug": "outcomes_slug"},
    ),
]
