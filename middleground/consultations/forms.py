from django import forms
from django.utils.translation import gettext_lazy as _

from middleground.accounts.models import Role, User
from middleground.network.models import FocusArea, TaskForce

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
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": STATEMENT_MAX_LENGTH}),
        max_length=STATEMENT_MAX_LENGTH + 200,  # the service gives the clear message
        help_text=_("One idea, in a sentence others can agree or disagree with."),
    )


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line. People without an account receive a sign-up link."),
    )


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
