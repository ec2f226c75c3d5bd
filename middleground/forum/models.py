"""The forum: events, their programme, registration with delegations, and live rooms.

An :class:`Event` has :class:`Session` rows (nested agenda items through ``parent``) with
:class:`Speaker` rows (from the registry or guests). People register with a
:class:`RegistrationType` (capacity, the sessions it includes); over capacity they wait,
first come first served, and are promoted when a place frees. A member institution's
:class:`Delegation` has a quota and a head who names delegates and substitutes. A session's
:class:`LiveRoom` ties it to an ordinary consultation that the audience joins by a short code.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from middleground.translations.languages import CODE_MAX, content_language_choices

NAME_MAX = 300
TEXT_MAX = 20_000
#: unambiguous characters for codes read off a screen or a badge (no 0/O, 1/I/L)
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


class EventKind(models.TextChoices):
    FORUM = "forum", _("Forum")
    CONFERENCE = "conference", _("Conference")
    MEETING = "meeting", _("Task-force meeting")


class EventVisibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    NETWORK = "network", _("Network members only")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class Event(models.Model):
    name = models.CharField(_("name"), max_length=NAME_MAX)
    slug = models.SlugField(max_length=320, unique=True)
    kind = models.CharField(
        _("kind"), max_length=12, choices=EventKind.choices, default=EventKind.FORUM
    )
    theme = models.CharField(_("theme"), max_length=NAME_MAX, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX)
    #: the language the name and description are written in (``languages``: those spoken)
    language = models.CharField(
        _("language"), max_length=CODE_MAX, choices=content_language_choices, default="en"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    #: IANA name; times are stored in UTC and shown (and written to iCalendar) in this zone
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Almaty")
    venue = models.CharField(_("venue"), max_length=NAME_MAX, blank=True)
    city = models.CharField(_("city"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    organisers = models.ManyToManyField(
        "network.Institution",
        blank=True,
        related_name="organised_events",
        verbose_name=_("organisers"),
    )
    focus_areas = models.ManyToManyField(
        "network.FocusArea", blank=True, related_name="events", verbose_name=_("focus areas")
    )
    task_force = models.ForeignKey(
        "network.TaskForce",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("task force"),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=EventVisibility.choices,
        default=EventVisibility.PUBLIC,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    registration_open = models.BooleanField(_("registration open"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:event", args=[self.slug])


class PartnerKind(models.TextChoices):
    HOST = "host", _("Host")
    STRATEGIC = "strategic", _("Strategic partner")
    PARTNER = "partner", _("Partner")
    MEDIA = "media", _("Media partner")


class Partner(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="partners")
    institution = models.ForeignKey(
        "network.Institution", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=NAME_MAX, blank=True)
    kind = models.CharField(
        _("type"), max_length=12, choices=PartnerKind.choices, default=PartnerKind.PARTNER
    )
    #: higher weights are listed first within a type
    weight = models.PositiveSmallIntegerField(_("weight"), default=0)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["kind", "-weight", "name"]

    def __str__(self) -> str:
        return self.name or str(self.institution)


class Speaker(models.Model):
    """A person on an event's programme: from the registry (``expert`` / ``user``) or a guest."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=220)
    position = models.CharField(_("position"), max_length=NAME_MAX, blank=True)
    institution = models.ForeignKey(
        "network.Institution", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    affiliation = models.CharField(_("affiliation"), max_length=NAME_MAX, blank=True)
    bio = models.TextField(_("short bio"), blank=True, max_length=4_000)
    expert = models.ForeignKey(
        "network.Expert", null=True, blank=True, on_delete=models.SET_NULL, related_name="talks"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="speaker_slug_per_event")
        ]

    def __str__(self) -> str:
        return self.name


class SessionFormat(models.TextChoices):
    PLENARY = "plenary", _("Plenary")
    PANEL = "panel", _("Panel")
    ROUNDTABLE = "roundtable", _("Round table")
    WORKSHOP = "workshop", _("Workshop")
    MEETING = "meeting", _("Meeting")


