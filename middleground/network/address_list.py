"""Bulk lists of e-mail addresses for invitations (Delphi panels, invited consultations).

A list is checked line by line with Django's :class:`~django.core.validators.EmailValidator`:
every good address is kept (once, whatever its case), every bad one is reported with its
line number and the text as typed, so one typo never throws the rest of the list away.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

#: the longest address a mailbox may have (RFC 5321 path limit, and ``EmailField``'s length)
MAX_ADDRESS = 254

_validate = EmailValidator()
_SEPARATORS = re.compile(r"[,;]")


def _tokens(line: str) -> list[str]:
    """A line's entries: split at commas and semicolons, and at spaces where every piece
    holds an ``@`` ("a@x.org b@y.org"), so "not an address" stays one bad entry."""
    tokens: list[str] = []
    for chunk in _SEPARATORS.split(line):
        pieces = chunk.split()
        if len(pieces) > 1 and all("@" in piece for piece in pieces):
            tokens.extend(pieces)
        else:
            tokens.append(chunk)
    return tokens


@dataclass(frozen=True)
class Rejected:
    """One entry that was not taken: its line (1-based; ``None`` for a picked expert),
    the text as given, and why, in a sentence."""

    line: int | None
    value: str
    reason: str

    @property
    def message(self) -> str:
        """``line 3: 'bob@' is not an e-mail address.``"""
        if self.line is None:
            return f"{self.value}: {self.reason}"
        return _("line %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass
class AddressList:
    """The outcome of parsing: good addresses in order (first spelling kept), the line each
    came from, duplicates dropped, and the rejected entries."""

    addresses: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)


def normalise(address: str) -> str:
    """The domain in lower case (as ``BaseUserManager.normalize_email``); the local part kept."""
    local, _at, domain = address.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if local else address.strip()


def parse_lines(entries: list[str]) -> AddressList:
    """Check ``entries`` (one per line, or the items of an API list) in order.

    Empty entries are skipped but still count as lines, so the numbers match what the person
    sees. A line may hold several addresses separated by commas, semicolons or spaces.

    >>> result = parse_lines(["ann@example.org", "bob@", "ANN@Example.org", "", "cy@example.org"])
    >>> result.addresses
    ['ann@example.org', 'cy@example.org']
    >>> [(r.line, r.value) for r in result.rejected]
    [(2, 'bob@')]
    >>> result.duplicates
    1
    """
    result = AddressList()
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        text = entry if isinstance(entry, str) else str(entry)
        for token in _tokens(text):
            raw = token.strip()
            if not raw:
                continue
            reason = _problem(raw)
            if reason is not None:
                result.rejected.append(Rejected(line=number, value=raw, reason=reason))
                continue
            address = normalise(raw)
            if address.lower() in seen:
                result.duplicates += 1
                continue
            seen.add(address.lower())
            result.addresses.append(address)
            result.lines[address.lower()] = number
    return result


def parse_text(text: str) -> AddressList:
    """A textarea's content, one address per line (commas, semicolons, spaces also separate)."""
    return parse_lines((text or "").splitlines())


def _problem(raw: str) -> str | None:
    if len(raw) > MAX_ADDRESS:
        return _("'%(value)s…' is longer than an e-mail address can be (%(max)s characters).") % {
            "value": raw[:40],
            "max": MAX_ADDRESS,
        }
    try:
        _validate(raw)
    except ValidationError:
        return _("'%(value)s' is not an e-mail address.") % {"value": raw}
    return None


def lines_left(rejected: list[Rejected]) -> str:
    """The textarea to show again: only the rejected entries, one per line, in order (a good
    address that shared a line with a bad one was added and is not shown again)."""
    return "\n".join(r.value for r in rejected if r.line is not None)


def rebind(form_class: Any, data: Any, rejected: list[Rejected], *, field: str = "emails") -> Any:
    """A bulk-list form bound again with only the refused entries left in ``field``, each
    reported beside it by its line, so the person corrects just those."""
    data = data.copy()
    data[field] = lines_left(rejected)
    form = form_class(data)
    form.is_valid()
    for entry in rejected:
        if entry.line is not None:
            form.add_error(field, entry.message)
    return form
