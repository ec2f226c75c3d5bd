from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from middleground.network.models import RegionalGroup

from .compute import MAX_SEATS_PER_KIND, BuilderState, GroupSeats, builder_state
from .models import Scenario, ScenarioVisibility
from .permissions import can_publish

SHARE_INDEX_CHOICES = [
    ("shapley_shubik", _("Shapley-Shubik")),
    ("banzhaf", _("Banzhaf (normalised)")),
]
SEAT_KINDS = [
    ("permanent_veto", _("new permanent seats with a veto")),
    ("permanent", _("new permanent seats without a veto")),
    ("elected", _("elected seats")),
]


class IndexForm(forms.Form):
    """Which index the representation tables use."""

    index = forms.ChoiceField(
        label=_("Power measured by"), choices=SHARE_INDEX_CHOICES, required=False
    )

    def value(self) -> str:
        if self.is_valid() and self.cleaned_data.get("index"):
            return str(self.cleaned_data["index"])
        return "shapley_shubik"


class CompareForm(forms.Form):
    s = forms.MultipleChoiceField(
        label=_("Scenarios"), widget=forms.CheckboxSelectMultiple, required=False
    )
    index = forms.ChoiceField(
        label=_("Power measured by"), choices=SHARE_INDEX_CHOICES, required=False
    )

    def __init__(self, *args: Any, scenarios: list[Scenario], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["s"].choices = [(s.slug, s.name) for s in scenarios]  # type: ignore[attr-defined]


class BuilderForm(forms.Form):
    """A seat council: name, threshold, seats per regional group, vetoes of named seats."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=[])
    threshold = forms.IntegerField(label=_("Votes needed to pass a decision"), min_value=1)

    def __init__(self, *args: Any, base: Scenario, user: Any, **kwargs: Any):
        self.base = base
        state = builder_state(base)
        initial = {
            "name": state.name
            if not base.builtin
            else _("%(name)s (my variant)") % {"name": base.name},
            "description": "" if base.builtin else base.description,
            "visibility": ScenarioVisibility.PRIVATE if base.builtin else base.visibility,
            "threshold": state.threshold,
        }
        for group, counts in state.groups.items():
            for kind, _label in SEAT_KINDS:
                initial[f"{group}_{kind}"] = getattr(counts, kind)
        for pid, veto in state.named_vetoes.items():
            initial[f"veto_{pid}"] = veto
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        choices = list(ScenarioVisibility.choices)
        if not can_publish(user):
            choices = [c for c in choices if c[0] != ScenarioVisibility.PUBLIC]
        self.fields["visibility"].choices = choices  # type: ignore[attr-defined]
        group_names = dict(RegionalGroup.choices)
        self.group_rows = []
        for group in RegionalGroup.values:
            cells = []
            for kind, label in SEAT_KINDS:
                name = f"{group}_{kind}"
                self.fields[name] = forms.IntegerField(
                    label=f"{group_names[group]}: {label}",
                    min_value=0,
                    max_value=MAX_SEATS_PER_KIND,
                    required=False,
                    widget=forms.NumberInput(attrs={"class": "seat-count"}),
                )
                cells.append(name)
            self.group_rows.append((group_names[group], cells))
        self.veto_fields = []
        for seat in base.seats.all():
            if seat.country_id is not None:
                name = f"veto_{seat.player_id}"
                self.fields[name] = forms.BooleanField(
                    label=_("%(seat)s has a veto") % {"seat": seat.label}, required=False
                )
                self.veto_fields.append(name)

    def group_table(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(label, [self[name] for name in cells]) for label, cells in self.group_rows]

    def veto_checkboxes(self) -> list[forms.BoundField]:
        return [self[name] for name in self.veto_fields]

    def state(self) -> BuilderState:
        data = self.cleaned_data
        groups = {
            group: GroupSeats(
                **{kind: int(data.get(f"{group}_{kind}") or 0) for kind, _label in SEAT_KINDS}
            )
            for group in RegionalGroup.values
        }
        vetoes = {name[len("veto_") :]: bool(data.get(name)) for name in self.veto_fields}
        return BuilderState(
            name=data.get("name") or "",
            threshold=data["threshold"],
            groups=groups,
            named_vetoes=vetoes,
        )


class ScenarioMetaForm(forms.Form):
    """Name, description and visibility of a custom scenario that is not a seat council."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=[])

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = list(ScenarioVisibility.choices)
        if not can_publish(user):
            choices = [c for c in choices if c[0] != ScenarioVisibility.PUBLIC]
        self.fields["visibility"].choices = choices  # type: ignore[attr-defined]
