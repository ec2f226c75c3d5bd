from middleground.accounts.models import ApiToken
from middleground.accounts.services import issue_api_token
from middleground.core.tests.authz import SECRETARIAT_PAGE, SIGNED_IN, Row, by_persona, everyone

NO_TOTP = by_persona(anonymous=302, dave=404, bob=404, carol=404, alice=404)

ROWS = [
    Row(
        "GET",
        "/accounts/login/",
        by_persona(anonymous=200, dave=302, bob=302, carol=302, alice=302),
        name="accounts:login",
    ),
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
    Row("GET", "/accounts/password/", SIGNED_IN, name="accounts:password_change"),
    Row("GET", "/accounts/profile/", SIGNED_IN, name="accounts:profile"),
    Row(
        "GET",
        "/accounts/profile/email/not-a-signed-link/",
        by_persona(anonymous=302, dave=404, bob=404, carol=404, alice=404),
        name="accounts:confirm_email",
    ),
    Row("GET", "/accounts/tokens/", SIGNED_IN, name="accounts:api_tokens"),
    Row(
        "POST",
        "/accounts/tokens/{token_id}/revoke/",
        by_persona(
            anonymous=302, dave=404, bob=302, carol=404, alice=404
        ),  # bob's token: only bob revokes it
        name="accounts:revoke_api_token",
        params={"token_id": "bob_token_id"},
    ),
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
    Row("GET", "/accounts/audit/export.csv", SECRETARIAT_PAGE, name="accounts:audit_export"),
    # django-allauth: sign-up, e-mail verification, two-factor authentication
    Row(
        "GET",
        "/accounts/login/",
        by_persona(anonymous=200, dave=302, bob=302, carol=302, alice=302),
        name="account_login",
    ),
    Row("POST", "/accounts/logout/", everyone(302), name="account_logout"),
    Row("GET", "/accounts/password/", SIGNED_IN, name="account_change_password"),
    Row("GET", "/accounts/email/", everyone(302), name="account_email"),
    Row("GET", "/accounts/password/forgotten/", everyone(302), name="account_reset_password"),
    Row(
        "GET",
        "/accounts/signup/",
        by_persona(anonymous=200, dave=302, bob=302, carol=302, alice=302),
        name="account_signup",
    ),
    Row("GET", "/accounts/inactive/", everyone(200), name="account_inactive"),
    Row("GET", "/accounts/reauthenticate/", SIGNED_IN, name="account_reauthenticate"),
    Row("GET", "/accounts/confirm-email/", everyone(200), name="account_email_verification_sent"),
    Row(
        "GET",
        "/accounts/confirm-email/not-a-key/",
        everyone(200),  # the page says the link is not valid
        name="account_confirm_email",
    ),
    Row("GET", "/accounts/2fa/", SIGNED_IN, name="mfa_index"),
    Row("GET", "/accounts/2fa/authenticate/", everyone(302), name="mfa_authenticate"),
    Row("GET", "/accounts/2fa/reauthenticate/", everyone(302), name="mfa_reauthenticate"),
    # Recently signed in through the form only: a force_login session must re-enter its password.
    Row("GET", "/accounts/2fa/totp/activate/", everyone(302), name="mfa_activate_totp"),
    # Without TOTP set up (no persona has it) there is nothing to turn off or show.
    Row("GET", "/accounts/2fa/totp/deactivate/", NO_TOTP, name="mfa_deactivate_totp"),
    Row("GET", "/accounts/2fa/recovery-codes/", NO_TOTP, name="mfa_view_recovery_codes"),
    Row(
        "GET",
        "/accounts/2fa/recovery-codes/generate/",
        everyone(302),
        name="mfa_generate_recovery_codes",
    ),
    Row(
        "GET",
        "/accounts/2fa/recovery-codes/download/",
        NO_TOTP,
        name="mfa_download_recovery_codes",
    ),
    # API
    Row(
        "POST",
        "/api/v1/auth/token",
        everyone(401),
        payload=lambda w: {"username": "alice", "password": "wrong"},
    ),
    Row(
        "GET", "/api/v1/auth/me", by_persona(anonymous=401, dave=200, bob=200, carol=200, alice=200)
    ),
    Row(
        "GET",
        "/api/v1/auth/tokens",
        by_persona(anonymous=401, dave=200, bob=200, carol=200, alice=200),
    ),
    Row(
        "DELETE",
        "/api/v1/auth/tokens/{token_id}",
        by_persona(anonymous=401, dave=404, bob=204, carol=404, alice=404),
        params={"token_id": "bob_token_id"},
    ),
]


def world_values(world) -> dict[str, object]:
    issue_api_token(user=world.users["bob"], name="authz")
    return {"bob_token_id": ApiToken.objects.get(name="authz").pk}
