"""Request types for views, so that mypy checks their bodies."""

from django.http import HttpRequest

from .models import User


class SignedInRequest(HttpRequest):
    """A request past ``login_required``: its user is a ``User``, which mypy cannot infer."""

    user: User
