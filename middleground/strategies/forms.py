"""Forms of the drafting pages: they parse; the services decide."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from middleground.accounts.models import User
from middleground.network.models import FocusArea, TaskForce

from .models import (
    ACTOR_MAX,
    COMMENT_MAX,
    PARAGRAPH_MAX,
    REASON_MAX,
    SUMMARY_MAX,
    TIMELINE_MAX,
    TITLE_MAX,
    AmendmentKind,
    BreadthKind,
    ParagraphKind,
    StrategyKind,
    StrategyStatus,
)

TEXTAREA = {"rows": 5, "cols": 70}


def split_actors(value: str) -> list[str]:
    """ "UN-Water; basin authorities" or one per line → the list of names."""
    parts = value.replace("\n", ";").split(";")
    return [p.strip() for p in parts if p.strip()]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any"))] + StrategyStatus.choices
    )
    focus_area = forms.ChoiceField(label=_("Focus area"), required=False, choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].choices = [("", _("any"))] + [  # type: ignore[attr-defined]
            (a.slug, a.name) for a in FocusArea.objects.order_by("name")
        ]


class BreadthFields(forms.Form):
    breadth_kind = forms.ChoiceField(
        label=_("Breadth counted over"), choices=BreadthKind.choices, initial="regional_groups"
    )
    breadth_min_per_group = forms.IntegerField(
        label=_("Endorsing institutions needed per group"), min_value=1, max_value=50, initial=1
    )
    breadth_min_groups = forms.IntegerField(
        label=_("Groups that must reach that number"), min_value=1, max_value=50, initial=3
    )


class StrategyForm(BreadthFields):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    kind = forms.ChoiceField(label=_("Kind"), choices=StrategyKind.choices)
    task_force = forms.ModelChoiceField(label=_("Task force"), queryset=TaskForce.objects.none())
    focus_area = forms.ModelChoiceField(
        label=_("Focus area"), queryset=FocusArea.objects.order_by("name")
    )
    lead = forms.ModelChoiceField(
        label=_("Drafting lead"),
        queryset=User.objects.none(),
        help_text=_("The secretariat or a person of the task force."),
    )
    language = forms.CharField(label=_("Authentic language (code)"), initial="en", max_length=10)
    summary = forms.CharField(
        label=_("Summary"), required=False, max_length=SUMMARY_MAX, widget=forms.Textarea(TEXTAREA)
    )
    field_order = ["title", "kind", "task_force", "focus_area", "lead", "language", "summary"]

    def __init__(self, *args: Any, task_forces: Any, leads: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task_force"].queryset = task_forces  # type: ignore[attr-defined]
        self.fields["lead"].queryset = leads  # type: ignore[attr-defined]
        self.fields["lead"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]


class StrategyEditForm(BreadthFields):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    summary = forms.CharField(
        label=_("Summary"), required=False, max_length=SUMMARY_MAX, widget=forms.Textarea(TEXTAREA)
    )
    field_order = ["title", "summary"]


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=TITLE_MAX)


class TranslationForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    title = forms.CharField(label=_("Title in that language"), max_length=TITLE_MAX)


class ParagraphFields(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ParagraphKind.choices)
    text = forms.CharField(
        label=_("Text"), max_length=PARAGRAPH_MAX, widget=forms.Textarea(TEXTAREA)
    )
    actors = forms.CharField(
        label=_("Addressed to"),
        required=False,
        max_length=ACTOR_MAX * 20,
        help_text=_("Recommendations: the actors, separated by semicolons."),
    )
    timeline = forms.CharField(label=_("Timeline"), required=False, max_length=TIMELINE_MAX)

    def actor_list(self) -> list[str]:
        return split_actors(self.cleaned_data.get("actors") or "")


class ParagraphForm(ParagraphFields):
    section = forms.ChoiceField(label=_("Section"), choices=[])
    field_order = ["section", "kind", "text", "actors", "timeline"]

    def __init__(self, *args: Any, sections: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(s.pk, s.title) for s in sections]  # type: ignore[attr-defined]


class OnSharedPage(forms.Form):
    """A form shown beside others on the paragraph page: its ids carry its own prefix, so
    that each label points at its own field (all three have a ``text``)."""

    id_prefix = "f"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class CommentForm(OnSharedPage):
    id_prefix = "comment"
    text = forms.CharField(
        label=_("Comment"), max_length=COMMENT_MAX, widget=forms.Textarea({"rows": 3, "cols": 70})
    )


class AmendmentForm(OnSharedPage):
    id_prefix = "amend"
    kind = forms.ChoiceField(
        label=_("Change"), choices=AmendmentKind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Proposed text"),
        required=False,
        max_length=PARAGRAPH_MAX,
        widget=forms.Textarea(TEXTAREA),
        help_text=_("The whole new paragraph (not needed to delete it)."),
    )
    new_kind = forms.ChoiceField(
        label=_("Kind of the inserted paragraph"),
        choices=ParagraphKind.choices,
        required=False,
        initial=ParagraphKind.NARRATIVE,
    )
    actors = forms.CharField(
        label=_("Inserted recommendation: addressed to"),
        required=False,
        max_length=ACTOR_MAX * 20,
        help_text=_("Separated by semicolons."),
    )
    timeline = forms.CharField(
        label=_("Inserted recommendation: timeline"), required=False, max_length=TIMELINE_MAX
    )
    explanation = forms.CharField(
        label=_("Why"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea({"rows": 3, "cols": 70}),
    )
    draft = forms.BooleanField(label=_("Keep as a draft (only you see it)"), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("reject", _("Reject"))]
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea({"rows": 2, "cols": 60}),
        help_text=_("Required to reject."),
    )


class MergeForm(OnSharedPage):
    id_prefix = "merge"
    amendments = forms.MultipleChoiceField(
        label=_("Amendments to merge"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(
        label=_("Merged text"), max_length=PARAGRAPH_MAX, widget=forms.Textarea(TEXTAREA)
    )
    reason = forms.CharField(label=_("Note"), required=False, max_length=REASON_MAX)

    def __init__(self, *args: Any, amendments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amendments"].choices = [  # type: ignore[attr-defined]
            (str(a.pk), f"#{a.pk} {a.author.display_name}") for a in amendments
        ]
