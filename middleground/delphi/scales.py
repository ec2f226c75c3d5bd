"""The scale and the consensus rule an item is judged by: one home for services and stats."""

from django.utils.translation import gettext_lazy as _

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
        return core.LikertScale(c["points"], tuple(c.get("labels") or ()) or None)
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
