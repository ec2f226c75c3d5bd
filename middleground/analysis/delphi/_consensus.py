"""Pre-registered consensus rules and their evaluation on an item summary."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal

import numpy as np

from ._common import _TOL, _fmt, _is_number, _ToDict
from ._scales import LikertScale, Scale
from ._summary import ItemSummary


def _triple(value: object, name: str, third: str) -> tuple[float, float, float]:
    if isinstance(value, Mapping):
        keys = {"low", "high", third}
        extra = set(value) - keys
        if extra or set(value) != keys:
            raise ValueError(
                f"{name}: expected keys low, high, {third}; got {sorted(map(str, value))}"
            )
        value = (value["low"], value["high"], value[third])
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 3:
        raise ValueError(f"{name}: must be (low, high, {third}), got {value!r}")
    if not all(_is_number(v) and math.isfinite(v) for v in value):
        raise ValueError(f"{name}: low, high and {third} must be finite numbers, got {value!r}")
    low, high, pct = (float(v) for v in value)
    if low > high:
        raise ValueError(f"{name}: low {_fmt(low)} is greater than high {_fmt(high)}")
    if not 0 < pct <= 100:
        raise ValueError(f"{name}: {third} must be in (0, 100], got {_fmt(pct)}")
    return low, high, pct


def _band_text(low: float, high: float) -> str:
    return f"rate {_fmt(low)}" if low == high else f"rate {_fmt(low)}–{_fmt(high)}"


@dataclass(frozen=True)
class ConsensusRules:
    """A pre-registered consensus rule set (fixed when a Delphi study launches).

    Parameters
    ----------
    min_answers : int, default 1
        Gate: with fewer answers there is no consensus, whatever the other criteria say.
    percent_agreement : (low, high, min_percent), optional
        At least ``min_percent`` % of answers within ``[low, high]`` (inclusive).
    percent_disagreement : (low, high, max_percent), optional
        Fewer than ``max_percent`` % (strictly) of answers within ``[low, high]``,
        e.g. ``(1, 3, 15)`` for "< 15% rate 1-3".
    max_iqr : float, optional
        IQR at most this value.
    max_sd : float, optional
        Sample SD at most this value.
    combine : {"all", "any"}, default "all"
        Whether every criterion or at least one must pass (``min_answers`` always must).

    The JSON form (:meth:`to_dict` / :meth:`from_dict`)::

        {"min_answers": 8,
         "percent_agreement": {"low": 7, "high": 9, "min_percent": 75},
         "percent_disagreement": null,
         "max_iqr": 2, "max_sd": null, "combine": "all"}

    Examples
    --------
    >>> r = ConsensusRules(min_answers=8, percent_agreement=(7, 9, 70),
    ...                    percent_disagreement=(1, 3, 15))
    >>> r.describe()
    'Consensus when at least 70% rate 7–9 and fewer than 15% rate 1–3, with at least 8 answers'
    >>> ConsensusRules.from_dict(r.to_dict()) == r
    True
    >>> ConsensusRules(max_iqr=-1)
    Traceback (most recent call last):
    ...
    ValueError: max_iqr: must be a non-negative number or None, got -1
    """

    min_answers: int = 1
    percent_agreement: tuple[float, float, float] | None = None
    percent_disagreement: tuple[float, float, float] | None = None
    max_iqr: float | None = None
    max_sd: float | None = None
    combine: Literal["all", "any"] = "all"

    def __post_init__(self) -> None:
        self.validate()
        # Normalise to tuples of floats so equality and hashing are stable.
        if self.percent_agreement is not None:
            object.__setattr__(
                self,
                "percent_agreement",
                _triple(self.percent_agreement, "percent_agreement", "min_percent"),
            )
        if self.percent_disagreement is not None:
            object.__setattr__(
                self,
                "percent_disagreement",
                _triple(self.percent_disagreement, "percent_disagreement", "max_percent"),
            )

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad field."""
        m = self.min_answers
        if not isinstance(m, int | np.integer) or isinstance(m, bool) or m < 1:
            raise ValueError(f"min_answers: must be an integer >= 1, got {m!r}")
        if self.percent_agreement is not None:
            _triple(self.percent_agreement, "percent_agreement", "min_percent")
        if self.percent_disagreement is not None:
            _triple(self.percent_disagreement, "percent_disagreement", "max_percent")
        for name in ("max_iqr", "max_sd"):
            v = getattr(self, name)
            if v is not None and (not _is_number(v) or not math.isfinite(v) or v < 0):
                raise ValueError(f"{name}: must be a non-negative number or None, got {v!r}")
        if self.combine not in ("all", "any"):
            raise ValueError(f"combine: must be 'all' or 'any', got {self.combine!r}")
        if (
            self.percent_agreement is None
            and self.percent_disagreement is None
            and self.max_iqr is None
            and self.max_sd is None
        ):
            raise ValueError(
                "criteria: no criterion set; set at least one of percent_agreement, "
                "percent_disagreement, max_iqr, max_sd"
            )

    def check_scale(self, scale: Scale) -> None:
        """Raise ``ValueError`` if a band lies outside the item's scale (call at launch).

        >>> ConsensusRules(percent_agreement=(7, 9, 75)).check_scale(LikertScale(5))
        Traceback (most recent call last):
        ...
        ValueError: percent_agreement: band 7–9 lies outside the scale 1–5
        """
        if isinstance(scale, LikertScale):
            lo_s, hi_s = 1.0, float(scale.points)
        else:
            lo_s = -math.inf if scale.lower is None else float(scale.lower)
            hi_s = math.inf if scale.upper is None else float(scale.upper)
        for name in ("percent_agreement", "percent_disagreement"):
            t = getattr(self, name)
            if t is not None and (t[0] < lo_s or t[1] > hi_s):
                raise ValueError(
                    f"{name}: band {_fmt(t[0])}–{_fmt(t[1])} lies outside the scale "
                    f"{_fmt(lo_s)}–{_fmt(hi_s)}"
                )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form stored by the app."""
        pa, pd = self.percent_agreement, self.percent_disagreement
        return {
            "min_answers": int(self.min_answers),
            "percent_agreement": None
            if pa is None
            else {"low": pa[0], "high": pa[1], "min_percent": pa[2]},
            "percent_disagreement": None
            if pd is None
            else {"low": pd[0], "high": pd[1], "max_percent": pd[2]},
            "max_iqr": None if self.max_iqr is None else float(self.max_iqr),
            "max_sd": None if self.max_sd is None else float(self.max_sd),
            "combine": self.combine,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ConsensusRules:
        """Build from the JSON form; unknown keys are an error (typos must not pass)."""
        if not isinstance(data, Mapping):
            raise ValueError(f"rules: expected a dict, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(map(str, data)) - known)
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown consensus rule field")
        kwargs = dict(data)
        for key, third in (
            ("percent_agreement", "min_percent"),
            ("percent_disagreement", "max_percent"),
        ):
            if kwargs.get(key) is not None:
                kwargs[key] = _triple(kwargs[key], key, third)
        return cls(**kwargs)

    def describe(self) -> str:
        """One sentence for the panel report."""
        parts: list[str] = []
        if self.percent_agreement is not None:
            lo, hi, pct = self.percent_agreement
            parts.append(f"at least {_fmt(pct)}% {_band_text(lo, hi)}")
        if self.percent_disagreement is not None:
            lo, hi, pct = self.percent_disagreement
            parts.append(f"fewer than {_fmt(pct)}% {_band_text(lo, hi)}")
        if self.max_iqr is not None:
            parts.append(f"IQR ≤ {_fmt(self.max_iqr)}")
        if self.max_sd is not None:
            parts.append(f"SD ≤ {_fmt(self.max_sd)}")
        joiner = " and " if self.combine == "all" else " or "
        noun = "answer" if self.min_answers == 1 else "answers"
        return f"Consensus when {joiner.join(parts)}, with at least {self.min_answers} {noun}"


@dataclass(frozen=True)
class CriterionResult(_ToDict):
    """One criterion: ``value`` compared with ``threshold`` by ``comparison``."""

    name: str
    passed: bool
    value: float | None
    threshold: float
    comparison: str
    description: str


@dataclass(frozen=True)
class ConsensusResult(_ToDict):
    """Outcome of :func:`evaluate_consensus`.

    ``status`` is ``"consensus"``, ``"no_consensus"`` or ``"insufficient_answers"``;
    ``criteria`` lists every criterion with its value (``min_answers`` first).
    """

    reached: bool
    status: Literal["consensus", "no_consensus", "insufficient_answers"]
    n: int
    rule: str
    criteria: tuple[CriterionResult, ...]


def evaluate_consensus(
    summary: ItemSummary, rules: ConsensusRules | Mapping[str, Any]
) -> ConsensusResult:
    """Apply a rule set to an item summary.

    ``rules`` may be a :class:`ConsensusRules` or its JSON dict.

    Examples
    --------
    >>> from middleground.analysis.delphi import summarize_item
    >>> s = summarize_item([9, 9, 8, 7, 5, 2], agreement_band=(7, 9))
    >>> res = evaluate_consensus(s, {"min_answers": 5, "max_iqr": 4,
    ...     "percent_agreement": {"low": 7, "high": 9, "min_percent": 75}})
    >>> res.status
    'no_consensus'
    >>> [(c.name, c.passed, c.value) for c in res.criteria]
    [('min_answers', True, 6.0), ('percent_agreement', False, 66.66666666666667), \
('max_iqr', True, 3.25)]
    """
    if not isinstance(rules, ConsensusRules):
        rules = ConsensusRules.from_dict(rules)
    n = summary.n
    gate = CriterionResult(
        name="min_answers",
        passed=n >= rules.min_answers,
        value=float(n),
        threshold=float(rules.min_answers),
        comparison=">=",
        description=f"at least {rules.min_answers} answers",
    )
    crits: list[CriterionResult] = []
    if rules.percent_agreement is not None:
        lo, hi, pct = rules.percent_agreement
        k = summary.count_between(lo, hi)
        crits.append(
            CriterionResult(
                name="percent_agreement",
                passed=n > 0 and 100.0 * k >= pct * n - _TOL,
                value=summary.percent_between(lo, hi),
                threshold=pct,
                comparison=">=",
                description=f"at least {_fmt(pct)}% {_band_text(lo, hi)}",
            )
        )
    if rules.percent_disagreement is not None:
        lo, hi, pct = rules.percent_disagreement
        k = summary.count_between(lo, hi)
        crits.append(
            CriterionResult(
                name="percent_disagreement",
                passed=n > 0 and 100.0 * k < pct * n - _TOL,
                value=summary.percent_between(lo, hi),
                threshold=pct,
                comparison="<",
                description=f"fewer than {_fmt(pct)}% {_band_text(lo, hi)}",
            )
        )
    for name, stat, label in (("max_iqr", summary.iqr, "IQR"), ("max_sd", summary.sd, "SD")):
        limit = getattr(rules, name)
        if limit is not None:
            crits.append(
                CriterionResult(
                    name=name,
                    passed=stat is not None and stat <= limit + _TOL,
                    value=stat,
                    threshold=float(limit),
                    comparison="<=",
                    description=f"{label} ≤ {_fmt(limit)}",
                )
            )
    combined = (
        all(c.passed for c in crits) if rules.combine == "all" else any(c.passed for c in crits)
    )
    if not gate.passed:
        status: Literal["consensus", "no_consensus", "insufficient_answers"] = (
            "insufficient_answers"
        )
    else:
        status = "consensus" if combined else "no_consensus"
    return ConsensusResult(
        reached=status == "consensus",
        status=status,
        n=n,
        rule=rules.describe(),
        criteria=(gate, *crits),
    )
