"""Delphi panel statistics: item summaries, consensus, stability, Kendall's W.

Pure numpy/scipy; no Django. Every result is a frozen dataclass with ``to_dict()``
returning plain JSON-ready values (no NaN: undefined statistics are ``None``).

Conventions
-----------
* Likert scales run from 1 to ``points`` (5, 7 or 9 in the app; 2-11 accepted).
* Quartiles use numpy's ``"linear"`` method by default: Hyndman & Fan (1996) type 7,
  the same as R's default ``quantile()`` and Excel's ``QUARTILE.INC``. The method name
  is stored on every :class:`ItemSummary` (``quantile_method``) so reports can state it.
* ``sd`` is the sample standard deviation (``ddof=1``); ``cv = sd / |mean|``.
* Percentages are on a 0-100 scale.

The implementation lives in private modules, one per section (``_scales``,
``_validators``, ``_summary``, ``_consensus``, ``_stability``, ``_kendall``,
``_groups``, ``_pairs``, ``_stopping``); import from this package, never from them.

Examples
--------
>>> from middleground.analysis.delphi import (
...     ConsensusRules, LikertScale, evaluate_consensus, summarize_item)
>>> s = summarize_item([7, 8, 9, 9, 8, 7, 6, 9], scale=LikertScale(9), agreement_band=(7, 9))
>>> s.median, s.q1, s.q3, s.iqr, s.percent_in_band
(8.0, 7.0, 9.0, 2.0, 87.5)
>>> rules = ConsensusRules(min_answers=8, percent_agreement=(7, 9, 75), max_iqr=2)
>>> rules.describe()
'Consensus when at least 75% rate 7–9 and IQR ≤ 2, with at least 8 answers'
>>> evaluate_consensus(s, rules).reached
True
"""

from ._consensus import ConsensusResult, ConsensusRules, CriterionResult, evaluate_consensus
from ._groups import GroupedResult, GroupResult, by_group
from ._kendall import KendallResult, kendall_w
from ._pairs import PairSummary, summarize_pair
from ._pairs import Quadrant as Quadrant
from ._scales import LikertScale, NumericScale
from ._scales import Scale as Scale
from ._stability import StabilityResult, WilcoxonResult, stability
from ._stopping import StopDecision, stop_decision
from ._stopping import StopReason as StopReason
from ._summary import QUANTILE_METHODS, Distribution, ItemSummary, summarize_item
from ._validators import ranks_from_orderings, validate_likert, validate_numeric, validate_ranking

__all__ = [
    "QUANTILE_METHODS",
    "ConsensusResult",
    "ConsensusRules",
    "CriterionResult",
    "Distribution",
    "GroupResult",
    "GroupedResult",
    "ItemSummary",
    "KendallResult",
    "LikertScale",
    "NumericScale",
    "PairSummary",
    "StabilityResult",
    "StopDecision",
    "WilcoxonResult",
    "by_group",
    "evaluate_consensus",
    "kendall_w",
    "ranks_from_orderings",
    "stability",
    "stop_decision",
    "summarize_item",
    "summarize_pair",
    "validate_likert",
    "validate_numeric",
    "validate_ranking",
]
