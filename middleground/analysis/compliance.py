"""Compliance scoring of commitments: the G20 Research Group's method, and assessor agreement.

Each member (institution, country) x commitment cell of a compliance cycle is scored

* ``-1``: no compliance, or action against the commitment;
* ``0``: partial compliance, work in progress;
* ``+1``: full compliance.

Averages per member, per commitment, per focus area, per regional group and per cycle
are published on that scale and as percentages, ``average a -> (a + 1) / 2 x 100 %``
(so +0.42 is 71 %, -1 is 0 %, +1 is 100 %). A cell that is not scored (``score=None``:
not assessed, not applicable) is *left out* of every average, never counted as zero;
``n`` tells how many scored cells an average rests on. This is the practice of the G20
Research Group (University of Toronto): its compliance coding manual and its yearly
G20/G7 compliance reports, which publish averages on the -1..+1 scale beside the
percentage ``(a + 1) / 2``.

Two assessors may score a cell independently; their agreement is Cohen's kappa, for
this ordinal scale weighted (Cohen 1968, *Psychological Bulletin* 70: 213-220):

    kappa_w = 1 - sum_ij w_ij o_ij / sum_ij w_ij e_ij

with ``o`` the observed k x k table of the two assessors' scores, ``e`` the table expected
by chance from its margins (``e_ij = row_i col_j / n``) and ``w`` disagreement weights:
``1`` off the diagonal (unweighted kappa, Cohen 1960, *Educational and Psychological
Measurement* 20: 37-46), linear ``|i - j| / (k - 1)`` or quadratic ``((i - j) / (k - 1))^2``
(the Cicchetti-Allison and Fleiss-Cohen weights; the same formula as scikit-learn's
``cohen_kappa_score``; scaling the weights changes nothing).

Examples
--------
>>> cells = [Cell("EU", "c1", 1), Cell("EU", "c2", 0), Cell("AU", "c1", -1),
...          Cell("AU", "c2", None)]
>>> s = summarise(cells)
>>> s.by_member["EU"].as_dict(), s.by_member["AU"].as_dict()
({'average': 0.5, 'percent': 75.0, 'n': 2}, {'average': -1.0, 'percent': 0.0, 'n': 1})
>>> s.overall.as_dict()
{'average': 0.0, 'percent': 50.0, 'n': 3}
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from middleground.analysis._json import finite_or_none

__all__ = [
    "OVERALL",
    "SCORES",
    "Agreement",
    "Average",
    "Cell",
    "Summary",
    "agreement",
    "average_of",
    "change",
    "cohen_kappa",
    "matrix",
    "percent",
    "roll_up",
    "summarise",
    "trends",
    "validate_score",
    "weighted_kappa",
]

#: The compliance scale: no compliance (-1), partial (0), full compliance (+1).
SCORES = (-1, 0, 1)
#: Key of the all-members series in :func:`trends` (a member may not be called so).
OVERALL = "__overall__"
#: Places kept by the ``as_dict`` methods: averages and kappas, percentages.
AVERAGE_PLACES = 4
PERCENT_PLACES = 2
#: Slack for averages a hair outside [-1, 1] through float rounding.
_TOL = 1e-9

KappaWeights = Literal["linear", "quadratic"] | None
RollUpMethod = Literal["mean", "weighted"]


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


def validate_score(x: Any) -> int:
    """``x`` as a score of :data:`SCORES`, or a ``ValueError`` naming the value.

    Integral floats (``1.0``) are accepted; booleans, other numbers and strings are not
    (a score of ``True`` or ``"1"`` is a bug upstream, not a compliance judgement).

    >>> validate_score(1), validate_score(-1.0), validate_score(np.int64(0))
    (1, -1, 0)
    >>> validate_score(2)
    Traceback (most recent call last):
    ...
    ValueError: a compliance score must be -1, 0 or 1, got 2
    >>> validate_score(True)
    Traceback (most recent call last):
    ...
    ValueError: a compliance score must be -1, 0 or 1, got True
    """
    if isinstance(x, bool | np.bool_) or not isinstance(x, Real):
        raise ValueError(f"a compliance score must be -1, 0 or 1, got {x!r}")
    number = float(x)
    if not isinstance(x, Integral) and not number.is_integer():
        raise ValueError(f"a compliance score must be -1, 0 or 1, got {x!r}")
    if number not in SCORES:
        raise ValueError(f"a compliance score must be -1, 0 or 1, got {x!r}")
    return int(number)


def percent(average: float | None) -> float | None:
    """An average on the -1..+1 scale as a percentage: ``(a + 1) / 2 x 100``.

    ``None`` (nothing scored), NaN and infinity give ``None``; an average outside
    [-1, 1] is a ``ValueError`` (it cannot come from scores of -1, 0 and +1).

    >>> percent(0.42), percent(-1), percent(1), percent(0), percent(None)
    (71.0, 0.0, 100.0, 50.0, None)
    >>> percent(1.5)
    Traceback (most recent call last):
    ...
    ValueError: an average compliance score lies between -1 and 1, got 1.5
    """
    a = finite_or_none(average)
    if a is None:
        return None
    if not -1 - _TOL <= a <= 1 + _TOL:
        raise ValueError(f"an average compliance score lies between -1 and 1, got {average!r}")
    return min(max((a + 1) / 2 * 100, 0.0), 100.0)


@dataclass(frozen=True)
class Cell:
    """One member x commitment cell: its score (``None`` = not scored) and its groups.

    ``cycle``, ``focus_area`` and ``regional_group`` are optional labels (``""`` = none)
    used by :func:`summarise`; ``weight`` (finite, >= 0) weighs the cell in averages
    (1 for the plain mean of the G20 Research Group). The score is checked with
    :func:`validate_score` and stored as an ``int``.

    >>> Cell("EU", "c1", 1.0).score
    1
    >>> Cell("EU", "c1", 5)
    Traceback (most recent call last):
    ...
    ValueError: cell EU x c1: a compliance score must be -1, 0 or 1, got 5
    """

    member: str
    commitment: str
    score: int | None
    cycle: str = ""
    focus_area: str = ""
    regional_group: str = ""
    weight: float = 1.0

    def __post_init__(self) -> None:
        for name in ("member", "commitment"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ValueError(f"a cell needs a non-empty {name} id, got {value!r}")
        for name in ("cycle", "focus_area", "regional_group"):
            if not isinstance(getattr(self, name), str):
                raise ValueError(f"cell {self.member} x {self.commitment}: {name} must be a str")
        if self.score is not None:
            try:
                score = validate_score(self.score)
            except ValueError as error:
                raise ValueError(f"cell {self.member} x {self.commitment}: {error}") from None
            object.__setattr__(self, "score", score)
        weight = self.weight
        if isinstance(weight, bool) or not isinstance(weight, Real):
            raise ValueError(
                f"cell {self.member} x {self.commitment}: weight must be a number, got {weight!r}"
            )
        if not math.isfinite(float(weight)) or float(weight) < 0:
            raise ValueError(
                f"cell {self.member} x {self.commitment}: weight must be finite and >= 0, "
                f"got {weight!r}"
            )
        object.__setattr__(self, "weight", float(weight))


@dataclass(frozen=True)
class Average:
    """A published average: on the -1..+1 scale, as a percentage, and ``n`` scored cells.

    ``average`` and ``percent`` are ``None`` when nothing is scored (``n == 0``) or
    every scored cell has weight 0.

    >>> Average(0.421356, 71.0678, 7).as_dict()
    {'average': 0.4214, 'percent': 71.07, 'n': 7}
    """

    average: float | None
    percent: float | None
    n: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: average to 4 places, percent to 2; ``None`` stays ``None``."""
        return {
            "average": _round(finite_or_none(self.average), AVERAGE_PLACES),
            "percent": _round(finite_or_none(self.percent), PERCENT_PLACES),
            "n": self.n,
        }


