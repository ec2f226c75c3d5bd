from django import forms
from django.utils.translation import gettext_lazy as _

from middleground.network.models import Country, FocusArea, Institution, RegionalGroup

from .models import Access, DocType, Frequency
from .selectors import MAX_QUERY

LANGUAGES = [
    ("en", "English"),
    ("ru", "Русский"),
    ("kk", "Қазақша"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("tr", "Türkçe"),
    ("ar", "العربية"),
    ("zh", "中文"),
    ("und", _("Undetermined")),
]


class DateInput(forms.DateInput):
    input_type = "date"


class SearchForm(forms.Form):
    """The library's search bar and filters (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY)
    country = forms.ChoiceField(label=_("Country mentioned"), required=False)
    regional_group = forms.ChoiceField(
        label=_("UN regional group"),
        required=False,
        choices=[("", "—"), *RegionalGroup.choices],
    )
    institution = forms.ChoiceField(label=_("Institution mentioned"), required=False)
    focus_area = forms.ChoiceField(label=_("Focus area"), required=False)
    sdg = forms.ChoiceField(
        label=_("SDG"),
        required=False,
        choices=[("", "—")] + [(str(n), f"SDG {n}") for n in range(1, 18)],
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", "—"), *LANGUAGES]
    )
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", "—"), *DocType.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("relevance", _("Relevance")), ("date", _("Date"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—")] + list(
            Country.objects.values_list("code", "name")
        )
        self.fields["institution"].choices = [("", "—")] + [
            (str(pk), acronym or name)
            for pk, name, acronym in Institution.objects.filter(is_member=True).values_list(
                "pk", "name", "acronym"
            )
        ]
        self.fields["focus_area"].choices = [("", "—")] + list(
            FocusArea.objects.values_list("slug", "name")
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    upload_files = MultipleFileField(
        label=_("Files"),
        help_text=_(
            "HTML, PDF, DOCX, Markdown or plain text, up to 50 MB each. "
            "More than five files are ingested in the background."
        ),
    )
    access = forms.ChoiceField(label=_("Who may read it"), choices=Access.choices)
    task_force = forms.ChoiceField(label=_("Task force (restricted documents)"), required=False)
    doc_type = forms.ChoiceField(label=_("Type"), choices=DocType.choices, initial=DocType.REPORT)
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=300,
        help_text=_("Publisher or web address, if the file does not say."),
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=500,
        help_text=_(
            "Leave empty to take the title from the file (its name if it has none). "
            "Only for a single file."
        ),
    )
    authors = forms.CharField(
        label=_("Authors"),
        required=False,
        max_length=2000,
        help_text=_(
            "Separate several names with semicolons. Leave empty to take them from the file."
        ),
    )
    published = forms.DateField(
        label=_("Date of publication"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty to take it from the file."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Detect from the text")), *LANGUAGES],
    )

    def __init__(self, *args, task_forces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task_force"].choices = [("", "—")] + [(str(t.pk), t.name) for t in task_forces]

    def metadata(self) -> dict:
        """The typed metadata for the service (empty values: taken from the file)."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "authors": split_authors(data["authors"]) if data["authors"].strip() else None,
            "published": data["published"],
            "language": data["language"],
        }


def split_authors(text: str) -> list[str]:
    return [name.strip() for name in text.replace("\n", ";").split(";") if name.strip()]


class DocumentForm(forms.Form):
    """A document's metadata, as its uploader or the secretariat corrects it."""

    title = forms.CharField(label=_("Title"), max_length=500)
    authors = forms.CharField(
        label=_("Authors"),
        required=False,
        max_length=10000,
        help_text=_("Separate several names with semicolons."),
    )
    published = forms.DateField(label=_("Date of publication"), required=False, widget=DateInput)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    doc_type = forms.ChoiceField(label=_("Type"), choices=DocType.choices)
    source = forms.CharField(label=_("Source"), required=False, max_length=300)
    access = forms.ChoiceField(label=_("Who may read it"), choices=Access.choices)
    task_force = forms.ChoiceField(label=_("Task force (restricted documents)"), required=False)

    def __init__(self, *args, task_forces=(), language="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task_force"].choices = [("", "—")] + [(str(t.pk), t.name) for t in task_forces]
        codes = {code for code, _label in LANGUAGES}
        if language and language not in codes:  # a detected language not in the short list
            languages = self.fields["language"]
            assert isinstance(languages, forms.ChoiceField)
            languages.choices = [(language, language), *LANGUAGES]

    @classmethod
    def initial_for(cls, document) -> dict:
        return {
            "title": document.title,
            "authors": "; ".join(document.authors),
            "published": document.published,
            "language": document.language,
            "doc_type": document.doc_type,
            "source": document.source,
            "access": document.access,
            "task_force": str(document.task_force_id or ""),
        }


class LexiconForm(forms.Form):
    terms = forms.CharField(
        label=_("Terms, one per line"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Matched by word stems in any language: list base forms ('water security', "
            "'водная безопасность'). A focus area is tagged when its terms occur twice."
        ),
    )


class SavedSearchForm(forms.Form):
    name = forms.CharField(label=_("Name of the saved search"), max_length=200)
    frequency = forms.ChoiceField(
        label=_("Digest"), choices=Frequency.choices, initial=Frequency.WEEKLY
    )
