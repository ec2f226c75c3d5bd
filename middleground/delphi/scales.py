"""The scale and the consensus rule an item is judged by: one home for services and stats."""

from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from middleground.analysis import delphi as core

from .models import Item, ItemKind, Study

LIKERT_POINTS = (5, 7, 9)
DEFAULT_LABELS = {
    5: [_("Strongly disagree"), _("Disagree"), _("Neutral"), _("Agree"), _("Strongly agree")],
    7: [
        _("Strongly disagree"),
        _("Disagree"),
        _("Somewhat disagree"),
        _("Neutral"),
        _("Somewhat agree"),
        _("Agree"),
        _("Strongly agree"),
    ],
    9: [
        _("Strongly disagree"),
        _("Disagree"),
        _("Mostly disagree"),
        _("Slightly disagree"),
        _("Neutral"),
        _("Slightly agree"),
        _("Mostly agree"),
        _("Agree"),
        _("Strongly agree"),
    ],
}


def default_labels(points: int) -> list[str]:
    """The labels of a ``points``-point Likert scale in the active language, lowest first.

    Plain strings, because they are stored in the item's JSON config.
    """
    return [str(label) for label in DEFAULT_LABELS[points]]


def scale_of(item: Item) -> core.LikertScale | core.NumericScale | None:
    """The scale of a Likert, pair or numeric item; ``None`` for rankings and free text."""
    c = item.config
    if item.kind in (ItemKind.LIKERT, ItemKind.PAIR):
        return core.LikertScale(c["points"], tuple(shown_labels(c)) or None)
    if item.kind == ItemKind.NUMERIC:
        return core.NumericScale(
            c.get("lower"), c.get("upper"), c.get("unit", ""), c.get("bins", 10)
        )
    return None


def rules_of(item: Item, study: Study | None = None) -> core.ConsensusRules | None:
    """The rule that judges an item: its own (numeric items may carry one) or the study's."""
    study = study or item.study
    data = item.config.get("rules") or study.rules
    return core.ConsensusRules.from_dict(data) if data else None


def _number(x: float) -> str:
    """70.0 → "70", 1.5 → "1.5" (or "1,5"): numbers in rule texts follow the active locale."""
    return formats.number_format(int(x) if float(x).is_integer() else x)


def _band(low: float, high: float) -> str:
    if low == high:
        return _("rate %(value)s") % {"value": _number(low)}
    return _("rate %(low)s–%(high)s") % {"low": _number(low), "high": _number(high)}


def rules_sentence(rules: dict[str, Any] | None) -> str:
    """The pre-registered rule as one sentence in the active language ("" without a rule).

    The core's ``ConsensusRules.describe`` stays English: it is the analysis's own record,
    used in exports; pages and reports show this one.
    """
    if not rules:
        return ""
    rule = core.ConsensusRules.from_dict(rules)
    parts: list[str] = []
    if rule.percent_agreement is not None:
        lo, hi, pct = rule.percent_agreement
        parts.append(
            _("at least %(pct)s%% %(band)s") % {"pct": _number(pct), "band": _band(lo, hi)}
        )
    if rule.percent_disagreement is not None:
        lo, hi, pct = rule.percent_disagreement
        parts.append(
            _("fewer than %(pct)s%% %(band)s") % {"pct": _number(pct), "band": _band(lo, hi)}
        )
    if rule.max_iqr is not None:
        parts.append(_("IQR ≤ %(value)s") % {"value": _number(rule.max_iqr)})
    if rule.max_sd is not None:
        parts.append(_("SD ≤ %(value)s") % {"value": _number(rule.max_sd)})
    joiner = " %s " % (
        pgettext("consensus conditions", "and")
        if rule.combine == "all"
        else pgettext("consensus conditions", "or")
    )
    n = int(rule.min_answers)
    return ngettext(
        "Consensus when %(conditions)s, with at least %(n)s answer",
        "Consensus when %(conditions)s, with at least %(n)s answers",
        n,
    ) % {"conditions": joiner.join(parts), "n": n}


def shown_labels(config: dict[str, Any]) -> list[str]:
    """An item's scale labels: the default labels of its scale in the active language (they
    are reference data), or the labels its author wrote (user content, shown as written)."""
    labels = list(config.get("labels") or [])
    points = config.get("points")
    if points in DEFAULT_LABELS:
        with translation.override("en"):
            english = default_labels(points)
        if labels == english:
            return default_labels(points)
    return labels
