from django.contrib.auth import authenticate
from ninja import Router, Schema

from middleground.core.errors import ServiceError

from .services import issue_api_token

router = Router()


class TokenIn(Schema):
    username: str
    password: str
    name: str = ""


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret


class MeOut(Schema):
    username: str
    role: str
    institution: int | None
    preferred_language: str


@router.post("/token", response=TokenOut, auth=None, summary="Get a bearer token for scripts")
def create_token(request, payload: TokenIn):
    # authenticate() goes through django-axes, so API logins are throttled like the web form.
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        raise ServiceError(
            "Wrong username or password, or too many attempts.", field="password", status=401
        )
    return {"token": issue_api_token(user=user, name=payload.name)}


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