def _check_cells(cells: Iterable[Cell]) -> list[Cell]:
    found = list(cells)
    for i, cell in enumerate(found):
        if not isinstance(cell, Cell):
            raise ValueError(f"cells[{i}] is not a Cell, got {type(cell).__name__}")
    seen: set[tuple[str, str, str]] = set()
    for cell in found:
        key = (cell.cycle, cell.member, cell.commitment)
        if key in seen:
            where = f" in cycle {cell.cycle!r}" if cell.cycle else ""
            raise ValueError(
                f"member {cell.member!r} x commitment {cell.commitment!r}{where} appears "
                "twice; give one published score per cell (assessors' scores go to agreement)"
            )
        seen.add(key)
    return found


def _average(cells: Iterable[Cell]) -> Average:
    scored = [c for c in cells if c.score is not None]
    total = math.fsum(c.weight for c in scored)
    if not scored or total <= 0:
        return Average(None, None, len(scored))
    # fsum keeps sums of -1, 0, +1 exact, so permuting cells changes nothing
    mean = math.fsum(c.weight * c.score for c in scored if c.score is not None) / total
    mean = min(max(mean, -1.0), 1.0)
    return Average(mean, percent(mean), len(scored))


def average_of(cells: Iterable[Cell]) -> Average:
    """The (weighted) average of the scored cells; unscored cells are left out.

    >>> average_of([Cell("EU", "c1", 1), Cell("EU", "c2", 0), Cell("EU", "c3", None)])
    Average(average=0.5, percent=75.0, n=2)
    >>> average_of([Cell("EU", "c1", None)])
    Average(average=None, percent=None, n=0)
    """
    return _average(_check_cells(cells))


