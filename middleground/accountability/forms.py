"""Forms of the accountability pages: they parse; the services check and write."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from middleground.accounts.models import User

from .models import (
    JUSTIFICATION_MAX,
    NOTE_MAX,
    CycleKind,
    RollUp,
    TrafficLight,
)

SCORE_CHOICES = [
    ("1", _("+1 · Full compliance")),
    ("0", _("0 · Partial compliance")),
    ("-1", _("−1 · No compliance")),
]


def parse_sources(text: str) -> list[int | str]:
    """One source a line: a library document id (a number) or an http(s) URL."""
    out: list[int | str] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            out.append(int(line) if line.isdigit() else line)
    return out


class ScoreForm(forms.Form):
    score = forms.ChoiceField(label=_("Score"), choices=SCORE_CHOICES, widget=forms.RadioSelect)
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=JUSTIFICATION_MAX,
    )
    sources = forms.CharField(
        label=_("Sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: a web address (https://…) or a library document number."),
    )


class ReconcileForm(forms.Form):
    score = forms.ChoiceField(
        label=_("Agreed score"), choices=SCORE_CHOICES, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Why this score"), widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX
    )


class ReplyForm(forms.Form):
    accepts = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("yes", _("We accept this score")), ("no", _("We do not accept it: our reply"))],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Counter-argument"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=JUSTIFICATION_MAX,
        help_text=_("Required when you do not accept the score."),
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: a web address (https://…) or a library document number."),
    )


class SelfReportForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Where you stand"), choices=TrafficLight.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("What was done, and what is delayed and why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=JUSTIFICATION_MAX,
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: a web address (https://…) or a library document number."),
    )


class OpenCycleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CycleKind.choices)
    roll_up = forms.ChoiceField(
        label=_("Parent commitments' averages"), choices=RollUp.choices, initial=RollUp.MEAN
    )
    simulated = forms.BooleanField(
        label=_("Simulated (demonstration scores, labelled as such)"), required=False
    )


class AssignForm(forms.Form):
    commitment = forms.ChoiceField(label=_("Commitment"))
    assessor = forms.ModelChoiceField(
        label=_("Assessor"), queryset=User.objects.filter(is_active=True).order_by("username")
    )
    slot = forms.ChoiceField(
        label=_("Slot"),
        choices=[("1", _("1 · first assessor")), ("2", _("2 · second, independent assessor"))],
    )

    def __init__(self, *args: Any, commitments: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["commitment"]).choices = [
            (str(c.pk), f"{c.code}: {c.text[:80]}") for c in commitments
        ]


class ReviewForm(forms.Form):
    reply_deadline = forms.DateTimeField(
        label=_("Reply deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )


class CorrectForm(forms.Form):
    cell = forms.ChoiceField(label=_("Cell to correct"))
    score = forms.ChoiceField(
        label=_("Corrected score"), choices=SCORE_CHOICES, widget=forms.RadioSelect
    )
    cell_note = forms.CharField(label=_("Why this cell changes"), max_length=NOTE_MAX)
    note = forms.CharField(
        label=_("Note of the revision (shown with it)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=NOTE_MAX,
    )

    def __init__(self, *args: Any, cells: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["cell"]).choices = [
            (str(pk), label) for pk, label in cells
        ]


#: the largest file the upload page takes (the benchmark's 40,000 cells are about 10 MB)
MAX_UPLOAD_BYTES = 32 * 1024 * 1024
UPLOAD_KINDS = {".csv": "csv", ".json": "json"}


class ImportUploadForm(forms.Form):
    """The secretariat's upload of an export (CSV or JSON), edited or not."""

    file = forms.FileField(
        label=_("File to import"),
        help_text=_(
            "A .csv or .json file in the format of the export (the same columns), at most 32 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json,text/csv,application/json"}),
    )

    def clean_file(self) -> tuple[str, bytes]:
        """-> (format, content): "csv" or "json" by the file's name, and its bytes."""
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        fmt = next((f for ext, f in UPLOAD_KINDS.items() if name.endswith(ext)), None)
        if fmt is None:
            raise forms.ValidationError(
                _("Choose a .csv or .json file as exported (this one is “%(name)s”).")
                % {"name": upload.name}
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {
                    "size": f"{upload.size / 1024 / 1024:.1f}",
                    "limit": MAX_UPLOAD_BYTES // 1024 // 1024,
                }
            )
        return fmt, upload.read()
