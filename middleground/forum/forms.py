"""Forms of the programme pages. Times are typed as wall-clock times in the event's zone."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from middleground.network.models import Expert, FocusArea, Institution, TaskForce
from middleground.translations.languages import active_language, content_language_choices

from .models import (
    Event,
    EventKind,
    EventVisibility,
    PartnerKind,
    Session,
    SessionFormat,
    Speaker,
)


class LocalDateTimeField(forms.Field):
    """A ``datetime-local`` input, kept naive: the service reads it in the event's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value
        try:
            return dt.datetime.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise forms.ValidationError(_("Enter a date and time.")) from exc


def local(value: dt.datetime | None, zone: str) -> dt.datetime | None:
    """An aware datetime as the naive wall-clock time in ``zone`` (for a form's initial)."""
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None) if value else None


def _codes(text: str) -> list[str]:
    return [c.strip().lower() for c in (text or "").replace(";", ",").split(",") if c.strip()]


class EventForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    theme = forms.CharField(label=_("Theme"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    language = forms.ChoiceField(
        label=_("Language of the name and description"),
        choices=content_language_choices,
        required=False,
        help_text=_("The languages spoken at the event are listed under Languages below."),
    )
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        initial="Asia/Almaty",
        help_text=_("An IANA name, such as Asia/Almaty or Europe/Brussels."),
    )
    starts_at = LocalDateTimeField(label=_("Starts (in the event's time zone)"))
    ends_at = LocalDateTimeField(label=_("Ends (in the event's time zone)"))
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    city = forms.CharField(label=_("City"), max_length=200, required=False)
    online_url = forms.CharField(label=_("Online link"), max_length=200, required=False)
    organisers = forms.ModelMultipleChoiceField(
        label=_("Organisers"),
        queryset=Institution.objects.filter(is_member=True).order_by("name"),
        required=False,
    )
    focus_areas = forms.ModelMultipleChoiceField(
        label=_("Focus areas"), queryset=FocusArea.objects.order_by("name"), required=False
    )
    task_force = forms.ModelChoiceField(
        label=_("Task force"), queryset=TaskForce.objects.order_by("name"), required=False
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        initial="en, ru, kk",
        help_text=_("Language codes, separated by commas."),
    )
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=EventVisibility.choices)
    registration_open = forms.BooleanField(label=_("Registration open"), required=False)

    @classmethod
    def initial_from(cls, event: Event) -> dict[str, Any]:
        return {
            "name": event.name,
            "kind": event.kind,
            "theme": event.theme,
            "description": event.description,
            "language": event.language,
            "time_zone": event.time_zone,
            "starts_at": local(event.starts_at, event.time_zone),
            "ends_at": local(event.ends_at, event.time_zone),
            "venue": event.venue,
            "city": event.city,
            "online_url": event.online_url,
            "organisers": list(event.organisers.all()),
            "focus_areas": list(event.focus_areas.all()),
            "task_force": event.task_force,
            "languages": ", ".join(event.languages),
            "visibility": event.visibility,
            "registration_open": event.registration_open,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("language", active_language())  # new content: its creator's

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["languages"] = _codes(data.get("languages", ""))
        return data


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    parent = forms.ModelChoiceField(
        label=_("Part of session"),
        queryset=Session.objects.none(),
        required=False,
        help_text=_("Leave empty for a session; choose one to add an agenda item to it."),
    )
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    room = forms.CharField(label=_("Room"), max_length=200, required=False)
    track = forms.CharField(label=_("Track"), max_length=200, required=False)
    format = forms.ChoiceField(label=_("Format"), choices=SessionFormat.choices)
    moderator = forms.ModelChoiceField(
        label=_("Moderator"), queryset=Speaker.objects.none(), required=False
    )
    speakers = forms.ModelMultipleChoiceField(
        label=_("Speakers"),
        queryset=Speaker.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    focus_areas = forms.ModelMultipleChoiceField(
        label=_("Focus areas"),
        queryset=FocusArea.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.CharField(label=_("Language"), max_length=10, initial="en")
    interpretation = forms.CharField(
        label=_("Interpretation into"),
        required=False,
        help_text=_("Language codes, separated by commas."),
    )
    chatham_house = forms.BooleanField(
        label=_("Chatham House rule"),
        required=False,
        help_text=_("What is said may be used, but no output names a speaker or institution."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, event: Event, session: Session | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.event = event
        zone = event.time_zone
        self.fields["starts_at"].label = _("Starts (%(zone)s)") % {"zone": zone}
        self.fields["ends_at"].label = _("Ends (%(zone)s)") % {"zone": zone}
        parents = event.sessions.filter(parent__isnull=True)
        if session is not None:
            parents = parents.exclude(pk=session.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["moderator"].queryset = event.speakers.all()  # type: ignore[attr-defined]
        self.fields["speakers"].queryset = event.speakers.all()  # type: ignore[attr-defined]

    @classmethod
    def initial_from(cls, session: Session) -> dict[str, Any]:
        zone = session.event.time_zone
        return {
            "title": session.title,
            "parent": session.parent,
            "starts_at": local(session.starts_at, zone),
            "ends_at": local(session.ends_at, zone),
            "room": session.room,
            "track": session.track,
            "format": session.format,
            "moderator": session.moderator,
            "speakers": list(session.speakers.all()),
            "focus_areas": list(session.focus_areas.all()),
            "language": session.language,
            "interpretation": ", ".join(session.interpretation),
            "chatham_house": session.chatham_house,
            "description": session.description,
        }

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["interpretation"] = _codes(data.get("interpretation", ""))
        return data


class SpeakerForm(forms.Form):
    expert = forms.ModelChoiceField(
        label=_("From the registry"),
        queryset=Expert.objects.order_by("name"),
        required=False,
        help_text=_("Or leave empty and name a guest below."),
    )
    name = forms.CharField(label=_("Guest's name"), max_length=200, required=False)
    position = forms.CharField(label=_("Position"), max_length=300, required=False)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=300, required=False)
    bio = forms.CharField(
        label=_("Short bio"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PartnerForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.order_by("name"),
        required=False,
    )
    partner_name = forms.CharField(label=_("Or a name"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=PartnerKind.choices)
    weight = forms.IntegerField(
        label=_("Weight"),
        min_value=0,
        max_value=1000,
        initial=0,
        help_text=_("Higher weights are listed first within a type."),
    )
    url = forms.CharField(label=_("Web address"), max_length=200, required=False)


class ProgrammeFilterForm(forms.Form):
    track = forms.ChoiceField(label=_("Track"), required=False)
    room = forms.ChoiceField(label=_("Room"), required=False)
    focus_area = forms.ChoiceField(label=_("Focus area"), required=False)

    def __init__(self, *args: Any, event: Event, **kwargs: Any):
        super().__init__(*args, **kwargs)
        sessions = event.sessions.filter(parent__isnull=True)
        everything = [("", _("All"))]
        tracks = sorted({t for t in sessions.values_list("track", flat=True) if t})
        rooms = sorted({r for r in sessions.values_list("room", flat=True) if r})
        areas = FocusArea.objects.filter(
            pk__in=sessions.values_list("focus_areas", flat=True)
        ).order_by("name")
        self.fields["track"].choices = everything + [(t, t) for t in tracks]  # type: ignore[attr-defined]
        self.fields["room"].choices = everything + [(r, r) for r in rooms]  # type: ignore[attr-defined]
        self.fields["focus_area"].choices = everything + [(a.slug, a.name) for a in areas]  # type: ignore[attr-defined]