def _group(cells: Sequence[Cell], key: Callable[[Cell], str]) -> dict[str, Average]:
    groups: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        label = key(cell)
        if label:
            groups[label].append(cell)
    return {label: _average(groups[label]) for label in sorted(groups)}


@dataclass(frozen=True)
class Summary:
    """Averages of a set of cells, by member, commitment, focus area, group and cycle.

    Each ``by_*`` maps a label to its :class:`Average`, in sorted label order; cells
    with an empty ``focus_area``, ``regional_group`` or ``cycle`` are in no group of
    that kind (but in ``overall`` and their member's and commitment's averages). A
    label whose cells are all unscored is listed with ``n == 0`` and ``None`` averages.
    """

    by_member: dict[str, Average]
    by_commitment: dict[str, Average]
    by_focus_area: dict[str, Average]
    by_regional_group: dict[str, Average]
    by_cycle: dict[str, Average]
    overall: Average

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready nested dicts (see :meth:`Average.as_dict`)."""
        out: dict[str, Any] = {"overall": self.overall.as_dict()}
        for name in ("by_member", "by_commitment", "by_focus_area", "by_regional_group"):
            out[name] = {k: v.as_dict() for k, v in getattr(self, name).items()}
        out["by_cycle"] = {k: v.as_dict() for k, v in self.by_cycle.items()}
        return out


def summarise(cells: Iterable[Cell]) -> Summary:
    """Every published average of ``cells`` (see :class:`Summary`).

    Unscored cells count nowhere; a member x commitment pair may appear once per cycle
    (``ValueError`` otherwise). With cells of several cycles, ``by_member`` and
    ``by_commitment`` pool the cycles: summarise one cycle at a time for the tables of a
    report, and use ``by_cycle`` or :func:`trends` to compare cycles.

    >>> s = summarise([Cell("EU", "c1", 1, focus_area="climate"),
    ...                Cell("EU", "c2", -1, focus_area="trade"),
    ...                Cell("AU", "c1", 1, focus_area="climate")])
    >>> {k: v.percent for k, v in s.by_focus_area.items()}
    {'climate': 100.0, 'trade': 0.0}
    >>> s.by_commitment["c1"].n, round(s.overall.average, 4)
    (2, 0.3333)
    """
    found = _check_cells(cells)
    return Summary(
        by_member=_group(found, lambda c: c.member),
        by_commitment=_group(found, lambda c: c.commitment),
        by_focus_area=_group(found, lambda c: c.focus_area),
        by_regional_group=_group(found, lambda c: c.regional_group),
        by_cycle=_group(found, lambda c: c.cycle),
        overall=_average(found),
    )


def matrix(
    cells: Iterable[Cell],
    members: Sequence[str] | None = None,
    commitments: Sequence[str] | None = None,
) -> tuple[list[str], list[str], list[list[int | None]]]:
    """The member x commitment table of one cycle: ``(members, commitments, rows)``.

    ``rows[i][j]`` is the score of ``members[i]`` on ``commitments[j]``, ``None`` when
    the cell is unscored or absent. Members and commitments are sorted unless given (a
    given order must list every one present; extra ids give rows or columns of
    ``None``). Cells of several cycles are a ``ValueError``: filter first.

    >>> matrix([Cell("EU", "c2", 0), Cell("AU", "c1", 1), Cell("EU", "c1", -1)])
    (['AU', 'EU'], ['c1', 'c2'], [[1, None], [-1, 0]])
    """
    found = _check_cells(cells)
    cycles = sorted({c.cycle for c in found})
    if len(cycles) > 1:
        raise ValueError(f"matrix: cells of several cycles {cycles}; give one cycle's cells")
    row_ids = _order(members, {c.member for c in found}, "members")
    col_ids = _order(commitments, {c.commitment for c in found}, "commitments")
    at = {(c.member, c.commitment): c.score for c in found}
    rows = [[at.get((m, k)) for k in col_ids] for m in row_ids]
    return row_ids, col_ids, rows


def _order(given: Sequence[str] | None, present: set[str], what: str) -> list[str]:
    if given is None:
        return sorted(present)
    order = list(given)
    if len(set(order)) != len(order):
        raise ValueError(f"matrix: {what} lists an id twice")
    missing = sorted(present - set(order))
    if missing:
        raise ValueError(f"matrix: {what} leaves out {missing}, which have cells")
    return order


def trends(
    cells: Iterable[Cell], cycle_order: Sequence[str]
) -> dict[str, list[tuple[str, Average]]]:
    """Each member's average per cycle, in ``cycle_order``, and all members' under
    :data:`OVERALL`.

    Every series has one ``(cycle, Average)`` per cycle of ``cycle_order`` (``n == 0``
    where the member has nothing scored), so the series line up. Cells of cycles not in
    ``cycle_order`` are left out. Members are in sorted order, :data:`OVERALL` last.

    >>> cells = [Cell("EU", "c1", 0, cycle="2023"), Cell("EU", "c1", 1, cycle="2024"),
    ...          Cell("AU", "c1", -1, cycle="2024")]
    >>> t = trends(cells, ["2023", "2024"])
    >>> [(cycle, a.average) for cycle, a in t["EU"]]
    [('2023', 0.0), ('2024', 1.0)]
    >>> [(cycle, a.n) for cycle, a in t["AU"]], [a.average for _, a in t[OVERALL]]
    ([('2023', 0), ('2024', 1)], [0.0, 0.0])
    >>> change(t["EU"][0][1], t["EU"][-1][1])
    1.0
    """
    order = list(cycle_order)
    if len(set(order)) != len(order):
        raise ValueError(f"trends: cycle_order lists a cycle twice: {order}")
    wanted = set(order)
    found = [c for c in _check_cells(cells) if c.cycle in wanted]
    if any(c.member == OVERALL for c in found):
        raise ValueError(f"trends: {OVERALL!r} is reserved for the all-members series")
    by_cycle: dict[str, list[Cell]] = defaultdict(list)
    for cell in found:
        by_cycle[cell.cycle].append(cell)
    out: dict[str, list[tuple[str, Average]]] = {}
    for member in sorted({c.member for c in found}):
        out[member] = [
            (cycle, _average(c for c in by_cycle[cycle] if c.member == member)) for cycle in order
        ]
    out[OVERALL] = [(cycle, _average(by_cycle[cycle])) for cycle in order]
    return out


def change(first: Average | float | None, last: Average | float | None) -> float | None:
    """``last - first`` on the -1..+1 scale (x 50 for percentage points); ``None`` when
    either is missing.

    >>> change(-0.2, 0.3), change(Average(0.5, 75.0, 4), Average(None, None, 0))
    (0.5, None)
    """
    a = first.average if isinstance(first, Average) else first
    b = last.average if isinstance(last, Average) else last
    a, b = finite_or_none(a), finite_or_none(b)
    if a is None or b is None:
        return None
    return b - a


def roll_up(
    children: Sequence[tuple[float | None, float]], method: RollUpMethod = "mean"
) -> float | None:
    """A parent commitment's average from its children's ``(average, weight)`` pairs.

    ``"mean"``: the plain mean of the scored children's averages (weights ignored);
    ``"weighted"``: ``sum w a / sum w`` over them. Unscored children (``None``) are left
    out; with none scored, or ``"weighted"`` with zero total weight, the result is
    ``None``. Averages must lie in [-1, 1], weights be finite and >= 0.

    >>> roll_up([(1.0, 1), (0.0, 3), (None, 5)])
    0.5
    >>> roll_up([(1.0, 1), (0.0, 3), (None, 5)], "weighted")
    0.25
    >>> roll_up([(1.0, 0), (None, 2)], "weighted") is None
    True
    """
    if method not in ("mean", "weighted"):
        raise ValueError(f"roll_up: method must be 'mean' or 'weighted', got {method!r}")
    pairs: list[tuple[float, float]] = []
    for i, child in enumerate(children):
        try:
            avg, weight = child
        except (TypeError, ValueError):
            raise ValueError(
                f"roll_up: child {i} must be (average, weight), got {child!r}"
            ) from None
        if isinstance(weight, bool) or not isinstance(weight, Real):
            raise ValueError(f"roll_up: child {i} weight must be a number, got {weight!r}")
        if not math.isfinite(float(weight)) or float(weight) < 0:
            raise ValueError(f"roll_up: child {i} weight must be finite and >= 0, got {weight!r}")
        if avg is None:
            continue
        a = finite_or_none(avg)
        if a is None or not -1 - _TOL <= a <= 1 + _TOL:
            raise ValueError(f"roll_up: child {i} average must lie in [-1, 1], got {avg!r}")
        pairs.append((a, float(weight)))
    if not pairs:
        return None
    if method == "mean":
        result = math.fsum(a for a, _ in pairs) / len(pairs)
    else:
        total = math.fsum(w for _, w in pairs)
        if total <= 0:
            return None
        result = math.fsum(a * w for a, w in pairs) / total
    return min(max(result, -1.0), 1.0)


# --- agreement between two assessors ---------------------------------------------------


def _disagreement_weights(k: int, weights: KappaWeights | ArrayLike) -> NDArray[np.float64]:
    if weights is None or isinstance(weights, str):
        i, j = np.indices((k, k))
        if weights is None:
            return (i != j).astype(float)
        if weights == "linear":
            return np.abs(i - j) / (k - 1)
        if weights == "quadratic":
            return ((i - j) / (k - 1)) ** 2
        raise ValueError(f"kappa weights must be None, 'linear' or 'quadratic', got {weights!r}")
    w = np.asarray(weights, dtype=float)
    if w.shape != (k, k):
        raise ValueError(f"kappa: a weight matrix must be {k} x {k}, got shape {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("kappa: disagreement weights must be finite and >= 0")
    return w


def weighted_kappa(table: ArrayLike, weights: KappaWeights | ArrayLike = "linear") -> float | None:
    """Cohen's (weighted) kappa of a k x k table of counts (rows: assessor A).

    ``1 - sum w o / sum w e`` with ``e`` the table expected from the margins (Cohen
    1968). ``weights``: ``None`` (unweighted, Cohen 1960), ``"linear"``, ``"quadratic"``
    or a k x k matrix of *disagreement* weights (0 on the diagonal for a proper kappa).
    ``None`` when the table has fewer than 2 counts or the expected disagreement is 0
    (both assessors used one and the same category: kappa is 0/0).

    Cohen's (1968) Table 1, 200 cases, with his disagreement weights 1, 3 and 6:

    >>> cohen = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]
    >>> round(weighted_kappa(cohen, None), 3)
    0.492
    >>> round(weighted_kappa(cohen, [[0, 1, 3], [1, 0, 6], [3, 6, 0]]), 3)
    0.348
    """
    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or t.shape[0] != t.shape[1] or t.shape[0] < 2:
        raise ValueError(f"kappa: the table must be square, at least 2 x 2, got {t.shape}")
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError("kappa: table counts must be finite and >= 0")
    w = _disagreement_weights(t.shape[0], weights)
    n = float(t.sum())
    if n < 2:
        return None
    expected = np.outer(t.sum(axis=1), t.sum(axis=0)) / n
    expected_disagreement = float(np.sum(w * expected))
    if expected_disagreement <= _TOL * n * float(w.max(initial=0.0)):
        return None
    return finite_or_none(1.0 - float(np.sum(w * t)) / expected_disagreement)


def _pairs_table(
    a: Sequence[Hashable | None], b: Sequence[Hashable | None], categories: Sequence[Hashable]
) -> NDArray[np.int64]:
    cats = list(categories)
    if len(cats) < 2:
        raise ValueError(f"kappa: need at least 2 categories, got {cats}")
    if len(set(cats)) != len(cats):
        raise ValueError(f"kappa: categories list a value twice: {cats}")
    if len(a) != len(b):
        raise ValueError(f"kappa: the assessors rated {len(a)} and {len(b)} cells; pair them")
    index = {c: i for i, c in enumerate(cats)}
    table = np.zeros((len(cats), len(cats)), dtype=np.int64)
    for pos, (x, y) in enumerate(zip(a, b, strict=True)):
        if x is None or y is None:
            continue
        for who, value in (("a", x), ("b", y)):
            if isinstance(value, bool) or value not in index:
                raise ValueError(f"kappa: {who}[{pos}] = {value!r} is not one of {cats}")
        table[index[x], index[y]] += 1
    return table


def cohen_kappa(
    a: Sequence[Hashable | None],
    b: Sequence[Hashable | None],
    categories: Sequence[Hashable] = SCORES,
    weights: KappaWeights = "linear",
) -> float | None:
    """Cohen's weighted kappa of two assessors' scores of the same cells.

    ``a[i]`` and ``b[i]`` score cell ``i``; pairs where either is ``None`` are dropped.
    ``categories`` are in scale order (linear and quadratic weights use their positions).
    Returns ``None`` when fewer than 2 pairs remain, or when the expected disagreement
    is 0: both assessors gave every cell one and the same score, so chance explains
    all agreement and kappa is 0/0. See :func:`weighted_kappa`.

    >>> a = [1, 1, 0, -1, 0, 1, None]
    >>> b = [1, 0, 0, -1, -1, 1, 1]
    >>> round(cohen_kappa(a, b), 4), round(cohen_kappa(a, b, weights=None), 4)
    (0.625, 0.5)
    >>> cohen_kappa([1, 1, 1], [1, 1, 1]) is None, cohen_kappa([1], [0]) is None
    (True, True)
    """
    return weighted_kappa(_pairs_table(a, b, categories), weights)


@dataclass(frozen=True)
class Agreement:
    """Two assessors' agreement on the cells both scored.

    ``n`` pairs; ``percent_agreement`` the percentage of identical scores (``None``
    with no pairs); the three kappas (``None`` where undefined, see :func:`cohen_kappa`);
    ``table[i][j]`` the number of cells that assessor A scored ``categories[i]`` and B
    ``categories[j]``.
    """

    n: int
    percent_agreement: float | None
    kappa: float | None
    kappa_linear: float | None
    kappa_quadratic: float | None
    table: tuple[tuple[int, ...], ...]
    categories: tuple[Hashable, ...] = field(default=SCORES)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: kappas to 4 places, the percentage to 2, the table as lists."""
        return {
            "n": self.n,
            "percent_agreement": _round(self.percent_agreement, PERCENT_PLACES),
            "kappa": _round(self.kappa, AVERAGE_PLACES),
            "kappa_linear": _round(self.kappa_linear, AVERAGE_PLACES),
            "kappa_quadratic": _round(self.kappa_quadratic, AVERAGE_PLACES),
            "table": [list(row) for row in self.table],
            "categories": list(self.categories),
        }


def agreement(
    a: Sequence[Hashable | None],
    b: Sequence[Hashable | None],
    categories: Sequence[Hashable] = SCORES,
) -> Agreement:
    """Percent agreement, the unweighted, linear and quadratic kappas, and the table.

    >>> r = agreement([1, 1, 0, -1, 0, 1, None], [1, 0, 0, -1, -1, 1, 1])
    >>> r.n, round(r.percent_agreement, 2), r.table
    (6, 66.67, ((1, 0, 0), (1, 1, 0), (0, 1, 2)))
    >>> r.as_dict()["kappa_quadratic"]
    0.75
    """
    table = _pairs_table(a, b, categories)
    n = int(table.sum())
    return Agreement(
        n=n,
        percent_agreement=float(np.trace(table)) / n * 100 if n else None,
        kappa=weighted_kappa(table, None),
        kappa_linear=weighted_kappa(table, "linear"),
        kappa_quadratic=weighted_kappa(table, "quadratic"),
        table=tuple(tuple(int(x) for x in row) for row in table),
        categories=tuple(categories),
    )
