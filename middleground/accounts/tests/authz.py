from middleground.core.tests.authz import SECRETARIAT_PAGE, SIGNED_IN, Row, by_persona, everyone

ROWS = [
    Row("GET", "/accounts/login/", by_persona(200, 302, 302, 302, 302), name="accounts:login"),
    Row("POST", "/accounts/logout/", everyone(302), name="accounts:logout"),
    Row("GET", "/accounts/password-reset/", everyone(200), name="accounts:password_reset"),
    Row(
        "GET", "/accounts/password-reset/sent/", everyone(200), name="accounts:password_reset_done"
    ),
    Row(
        "GET",
        "/accounts/reset/MQ/set-password/",
        everyone(200),
        name="accounts:password_reset_confirm",
    ),
    Row("GET", "/accounts/profile/", SIGNED_IN, name="accounts:profile"),
    Row("GET", "/accounts/profile/export.json", SIGNED_IN, name="accounts:export"),
    Row("GET", "/accounts/profile/delete/", SIGNED_IN, name="accounts:delete"),
    Row("GET", "/accounts/invitations/", SECRETARIAT_PAGE, name="accounts:invitations"),
    Row(
        "GET",
        "/accounts/invitations/accept/{token}/",
        everyone(200),
        name="accounts:accept_invitation",
        params={"token": "invitation_token"},
    ),
    Row("GET", "/accounts/audit/", SECRETARIAT_PAGE, name="accounts:audit"),
    # API
    Row(
        "POST",
        "/api/v1/auth/token",
        everyone(401),
        payload=lambda w: {"username": "alice", "password": "wrong"},
    ),
    Row("GET", "/api/v1/auth/me", by_persona(401, 200, 200, 200, 200)),
]
