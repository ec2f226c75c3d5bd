from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Frequency

#: the kinds of notice a person may tune one by one
KINDS = [
    ("consultation.invited", _("Invited to a consultation")),
    ("delphi.round_open", _("A Delphi round opens")),
    ("delphi.reminder", _("Delphi reminders")),
    ("network.application_decided", _("Membership application decided")),
    ("network.task_force_added", _("Added to a task force")),
    ("library.saved_search", _("New documents for a saved search")),
]

DEFAULT_CHOICE = [("", _("As my default"))]


def _time_zones() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(available_timezones())]


class PreferenceForm(forms.Form):
    information_mail = forms.ChoiceField(
        label=_("Information mail"),
        choices=Frequency.choices,
        help_text=_("Notices that ask you to act by a date are always mailed at once."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zones)
    digest_hour = forms.IntegerField(
        label=_("Hour of the digest"),
        min_value=0,
        max_value=23,
        help_text=_("In your time zone, 0 to 23."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in KINDS:
            self.fields[f"kind:{kind}"] = forms.ChoiceField(
                label=label, choices=DEFAULT_CHOICE + list(Frequency.choices), required=False
            )

    def kind_fields(self):
        return [self[f"kind:{kind}"] for kind, _label in KINDS]

    def per_kind(self) -> dict[str, str]:
        return {
            kind: self.cleaned_data[f"kind:{kind}"]
            for kind, _label in KINDS
            if self.cleaned_data.get(f"kind:{kind}")
        }


class FollowForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Frequency"), choices=DEFAULT_CHOICE + list(Frequency.choices), required=False
    )
