"""The breadth rule of an endorsement: enough endorsing institutions in enough groups.

A strategy declares a rule such as "at least 2 endorsing institutions in each of at least 3
UN regional groups" (``kind="regional_groups"``), or the same over blocs (``kind="blocs"``,
e.g. SCO, BRICS, G20). Only the positions ``endorse`` and ``endorse_with_reservation``
count; ``take_note`` and ``dissociate`` are reported in ``by_position`` but never count.
An institution counts once per group, and in each bloc its country belongs to.

Pure Python, no Django: the caller builds :class:`Endorser` rows from the database.

>>> rule = BreadthRule(kind="regional_groups", min_per_group=1, min_groups=2)
>>> result = evaluate(
...     [
...         Endorser("Astana Institute", "KZ", "APG", ("SCO", "CICA"), "endorse"),
...         Endorser("Seoul Centre", "KR", "APG", ("G20", "MIKTA"), "take_note"),
...         Endorser("Brasília Forum", "BR", "GRULAC", ("BRICS", "G20"), "endorse"),
...     ],
...     rule,
... )
>>> result.counts
{'AFRICAN': 0, 'APG': 1, 'EEG': 0, 'GRULAC': 1, 'WEOG': 0}
>>> result.groups_meeting, result.met, result.missing
(['APG', 'GRULAC'], True, 0)
>>> result.by_position
{'endorse': 2, 'endorse_with_reservation': 0, 'take_note': 1, 'dissociate': 0}
>>> evaluate([], BreadthRule("blocs", 1, 1)).missing
1
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "ENDORSING",
    "POSITIONS",
    "REGIONAL_GROUPS",
    "BreadthResult",
    "BreadthRule",
    "Endorser",
    "describe",
    "evaluate",
]

#: the five UN regional groups, in the order the pages show them
REGIONAL_GROUPS = ("AFRICAN", "APG", "EEG", "GRULAC", "WEOG")
POSITIONS = ("endorse", "endorse_with_reservation", "take_note", "dissociate")
ENDORSING = frozenset({"endorse", "endorse_with_reservation"})

Kind = Literal["regional_groups", "blocs"]


@dataclass(frozen=True)
class BreadthRule:
    """At least ``min_per_group`` endorsing institutions in each of at least
    ``min_groups`` groups (UN regional groups or blocs, after ``kind``)."""

    kind: Kind
    min_per_group: int
    min_groups: int

    def __post_init__(self) -> None:
        if self.kind not in ("regional_groups", "blocs"):
            raise ValueError(f"unknown breadth kind: {self.kind!r}")
        # a group "met" by no endorser at all would count a bloc merely for being listed
        if self.min_per_group < 1:
            raise ValueError("a breadth rule needs at least one endorser per group")
        if self.min_groups < 0:
            raise ValueError("the number of groups of a breadth rule cannot be negative")


@dataclass(frozen=True)
class Endorser:
    """One institution's current position, with its country's groups."""

    institution: str
    country: str
    regional_group: str
    blocs: tuple[str, ...]
    position: str

    @property
    def endorses(self) -> bool:
        return self.position in ENDORSING


@dataclass(frozen=True)
class BreadthResult:
    rule: BreadthRule
    #: endorsing institutions per group (every UN regional group is present, zeros included;
    #: for blocs, every bloc of an answering institution's country)
    counts: dict[str, int]
    #: the groups that reach ``rule.min_per_group``, in the order of ``counts``
    groups_meeting: list[str]
    met: bool
    #: institutions per position (every position present)
    by_position: dict[str, int]
    #: how many more groups must reach the threshold (0 once the rule is met)
    missing: int = 0
    #: endorsing institutions in all
    endorsing: int = field(default=0)


def _groups_of(endorser: Endorser, kind: Kind) -> tuple[str, ...]:
    if kind == "regional_groups":
        return (endorser.regional_group,) if endorser.regional_group else ()
    return tuple(dict.fromkeys(endorser.blocs))


def evaluate(endorsers: Iterable[Endorser], rule: BreadthRule) -> BreadthResult:
    """Count endorsing institutions per group and say whether ``rule`` is met.

    An institution named twice (it should not be) counts once per group: its last row wins.

    >>> rule = BreadthRule("blocs", min_per_group=2, min_groups=1)
    >>> both = [
    ...     Endorser("A", "KZ", "APG", ("SCO", "CICA"), "endorse"),
    ...     Endorser("B", "RU", "EEG", ("SCO", "BRICS"), "endorse_with_reservation"),
    ... ]
    >>> r = evaluate(both, rule)
    >>> r.counts, r.groups_meeting, r.met
    ({'BRICS': 1, 'CICA': 1, 'SCO': 2}, ['SCO'], True)
    """
    latest: dict[str, Endorser] = {}
    for endorser in endorsers:
        latest[endorser.institution] = endorser
    by_position = dict.fromkeys(POSITIONS, 0)
    members: dict[str, set[str]] = (
        {g: set() for g in REGIONAL_GROUPS} if rule.kind == "regional_groups" else {}
    )
    for endorser in latest.values():
        by_position[endorser.position] = by_position.get(endorser.position, 0) + 1
        for group in _groups_of(endorser, rule.kind):
            members.setdefault(group, set())
            if endorser.endorses:
                members[group].add(endorser.institution)
    if rule.kind == "regional_groups":
        order = list(REGIONAL_GROUPS) + sorted(set(members) - set(REGIONAL_GROUPS))
    else:
        order = sorted(members)
    counts = {g: len(members[g]) for g in order}
    meeting = [g for g in order if counts[g] >= rule.min_per_group]
    met = len(meeting) >= rule.min_groups
    return BreadthResult(
        rule=rule,
        counts=counts,
        groups_meeting=meeting,
        met=met,
        by_position=by_position,
        missing=max(0, rule.min_groups - len(meeting)),
        endorsing=sum(1 for e in latest.values() if e.endorses),
    )


def describe(rule: BreadthRule, group_word: str = "") -> str:
    """The rule in plain English (pages translate their own wording).

    >>> describe(BreadthRule("regional_groups", 2, 3))
    'at least 2 endorsing institutions in each of at least 3 UN regional groups'
    """
    groups = group_word or ("UN regional groups" if rule.kind == "regional_groups" else "blocs")
    return (
        f"at least {rule.min_per_group} endorsing institutions in each of at least "
        f"{rule.min_groups} {groups}"
    )
