from datetime import datetime

from django.contrib.auth import authenticate
from ninja import Field, Router, Schema, Status

from middleground.core.errors import ServiceError

from . import selectors, services, two_factor

router = Router()


class TokenIn(Schema):
    username: str
    password: str
    name: str = Field("", max_length=100, description="what the token is for, to recognise it")
    code: str = Field(
        "",
        max_length=20,
        description="the authenticator app's code, for accounts with two-factor authentication",
    )


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret


class TokenInfoOut(Schema):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime


class MeOut(Schema):
    username: str
    role: str
    institution: int | None
    preferred_language: str


THROTTLED = {
    "description": "Too many failed sign-ins for this username and address (django-axes).",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


@router.post(
    "/token",
    response=TokenOut,
    auth=None,
    summary="Get a bearer token for scripts",
    openapi_extra={"responses": {429: THROTTLED}},
)
def create_token(request, payload: TokenIn):
    """A new token (shown once). It expires after `API_TOKEN_DAYS` (90 by default, see
    `GET /tokens`) and is revoked when the password changes."""
    # authenticate() goes through django-axes, so API logins are throttled like the web form.
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        raise ServiceError(
            "Wrong username or password, or too many attempts.", field="password", status=401
        )
    # A password alone must not give what the site's sign-in gives only with the code.
    if two_factor.has_totp(user):
        if not two_factor.check_totp_code(user, payload.code):
            raise ServiceError("Wrong or missing authenticator code.", field="code", status=401)
    elif two_factor.must_set_up_totp(user):
        raise ServiceError(
            "Set up two-factor authentication on the site first.", field="code", status=401
        )
    return {"token": services.issue_api_token(user=user, name=payload.name)}


@router.get("/tokens", response=list[TokenInfoOut], summary="Your API tokens")
def list_tokens(request):
    """The tokens of the signed-in person (never the token itself: only its hash is kept)."""
    return selectors.api_tokens_for(request.auth)


@router.delete("/tokens/{int:token_id}", response={204: None}, summary="Revoke one of your tokens")
def revoke_token(request, token_id: int):
    services.revoke_api_token(user=request.auth, token_id=token_id)
    return Status(204, None)


@router.get("/me", response=MeOut, summary="Who the token or session belongs to")
def me(request):
    user = request.auth
    if not user.is_authenticated:
        raise ServiceError("Sign in or send a bearer token.", status=401)
    return {
        "username": user.username,
        "role": user.role,
        "institution": user.institution_id,
        "preferred_language": user.preferred_language,
    }
