"""The one error type services raise for bad input: a message and the field to blame."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Model, ProtectedError, RestrictedError
from django.utils.translation import gettext as _


class ServiceError(Exception):
    """Bad input or a forbidden state change, reported to the user as it is.

    Pages show it beside the field; the API answers ``{"detail": message, "field": field}``.
    """

    def __init__(self, message: str, *, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status

    @classmethod
    def forbidden(cls) -> "ServiceError":
        """The one refusal for an actor who may see an object but not do this to it (403)."""
        return cls(_("You are not allowed to do this."), status=403)


def check_length(text: str, limit: int, *, field: str, label: str | None = None) -> str:
    """``text`` if it fits ``limit``; longer text is refused, never cut, so nothing is lost.

    Databases do not check a TextField's length, and the API and scripts skip the forms: every
    service that takes typed text checks it here. ``label`` names the text in the message
    where the field alone would not tell the person which one (an item of a form).
    """
    if len(text) <= limit:
        return text
    if label is None:
        message = _("This text is too long: %(n)d characters, %(max)d at most.") % {
            "n": len(text),
            "max": limit,
        }
    else:
        message = _("%(what)s is too long: %(n)s characters, at most %(max)s.") % {
            "what": label,
            "n": len(text),
            "max": limit,
        }
    raise ServiceError(message, field=field)


def check_model_lengths(model: type[Model], fields: Mapping[str, Any]) -> None:
    """Each text in ``fields`` checked against its model field's ``max_length``."""
    for key, value in fields.items():
        limit = getattr(model._meta.get_field(key), "max_length", None)
        if isinstance(value, str) and limit is not None:
            check_length(value, limit, field=key)


def delete_unless_referenced(obj: Model) -> None:
    """Delete ``obj``, or refuse (409) naming what still refers to it, with nothing deleted.

    Strategies, endorsements, commitments and delegations protect what they cite: an
    institution that endorsed a text cannot vanish from the record. The caller runs this
    inside its transaction, so a refusal also rolls back the audit entry.
    """
    try:
        with transaction.atomic():
            obj.delete()
    except (ProtectedError, RestrictedError) as error:
        blockers = (
            error.protected_objects
            if isinstance(error, ProtectedError)
            else (error.restricted_objects)
        )
        kinds = sorted({str(o._meta.verbose_name_plural) for o in blockers})
        raise ServiceError(
            _("This cannot be deleted while other records refer to it: %(kinds)s.")
            % {"kinds": ", ".join(kinds)},
            status=409,
        ) from error
