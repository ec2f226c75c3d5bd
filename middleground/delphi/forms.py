from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from middleground.network.address_list import Rejected, rebind
from middleground.network.models import FocusArea, Institution, TaskForce
from middleground.translations.languages import active_language, content_language_choices

from .models import Anonymity, ItemKind, StudyMode


class RulesFields(forms.Form):
    """The consensus rule set, as form fields; ``rules()`` gives its JSON form."""

    min_answers = forms.IntegerField(label=_("Minimum number of answers"), min_value=1, initial=5)
    agree_low = forms.FloatField(label=_("Agreement band: from"), required=False, initial=7)
    agree_high = forms.FloatField(label=_("Agreement band: to"), required=False, initial=9)
    agree_pct = forms.FloatField(
        label=_("Agreement: at least this % of answers in the band"),
        required=False,
        initial=70,
    )
    disagree_low = forms.FloatField(label=_("Disagreement band: from"), required=False)
    disagree_high = forms.FloatField(label=_("Disagreement band: to"), required=False)
    disagree_pct = forms.FloatField(
        label=_("Disagreement: fewer than this % of answers in the band"), required=False
    )
    max_iqr = forms.FloatField(label=_("Largest interquartile range"), required=False, initial=2)
    max_sd = forms.FloatField(label=_("Largest standard deviation"), required=False)
    combine = forms.ChoiceField(
        label=_("Combine the criteria"),
        choices=[("all", _("all must hold")), ("any", _("one is enough"))],
        initial="all",
    )

    def rules(self) -> dict[str, Any] | None:
        d = self.cleaned_data
        out: dict[str, Any] = {
            "min_answers": d.get("min_answers") or 1,
            "max_iqr": d.get("max_iqr"),
            "max_sd": d.get("max_sd"),
            "combine": d.get("combine") or "all",
            "percent_agreement": None,
            "percent_disagreement": None,
        }
        if any(d.get(k) is not None for k in ("agree_low", "agree_high", "agree_pct")):
            out["percent_agreement"] = {
                "low": d.get("agree_low"),
                "high": d.get("agree_high"),
                "min_percent": d.get("agree_pct"),
            }
        if any(d.get(k) is not None for k in ("disagree_low", "disagree_high", "disagree_pct")):
            out["percent_disagreement"] = {
                "low": d.get("disagree_low"),
                "high": d.get("disagree_high"),
                "max_percent": d.get("disagree_pct"),
            }
        criteria = ("percent_agreement", "percent_disagreement", "max_iqr", "max_sd")
        if all(out[k] is None for k in criteria):
            return None
        return out

    @staticmethod
    def initial_from(rules: dict[str, Any] | None) -> dict[str, Any]:
        if not rules:
            return {}
        pa = rules.get("percent_agreement") or {}
        pd = rules.get("percent_disagreement") or {}
        return {
            "min_answers": rules.get("min_answers"),
            "agree_low": pa.get("low"),
            "agree_high": pa.get("high"),
            "agree_pct": pa.get("min_percent"),
            "disagree_low": pd.get("low"),
            "disagree_high": pd.get("high"),
            "disagree_pct": pd.get("max_percent"),
            "max_iqr": rules.get("max_iqr"),
            "max_sd": rules.get("max_sd"),
            "combine": rules.get("combine", "all"),
        }


