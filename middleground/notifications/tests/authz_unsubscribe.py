"""The unsubscribe page's row: the signed token is the authority, so every persona (signed in
or not) sees the confirmation page. ``notifications/tests/authz.py`` adds these to its ROWS
(``ROWS += authz_unsubscribe.ROWS``) and its ``world_values`` (this module's)."""

from middleground.core.tests.authz import Row, everyone


def world_values(world) -> dict[str, object]:
    from middleground.notifications.unsubscribe import make_token

    return {"unsubscribe_token": make_token(world.users["bob"])}


ROWS = [
    Row(
        "GET",
        "/notifications/unsubscribe/{token}/",
        everyone(200),
        name="notifications:unsubscribe",
        params={"token": "unsubscribe_token"},
    ),
]
