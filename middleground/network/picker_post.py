"""The POST of a page that offers the expert picker beside a pasted address list (a Delphi
panel, a consultation's invitations): which of the two was sent, the service run for it, and
the refusals that have no line of the list to stand beside."""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from middleground.core.errors import ServiceError
from middleground.core.forms import call_service

from .picker import PICKED_KEY

T = TypeVar("T")


def sent_picked_experts(request: HttpRequest) -> bool:
    """The picker's button was pressed (``add=experts``), not the address list's."""
    return request.method == "POST" and request.POST.get("add") == "experts"


def invite_from_post(
    request: HttpRequest,
    form: forms.Form,
    *,
    to_experts: Callable[[list[str]], T],
    to_addresses: Callable[[], T],
) -> T | None:
    """Run ``to_experts`` on the ticked ids, or ``to_addresses`` for a valid address form;
    ``None`` after a refusal, shown as a message (picker) or beside its field (form)."""
    if not sent_picked_experts(request):
        return call_service(form, to_addresses) if form.is_valid() else None
    picked = request.POST.getlist(PICKED_KEY)
    try:
        if not picked:
            raise ServiceError(_("Select at least one expert."))
        return to_experts(picked)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return None


def show_unlined_refusals(request: HttpRequest, rejected: Sequence[Any]) -> None:
    """A message for each refusal that no line of the address list stands for (an expert
    picked by id); the form shows the others beside their lines."""
    for refusal in rejected:
        if refusal.line is None:
            messages.error(request, refusal.message)
