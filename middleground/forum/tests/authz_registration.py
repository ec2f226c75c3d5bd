"""Rows of the registration part (registration, delegations, check-in, certificates).

Placeholders (prefixed ``freg_``): a published future event where bob holds a confirmed
registration and Seoul has a delegation led by carol; a past event where bob checked in.
"""

from middleground.core.tests.authz import (
    SECRETARIAT_API,
    SECRETARIAT_PAGE,
    SIGNED_IN,
    Row,
    by_persona,
)

OWN_PAGE = by_persona(anonymous=302, dave=404, bob=200, carol=404, alice=404)
OWN_API = by_persona(anonymous=401, dave=404, bob=200, carol=404, alice=404)


class _Values(dict):
    def __init__(self, world):
        super().__init__()
        self.world = world

    def __missing__(self, key):
        if not key.startswith("freg_"):
            raise KeyError(key)
        from django.utils import timezone

        from middleground.forum import registration
        from middleground.forum.models import Registration, RegistrationType

        from .factories import event

        w = self.world
        bob = w.users["bob"]
        if key.startswith("freg_past"):
            past = event(w, name="Past forum authz", days_ahead=-5, capacity=5)
            mine = Registration.objects.create(
                event=past,
                type=past.registration_types.get(),
                user=bob,
                status="confirmed",
                confirmed_at=past.starts_at,
                checked_in_at=past.starts_at,
            )
            assert mine.checked_in_at < timezone.now()
            self.update(freg_past_slug=past.slug)
        elif key in ("freg_slug", "freg_event_id", "freg_delegation_id", "freg_type_id"):
            future = event(w, name="Registration authz", capacity=5)
            RegistrationType.objects.create(
                event=future, name="Delegations", capacity=6, delegates_only=True, position=1
            )
            general = future.registration_types.get(name="General")
            registration.register(actor=bob, event=future, registration_type=general)
            seoul = registration.set_delegation(
                actor=w.users["alice"],
                event=future,
                institution=w.seoul,
                quota=2,
                substitutes_quota=1,
                head=w.users["carol"],
            )
            self.update(
                freg_slug=future.slug,
                freg_event_id=future.pk,
                freg_delegation_id=seoul.pk,
                freg_type_id=general.pk,
            )
        else:
            raise KeyError(key)
        return self[key]


def world_values(world) -> dict:
    return _Values(world)


E = {"slug": "freg_slug"}
BASE = "/forum/{slug}/"
API = "/api/v1/events/{event_id}/registrations"
EID = {"event_id": "freg_event_id"}

ROWS = [
    Row(
        "GET",
        BASE + "register/",
        by_persona(anonymous=302, dave=200, bob=302, carol=200, alice=200),
        name="forum:register",
        params=E,
    ),
    Row(
        "POST",
        BASE + "register/",
        by_persona(anonymous=302, dave=302, bob=302, carol=302, alice=302),
        name="forum:register",
        params=E,
        payload=lambda v: {"type": v["freg_type_id"]},
    ),
    Row(
        "GET",
        BASE + "registration/",
        by_persona(anonymous=302, dave=302, bob=200, carol=302, alice=302),
        name="forum:my_registration",
        params=E,
    ),
    Row(
        "POST",
        BASE + "registration/cancel/",
        by_persona(anonymous=302, dave=404, bob=302, carol=404, alice=404),
        name="forum:cancel",
        params=E,
    ),
    Row("GET", BASE + "registration/agenda/", OWN_PAGE, name="forum:agenda", params=E),
    Row("GET", BASE + "registration/badge.png", OWN_PAGE, name="forum:badge_qr", params=E),
    Row(
        "GET",
        BASE + "registration/certificate.pdf",
        OWN_PAGE,
        name="forum:certificate",
        params={"slug": "freg_past_slug"},
    ),
    Row("GET", BASE + "delegations/", SIGNED_IN, name="forum:delegations", params=E),
    Row(
        "POST",
        BASE + "delegations/",
        by_persona(anonymous=302, dave=403, bob=403, carol=403, alice=200),
        name="forum:delegations",
        params=E,
        payload=lambda v: {"quota": "x"},  # invalid: the form comes back (200) for alice
    ),
    Row(
        "GET",
        BASE + "delegations/{pk}/",
        by_persona(anonymous=302, dave=404, bob=404, carol=200, alice=200),
        name="forum:delegation",
        params={**E, "pk": "freg_delegation_id"},
    ),
    Row("GET", BASE + "registrations/", SECRETARIAT_PAGE, name="forum:registrations", params=E),
    Row(
        "GET",
        BASE + "registrations.csv",
        SECRETARIAT_PAGE,
        name="forum:registrations_csv",
        params=E,
    ),
    Row("GET", BASE + "check-in/", SECRETARIAT_PAGE, name="forum:check_in", params=E),
    # API
    Row(
        "POST",
        API,
        by_persona(anonymous=401, dave=201, bob=400, carol=201, alice=201),
        params=EID,
        payload=lambda v: {"type": v["freg_type_id"]},
    ),
    Row("GET", API + "/me", OWN_API, params=EID),
    Row("DELETE", API + "/me", OWN_API, params=EID),
    Row("POST", API + "/me/cancel", OWN_API, params=EID),
    Row("GET", API, SECRETARIAT_API, params=EID),
]