class Session(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    #: an agenda item inside a session
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="agenda_items"
    )
    title = models.CharField(_("title"), max_length=NAME_MAX)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.CharField(_("room"), max_length=200, blank=True)
    track = models.CharField(_("track"), max_length=200, blank=True)
    format = models.CharField(
        _("format"), max_length=12, choices=SessionFormat.choices, default=SessionFormat.PANEL
    )
    moderator = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.SET_NULL, related_name="moderated"
    )
    #: signed-in people who run the session's live room (besides the secretariat)
    hosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="hosted_sessions"
    )
    speakers = models.ManyToManyField(Speaker, blank=True, related_name="sessions")
    focus_areas = models.ManyToManyField("network.FocusArea", blank=True, related_name="+")
    language = models.CharField(_("language"), max_length=10, default="en")
    interpretation = models.JSONField(_("interpretation into"), default=list, blank=True)
    #: Chatham House rule: what is said may be used, but not attributed, on every output
    chatham_house = models.BooleanField(_("Chatham House rule"), default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:session", args=[self.event.slug, self.pk])


class RegistrationType(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registration_types")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4_000)
    #: places; None = unlimited
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    sessions = models.ManyToManyField(Session, blank=True, related_name="registration_types")
    #: only delegates named by a head of delegation may hold this type
    delegates_only = models.BooleanField(_("for delegations only"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Delegation(models.Model):
    """A member institution's delegation: a quota of delegates named by its head."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="delegations")
    institution = models.ForeignKey(
        "network.Institution", on_delete=models.PROTECT, related_name="delegations"
    )
    quota = models.PositiveSmallIntegerField(_("delegates"), default=3)
    substitutes_quota = models.PositiveSmallIntegerField(_("substitutes"), default=1)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_delegations",
        verbose_name=_("head of delegation"),
    )

    class Meta:
        ordering = ["event", "institution__name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "institution"], name="one_delegation")
        ]

    def __str__(self) -> str:
        return f"{self.institution} @ {self.event}"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    type = models.ForeignKey(
        RegistrationType, on_delete=models.PROTECT, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_registrations"
    )
    delegation = models.ForeignKey(
        Delegation, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    is_substitute = models.BooleanField(_("substitute"), default=False)
    status = models.CharField(max_length=10, choices=RegistrationStatus.choices)
    #: the badge code, checked at the door (and encoded in the QR code)
    code = models.CharField(max_length=12, unique=True, default="")
    #: first come, first served: the order of the waiting list
    queued_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    certificate_issued_at = models.DateTimeField(null=True, blank=True)
    #: the person's own agenda: the sessions they plan to attend
    agenda = models.ManyToManyField(Session, blank=True, related_name="agenda_of")

    class Meta:
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~Q(status="cancelled"),
                name="one_live_registration",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.event} ({self.status})"

    def save(self, *args, **kwargs):
        if not self.code:
            self.code = new_code(8)
        super().save(*args, **kwargs)


class CalendarFeed(models.Model):
    """A person's private agenda feed: the URL carries a token, revocable at any time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    #: SHA-256 of the token; the token itself is shown once
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"


class LiveRoom(models.Model):
    """A session's live consultation: the audience joins ``/live/<code>`` from their phones."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="live_room")
    consultation = models.OneToOneField(
        "consultations.Consultation", on_delete=models.PROTECT, related_name="live_room"
    )
    code = models.CharField(max_length=8, unique=True)
    #: the audience may join without an account (one identity per browser)
    allow_anonymous = models.BooleanField(_("join without an account"), default=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("live:audience", args=[self.code])

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None and self.closed_at is None


class Minutes(models.Model):
    """What a session produced: minutes, attendance and links to its outputs."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("minutes"), blank=True, max_length=50_000)
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    institutions = models.ManyToManyField(
        "network.Institution",
        blank=True,
        related_name="+",
        verbose_name=_("attending institutions"),
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"minutes of {self.session_id}"


class OutputKind(models.TextChoices):
    STATEMENT = "statement", _("Consensus statement")
    DOCUMENT = "document", _("Library document")
    PARAGRAPH = "paragraph", _("Strategy paragraph")


class SessionOutput(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(max_length=12, choices=OutputKind.choices)
    #: statement pk, document pk, or strategy paragraph key
    target = models.CharField(max_length=64)
    note = models.CharField(max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "kind", "target"], name="one_output_link")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target}"
