from collections.abc import Callable
from typing import Any, TypeVar

from django import forms

from .errors import ServiceError

T = TypeVar("T")


def call_service(form: forms.Form, service: Callable[[], T]) -> T | None:
    """Run a service for a valid form; put a ServiceError beside the field it names."""
    try:
        return service()
    except ServiceError as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.message)
        return None


def filter_params(request: Any, names: tuple[str, ...]) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip() for name in names}
