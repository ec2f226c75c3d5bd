"""Consultations: statements, participants, votes (current and history), analysis results."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from middleground.translations.languages import CODE_MAX, content_language_choices

STATEMENT_MAX_LENGTH = 400


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    NETWORK = "network", _("Network members")
    INVITED = "invited", _("Invited participants only")


class Anonymity(models.TextChoices):
    NAMED = "named", _("Named: authors are shown by name")
    PSEUDONYMOUS = "pseudonymous", _("Pseudonymous: signed in, shown as a number")
    ANONYMOUS = "anonymous", _("Anonymous: no sign-in needed where public")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Published")
    # a Polis import still writing its batches: invisible everywhere until it is complete
    IMPORTING = "importing", _("Importing")


#: the statuses a person may choose (``importing`` is set only by the import)
CHOOSABLE_STATUSES = [
    (value, label) for value, label in Status.choices if value != Status.IMPORTING
]


class Moderation(models.TextChoices):
    BEFORE = "before", _("Before publication (statements wait for approval)")
    AFTER = "after", _("After publication (statements appear at once)")


class DeclaredDimension(models.TextChoices):
    REGIONAL_GROUP = "regional_group", _("UN regional group of the participant's country")
    INSTITUTION_KIND = "institution_kind", _("Type of the participant's institution")
    BLOC_BRICS = "bloc:BRICS", _("BRICS members and others")
    BLOC_SCO = "bloc:SCO", _("SCO members and others")
    BLOC_G20 = "bloc:G20", _("G20 members and others")
    BLOC_EU = "bloc:EU", _("EU members and others")
    BLOC_OIC = "bloc:OIC", _("OIC members and others")
    BLOC_AU = "bloc:AU", _("African Union members and others")
    BLOC_P5 = "bloc:P5", _("Permanent members (P5) and others")


class Consultation(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    question = models.TextField(_("question"), max_length=1000)
    context = models.TextField(_("context"), blank=True, max_length=10000)
    #: the language the consultation is written in; its statements too unless they say
    language = models.CharField(
        _("language"), max_length=CODE_MAX, choices=content_language_choices, default="en"
    )
    focus_areas = models.ManyToManyField(
        "network.FocusArea", blank=True, related_name="consultations", verbose_name=_("focus areas")
    )
    task_force = models.ForeignKey(
        "network.TaskForce",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
        verbose_name=_("task force"),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.NETWORK
    )
    anonymity = models.CharField(
        _("anonymity"), max_length=15, choices=Anonymity.choices, default=Anonymity.PSEUDONYMOUS
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    moderation = models.CharField(
        _("statement moderation"),
        max_length=10,
        choices=Moderation.choices,
        default=Moderation.AFTER,
    )
    participants_can_add = models.BooleanField(_("participants may add statements"), default=True)
    declared_dimension = models.CharField(
        _("declared groups"),
        max_length=20,
        choices=DeclaredDimension.choices,
        default=DeclaredDimension.REGIONAL_GROUP,
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="moderated_consultations",
        verbose_name=_("moderators"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    simulated = models.BooleanField(_("contains simulated votes"), default=False)
    attribution = models.TextField(_("source and attribution"), blank=True, max_length=10000)
    # counters for per-consultation numbers (Polis comment-id / voter-id); an UPDATE locks the row
    participant_counter = models.PositiveIntegerField(default=0)
    statement_counter = models.PositiveIntegerField(default=0)
    # debounce of the background analysis: at most one run queued at a time; the flag stays
    # set until a run has stored its result
    analysis_pending = models.BooleanField(default=False)
    analysis_requested_at = models.DateTimeField(null=True, blank=True)
    # bumped by every request for a run (F()): a run that sees it changed since it started
    # leaves the flag set and queues the next run
    analysis_requests = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", args=[self.slug])

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def allows_anonymous(self) -> bool:
        return self.visibility == Visibility.PUBLIC and self.anonymity == Anonymity.ANONYMOUS


class Invitee(models.Model):
    """Who may join an invited consultation: an existing user, or an e-mail invited to sign up."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="invitees"
    )
    email = models.EmailField(_("e-mail"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "email"], name="consultation_invitee")
        ]

    def __str__(self) -> str:
        return self.email


class Participant(models.Model):
    """One person in one consultation: a user or an anonymous cookie identity."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="participants"
    )
    number = models.PositiveIntegerField(_("participant number"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_participations",
    )
    cookie_id = models.CharField(max_length=64, blank=True, default="")
    # declared attributes copied from the registry when the participant joins
    country = models.CharField(max_length=2, blank=True)
    regional_group = models.CharField(max_length=10, blank=True)
    blocs = models.JSONField(default=list, blank=True)
    institution_kind = models.CharField(max_length=20, blank=True)
    simulated = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="consultation_participant_number"
            ),
            models.UniqueConstraint(
                fields=["consultation", "user"],
                condition=models.Q(user__isnull=False),
                name="consultation_participant_user",
            ),
            models.UniqueConstraint(
                fields=["consultation", "cookie_id"],
                condition=~models.Q(cookie_id=""),
                name="consultation_participant_cookie",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Statement(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="statements"
    )
    number = models.PositiveIntegerField(_("statement number"))
    text = models.TextField(_("statement"), max_length=STATEMENT_MAX_LENGTH)
    #: empty: written in the consultation's language
    language = models.CharField(
        _("language"),
        max_length=CODE_MAX,
        choices=content_language_choices,
        blank=True,
        default="",
    )
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    status = models.CharField(
        max_length=10, choices=StatementStatus.choices, default=StatementStatus.PENDING
    )
    is_seed = models.BooleanField(_("seed statement"), default=False)
    is_meta = models.BooleanField(_("meta statement"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="consultation_statement_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"

    @property
    def polis_moderated(self) -> int:
        if self.status == StatementStatus.ACCEPTED:
            return 1
        return -1 if self.status == StatementStatus.REJECTED else 0


class VoteValue(models.IntegerChoices):
    AGREE = 1, _("Agree")
    PASS = 0, _("Pass / unsure")
    DISAGREE = -1, _("Disagree")


class Vote(models.Model):
    """The current vote of one participant on one statement (one row per pair)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=VoteValue.choices)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "statement"], name="one_vote_per_pair"),
            models.CheckConstraint(
                condition=models.Q(value__in=[-1, 0, 1]), name="vote_value_in_range"
            ),
        ]
        indexes = [models.Index(fields=["consultation", "created_at"])]

    def __str__(self) -> str:
        return f"{self.participant_id}/{self.statement_id}: {self.value}"


class VoteEvent(models.Model):
    """Append-only history: every vote cast, including the ones later replaced.

    Ordered by id, which follows commit order per participant and statement (the row is
    written after the current vote is locked): a replay in this order ends on the stored vote.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="vote_events"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="vote_events"
    )
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="vote_events")
    value = models.SmallIntegerField(choices=VoteValue.choices)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.participant_id}/{self.statement_id}: {self.value} at {self.created_at}"


class AnalysisResult(models.Model):
    """One stored run of the consensus engine; the latest version is what pages show."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="analyses"
    )
    version = models.PositiveIntegerField()
    computed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    n_votes = models.PositiveIntegerField(default=0)
    n_participants = models.PositiveIntegerField(default=0)
    result = models.JSONField()
    k_smoothing = models.JSONField(default=dict)
    # routing priority per statement number, apart so that choosing a statement stays cheap
    priorities = models.JSONField(default=dict)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "version"], name="analysis_version")
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id} v{self.version}"