class StudyForm(RulesFields):
    title = forms.CharField(label=_("Title"), max_length=300)
    question = forms.CharField(
        label=_("Question and background"), widget=forms.Textarea(attrs={"rows": 5})
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=content_language_choices,
        required=False,
        help_text=_("The language the title, question and items are written in."),
    )
    topics = forms.CharField(
        label=_("Expertise topics"),
        required=False,
        help_text=_("Comma-separated; panellists may rate their expertise on each."),
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=StudyMode.choices)
    anonymity = forms.ChoiceField(label=_("Anonymity"), choices=Anonymity.choices)
    max_rounds = forms.IntegerField(
        label=_("Number of rounds"), min_value=1, max_value=10, initial=3
    )
    round_days = forms.IntegerField(
        label=_("Days per round"), min_value=1, max_value=120, initial=14
    )
    stop_when_stable = forms.BooleanField(
        label=_("Stop early when answers are stable between rounds"), required=False, initial=True
    )
    max_cv_change = forms.FloatField(
        label=_("Stability: largest change of the coefficient of variation"), initial=0.1
    )
    drop_consensus_items = forms.BooleanField(
        label=_("Items that reached consensus leave the next round"), required=False, initial=True
    )
    task_force = forms.ChoiceField(label=_("Task force"), required=False)
    focus_area = forms.ChoiceField(label=_("Focus area"), required=False)

    field_order = [
        "title",
        "question",
        "language",
        "topics",
        "mode",
        "anonymity",
        "max_rounds",
        "round_days",
        "stop_when_stable",
        "max_cv_change",
        "drop_consensus_items",
        "task_force",
        "focus_area",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("language", active_language())  # new content: its creator's
        self.fields["task_force"].choices = [("", "—")] + [
            (str(t.pk), t.name) for t in TaskForce.objects.all()
        ]
        self.fields["focus_area"].choices = [("", "—")] + [
            (f.slug, f.name) for f in FocusArea.objects.all()
        ]

    def data_for_service(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        data = {k: d.get(k) for k in self.field_order}
        data["task_force"] = int(d["task_force"]) if d.get("task_force") else None
        data["rules"] = self.rules()
        return data


class ItemForm(RulesFields):
    """An item and, optionally, its own consensus rule (blank: the study's rule)."""

    kind = forms.ChoiceField(label=_("Type"), choices=ItemKind.choices)
    text = forms.CharField(
        label=_("Statement or question"), widget=forms.Textarea(attrs={"rows": 3})
    )
    points = forms.TypedChoiceField(
        label=_("Scale points (Likert, desirability × feasibility)"),
        choices=[(5, "5"), (7, "7"), (9, "9")],
        coerce=int,
        initial=9,
        required=False,
    )
    labels = forms.CharField(
        label=_("Scale labels, one per line, lowest first (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    lower = forms.FloatField(label=_("Lower bound (numeric)"), required=False)
    upper = forms.FloatField(label=_("Upper bound (numeric)"), required=False)
    unit = forms.CharField(label=_("Unit (numeric)"), required=False, max_length=40)
    options = forms.CharField(
        label=_("Options to rank, one per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    field_order = ["kind", "text", "points", "labels", "lower", "upper", "unit", "options"]
    RULE_FIELDS = (
        "min_answers",
        "agree_low",
        "agree_high",
        "agree_pct",
        "disagree_low",
        "disagree_high",
        "disagree_pct",
        "max_iqr",
        "max_sd",
        "combine",
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # The item's own rule starts empty: left blank, the study's rule judges the item.
        for name in self.RULE_FIELDS:
            field = self.fields[name]
            field.required = False
            field.initial = None
            field.label = _("Own rule: %(label)s") % {"label": field.label}
        self.fields["combine"].initial = "all"
        self.fields["min_answers"].help_text = _(
            "Leave the own-rule fields blank to judge the item by the study's consensus rule. "
            "Give an own rule when the study's does not fit the item's scale "
            "(for example a year estimate in a study of 1–5 agreement items)."
        )
        if editing:
            # The type of an existing item stays; change the scale, text or rule.
            self.fields["kind"].disabled = True
            kind = self.initial.get("kind")
            by_kind: dict[str, tuple[str, ...]] = {
                ItemKind.LIKERT: ("points", "labels"),
                ItemKind.PAIR: ("points", "labels"),
                ItemKind.NUMERIC: ("lower", "upper", "unit"),
                ItemKind.RANKING: ("options",),
                ItemKind.TEXT: (),
            }
            scale_fields = by_kind.get(str(kind), ())
            for name in ("points", "labels", "lower", "upper", "unit", "options"):
                if name not in scale_fields:
                    del self.fields[name]
            if kind in (ItemKind.RANKING, ItemKind.TEXT):
                for name in self.RULE_FIELDS:
                    del self.fields[name]

    def own_rules(self) -> dict[str, Any] | None:
        return self.rules()

    @classmethod
    def initial_for(cls, item) -> dict[str, Any]:
        c = item.config
        initial: dict[str, Any] = {"kind": item.kind, "text": item.text}
        if "points" in c:
            initial.update(points=c["points"], labels="\n".join(c.get("labels") or []))
        if item.kind == ItemKind.NUMERIC:
            initial.update(lower=c.get("lower"), upper=c.get("upper"), unit=c.get("unit", ""))
        if item.kind == ItemKind.RANKING:
            initial["options"] = "\n".join(o["label"] for o in c.get("options", []))
        initial.update(cls.initial_from(c.get("rules")))
        return initial

    def config(self) -> dict[str, Any]:
        d = self.cleaned_data
        kind = d["kind"]
        rules = self.own_rules()
        own = {"rules": rules} if rules else {}
        if kind in (ItemKind.LIKERT, ItemKind.PAIR):
            return {
                "points": d.get("points") or 5,
                "labels": [x for x in (d.get("labels") or "").splitlines() if x.strip()],
                **own,
            }
        if kind == ItemKind.NUMERIC:
            return {
                "lower": d.get("lower"),
                "upper": d.get("upper"),
                "unit": d.get("unit", ""),
                **own,
            }
        if kind == ItemKind.RANKING:
            return {"options": [x for x in (d.get("options") or "").splitlines() if x.strip()]}
        return {}


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses, one per line"), widget=forms.Textarea(attrs={"rows": 4})
    )
    institution = forms.ModelChoiceField(
        label=_("Institution of people without an account (optional)"),
        queryset=Institution.objects.filter(is_member=True),
        required=False,
    )

    def email_lines(self) -> list[str]:
        """The textarea's lines as typed, so a refused entry is reported by its line."""
        return self.cleaned_data["emails"].splitlines()

    @classmethod
    def with_rejected(cls, data: Any, rejected: list[Rejected]) -> "InviteForm":
        """The form again with only the refused entries left, each reported by its line."""
        return rebind(cls, data, rejected)


class VersionForm(RulesFields):
    note = forms.CharField(
        label=_("Why the rules change (shown to everyone)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
