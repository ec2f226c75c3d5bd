"""The power engine's refusals as sentences a secretariat member reads.

``middleground.analysis.power`` imports no Django: its ``GameError`` messages are short
English phrases for developers ("quota 5 of criterion 1 is negative", "unknown veto ids:
X"). Pages and the API show them through :func:`plain_game_error`: translated, with the
values named in words, never a Python repr.
"""

import re
from collections.abc import Callable

from django.utils.translation import gettext as _

from middleground.analysis.power import GameError


def _value(text: str) -> str:
    """A repr'd value ('abc', None) as typed."""
    return text.strip("'\"")


def _number(match: re.Match[str]) -> str:
    what, value = match["what"], _value(match["value"])
    player = re.fullmatch(r"the weight of (?P<player>.+)", what)
    if player:
        return _("The weight of %(player)s must be a number; “%(value)s” is not one.") % {
            "player": player["player"],
            "value": value,
        }
    if "quota" in what:
        return _("Each quota must be a number; “%(value)s” is not one.") % {"value": value}
    return _("Enter a number here; “%(value)s” is not one.") % {"value": value}


#: engine phrase → sentence; the first pattern that matches the whole message is used
PATTERNS: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (r"(?P<what>.+) must be (?:a number|finite), not (?P<value>.+)", _number),
    (r"the game has no players", lambda m: _("Add at least one member to the game.")),
    (
        r"player ids must be distinct",
        lambda m: _("Two members have the same name; give each member its own."),
    ),
    (
        r"the game needs at least one quota",
        lambda m: _("Give the game at least one quota: the votes a decision needs to pass."),
    ),
    (
        r"(?P<player>.+) has (?P<n>\d+) weights but there are (?P<m>\d+) quotas",
        lambda m: (
            _(
                "%(player)s has %(n)s weights, but the game has %(m)s quotas: give each member "
                "one weight per quota."
            )
            % {"player": m["player"], "n": m["n"], "m": m["m"]}
        ),
    ),
    (
        r"negative weight for (?P<player>.+?): .*",
        lambda m: (
            _("The weight of %(player)s is below 0; weights are 0 or more.")
            % {"player": m["player"]}
        ),
    ),
    (
        r"there must be one weight vector per player",
        lambda m: _("Give every member its weights."),
    ),
    (
        r"every alternative needs one quota per criterion",
        lambda m: _("Each alternative rule needs as many quotas as the main rule."),
    ),
    (
        r"quota (?P<q>\S+) of criterion (?P<c>\d+) is negative",
        lambda m: (
            _("The quota %(q)s (criterion %(c)s) is below 0; quotas are 0 or more.")
            % {"q": m["q"], "c": m["c"]}
        ),
    ),
    (
        r"quota (?P<q>\S+) of criterion (?P<c>\d+) is above the total weight (?P<t>\S+): .*",
        lambda m: (
            _(
                "The quota %(q)s (criterion %(c)s) is more than all members together hold "
                "(%(t)s): no decision could ever pass. Lower the quota or add weight."
            )
            % {"q": m["q"], "c": m["c"], "t": m["t"]}
        ),
    ),
    (
        r"unknown veto ids: (?P<ids>.+)",
        lambda m: _("These vetoes name no member of the game: %(ids)s.") % {"ids": m["ids"]},
    ),
    (
        r"every quota of a rule is 0.*",
        lambda m: _(
            "Every quota of a rule is 0, so a decision would pass without a single vote; "
            "set a quota above 0."
        ),
    ),
    (
        r"a game is a JSON object",
        lambda m: _("The game must be a JSON object with “players” and “quotas”."),
    ),
    (
        r"unknown keys: (?P<keys>.+)",
        lambda m: _("The game has fields this tool does not know: %(keys)s.") % {"keys": m["keys"]},
    ),
    (
        r"a game needs 'players' and 'quotas'",
        lambda m: _("The game needs “players” and “quotas”."),
    ),
    (
        r"each player is an object with 'id' and 'weights'",
        lambda m: _("Each member must be an object with an “id” and its “weights”."),
    ),
    (
        r"unknown players: (?P<ids>.+)",
        lambda m: _("These names are not members of the game: %(ids)s.") % {"ids": m["ids"]},
    ),
    (
        r".*too large for exact methods.*|.*need enumeration of all coalitions.*"
        r"|.*bits after exact scaling.*",
        lambda m: _(
            "This council is too large to compute exactly in reasonable time. Choose the "
            "Monte Carlo method (an estimate with a stated margin) or “auto”."
        ),
    ),
    (
        r"Monte Carlo does not estimate (?P<names>.+)",
        lambda m: (
            _("The Monte Carlo method does not estimate %(names)s; choose the exact method.")
            % {"names": m["names"]}
        ),
    ),
    (r"samples must be positive", lambda m: _("The number of samples must be above 0.")),
    (
        r"confidence must be between 0 and 1",
        lambda m: _("The confidence level must be between 0 and 1 (for example 0.95)."),
    ),
]


def plain_game_error(error: GameError | str) -> str:
    """The sentence for an engine refusal; an unknown one keeps its words, as a sentence."""
    message = str(error).strip()
    for pattern, sentence in PATTERNS:
        match = re.fullmatch(pattern, message, flags=re.DOTALL)
        if match:
            return sentence(match)
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
