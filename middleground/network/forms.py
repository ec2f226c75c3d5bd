from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from middleground.accounts.models import Role
from middleground.translations.languages import active_language, content_language_choices

from .models import Country, FocusArea, Institution, InstitutionType, RegionalGroup, Visibility

REGIONS = ["Africa", "Americas", "Asia", "Europe", "Oceania"]


def _by_label(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Choices in the alphabetical order of their (translated) labels."""
    return sorted(choices, key=lambda c: c[1].casefold())


def _country_choices():
    """Every country, named and ordered in the active language (ISO 3166-1 catalogs)."""
    countries = Country.objects.only("code", "name")
    return [("", "—")] + _by_label([(c.code, c.display_name) for c in countries])


def _focus_choices():
    return _by_label([(f.slug, f.display_name) for f in FocusArea.objects.all()])


class RegistryFilterForm(forms.Form):
    """The filter bar of the registry pages (GET)."""

    q = forms.CharField(label=_("Search"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    regional_group = forms.ChoiceField(
        label=_("UN regional group"),
        required=False,
        choices=[("", "—")] + list(RegionalGroup.choices),
    )
    bloc = forms.ChoiceField(label=_("Bloc"), required=False)
    focus_area = forms.ChoiceField(label=_("Focus area"), required=False)
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", "—")] + [(r, _(r)) for r in REGIONS]
    )

    def __init__(
        self, *args, fields=("q", "country", "regional_group", "bloc", "focus_area"), **kwargs
    ):
        super().__init__(*args, **kwargs)
        from .models import Bloc

        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        if "country" in self.fields:
            self.fields["country"].choices = _country_choices()
        if "bloc" in self.fields:
            self.fields["bloc"].choices = [("", "—")] + [
                (b.code, b.code) for b in Bloc.objects.all()
            ]
        if "focus_area" in self.fields:
            self.fields["focus_area"].choices = [("", "—")] + _focus_choices()


class InstitutionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    acronym = forms.CharField(label=_("Acronym"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=InstitutionType.choices)
    country = forms.ChoiceField(label=_("Country"))
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    language = forms.ChoiceField(
        label=_("Language of the description"), choices=content_language_choices, required=False
    )
    focus_areas = forms.MultipleChoiceField(
        label=_("Focus areas"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, institution: Institution | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("language", active_language())  # new content: its creator's
        cast(forms.ChoiceField, self.fields["country"]).choices = _country_choices()
        cast(forms.ChoiceField, self.fields["focus_areas"]).choices = _focus_choices()
        if institution is not None:  # editing: name who receives the institution's notices
            people = [("", _("None"))] + [
                (str(u.pk), u.display_name)
                for u in institution.users.filter(role=Role.REPRESENTATIVE, is_active=True)
            ]
            self.fields["focal_point"] = forms.ChoiceField(
                label=_("Focal point"),
                choices=people,
                required=False,
                help_text=_("Receives what is addressed to the institution (a representative)."),
            )
            self.fields["deputy"] = forms.ChoiceField(
                label=_("Deputy"),
                choices=people,
                required=False,
                help_text=_("Gets a copy when the focal point has not acted by the reminder."),
            )

    @staticmethod
    def initial_from(institution: Institution) -> dict:
        return {
            "focal_point": str(institution.focal_point_id or ""),
            "deputy": str(institution.deputy_id or ""),
            "name": institution.name,
            "acronym": institution.acronym,
            "kind": institution.kind,
            "country": institution.country_id,
            "website": institution.website,
            "description": institution.description,
            "language": institution.language,
            "focus_areas": [f.slug for f in institution.focus_areas.all()],
        }


class ApplicationForm(InstitutionForm):
    motivation = forms.CharField(
        label=_("Why does the institution want to join?"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ExpertForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    title = forms.CharField(label=_("Position"), max_length=300, required=False)
    country = forms.ChoiceField(label=_("Country"))
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        help_text=_("ISO codes separated by commas, e.g. en, ru, kk"),
    )
    bio = forms.CharField(
        label=_("Short bio"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )
    visibility = forms.ChoiceField(label=_("Profile visibility"), choices=Visibility.choices)
    focus_areas = forms.MultipleChoiceField(
        label=_("Focus areas"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _country_choices()
        self.fields["focus_areas"].choices = _focus_choices()

    def with_institution_choice(self, user) -> "ExpertForm":
        """A new profile's institution: any member for the secretariat, their own for a
        representative."""
        members = Institution.objects.filter(is_member=True)
        if not user.is_secretariat:
            members = members.filter(pk=user.institution_id)
        self.fields["institution"] = forms.ChoiceField(
            label=_("Affiliation"), choices=[(i.pk, i.name) for i in members]
        )
        self.order_fields(["name", "institution"])
        return self

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["languages"] = [x.strip() for x in data.get("languages", "").split(",") if x.strip()]
        return data
