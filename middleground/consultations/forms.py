from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from middleground.accounts.models import Role, User
from middleground.network.address_list import Rejected, rebind
from middleground.network.models import FocusArea, TaskForce
from middleground.translations.languages import active_language

from .models import CHOOSABLE_STATUSES, STATEMENT_MAX_LENGTH, Consultation


class ConsultationForm(forms.ModelForm):
    focus_areas = forms.ModelMultipleChoiceField(
        queryset=FocusArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Focus areas"),
    )
    task_force = forms.ModelChoiceField(
        queryset=TaskForce.objects.all(), required=False, label=_("Task force")
    )
    moderators = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True).exclude(role=Role.PUBLIC).order_by("username"),
        required=False,
        label=_("Moderators"),
        help_text=_("Besides the secretariat: who may moderate statements and invite people."),
    )
    statements = forms.CharField(
        label=_("Seed statements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line; they are published at once."),
    )

    class Meta:
        model = Consultation
        fields = [
            "title",
            "question",
            "context",
            "language",
            "focus_areas",
            "task_force",
            "visibility",
            "anonymity",
            "status",
            "opens_at",
            "closes_at",
            "moderation",
            "participants_can_add",
            "declared_dimension",
            "moderators",
        ]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 2}),
            "context": forms.Textarea(attrs={"rows": 4}),
            "opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = CHOOSABLE_STATUSES
        if not self.instance.pk:  # new content: in the language its creator writes
            self.initial.setdefault("language", active_language())
        self.fields["language"].help_text = _(
            "The language the title, question and statements are written in."
        )
        self.fields["language"].required = False  # left out: the creator's (or unchanged)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["statements"] = [
            line for line in (data.get("statements") or "").splitlines() if line.strip()
        ]
        return data


class ConsultationEditForm(ConsultationForm):
    statements = None  # type: ignore[assignment]

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("Your statement"),
        # One limit, the model's: the box stops at it, a static script counts down to it
        # (data-counter), and the service refuses longer text sent past the form.
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "maxlength": STATEMENT_MAX_LENGTH,
                # {left} and {max} are filled in by the script
                "data-counter": _("Characters left: {left} of {max}"),
            }
        ),
        help_text=format_lazy(
            "{} {}",
            _("One idea, in a sentence others can agree or disagree with."),
            ngettext_lazy("At most %(max)d character.", "At most %(max)d characters.", "max")
            % {"max": STATEMENT_MAX_LENGTH},
        ),
    )


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line. People without an account receive a sign-up link."),
    )

    @classmethod
    def with_rejected(cls, data: Any, rejected: list[Rejected]) -> "InviteForm":
        """The form again with only the refused entries left, each reported by its line."""
        return rebind(cls, data, rejected)


class ImportForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    attribution = forms.CharField(
        label=_("Source and attribution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    file = forms.FileField(
        label=_("Polis export (zip)"),
        help_text=_("A zip with comments.csv and votes.csv (or participants-votes.csv)."),
    )
