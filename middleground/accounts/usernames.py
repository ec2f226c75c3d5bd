"""What a username may be: plain ASCII, bounded, and not a look-alike of someone else's.

Usernames appear beside what people wrote and in export file names, so they are limited to
letters, digits and ``.-_`` (no Cyrillic look-alikes, quotes or markup), and a new name is
refused when it reads the same as an existing one once case and look-alike characters
(``0``/``O``, ``1``/``l``/``I``, ``rn``/``m``, ...) are folded.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

MIN_LENGTH, MAX_LENGTH = 3, 40  # the message of username_syntax names them
#: the prefix of de-identified accounts (``deleted-<id>-<random>``), never taken by people
DELETED_PREFIX = "deleted-"

username_syntax = RegexValidator(
    rf"\A[A-Za-z0-9][A-Za-z0-9._-]{{{MIN_LENGTH - 1},{MAX_LENGTH - 1}}}\Z",
    _("Use 3 to 40 characters: Latin letters, digits and . - _, starting with a letter or digit."),
    code="invalid_username",
)

# Multi-letter look-alikes first, then single characters; separators do not count.
_LOOKALIKES = (("rn", "m"), ("vv", "w"))
_FOLD = str.maketrans({"0": "o", "1": "l", "i": "l", ".": "", "-": "", "_": ""})


def skeleton(username: str) -> str:
    """The form two usernames share when a reader could mistake one for the other."""
    folded = username.casefold()
    for pair, single in _LOOKALIKES:
        folded = folded.replace(pair, single)
    return folded.translate(_FOLD)


def validate_new_username(username: str, *, exclude_pk: int | None = None) -> None:
    """Raise ValidationError unless ``username`` may be given to a (new or renamed) account."""
    username_syntax(username)
    if username.casefold().startswith(DELETED_PREFIX):
        raise ValidationError(_("This username is reserved."), code="reserved_username")
    from .models import User  # the model module imports this one for its field validator

    wanted = skeleton(username)
    # Sign-ups are rare and the network counts people in thousands: one pass over the
    # names is cheaper than keeping a skeleton column in step.
    others = User.objects.values_list("username", flat=True)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if any(skeleton(name) == wanted for name in others.iterator()):
        raise ValidationError(
            _("This username is taken or too similar to an existing one."), code="taken_username"
        )
