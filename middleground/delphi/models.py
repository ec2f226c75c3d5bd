"""Delphi studies: items, rounds, a pseudonymous panel and its answers.

Anonymity is structural. Answers belong to a :class:`Panellist`, a per-study pseudonym that
carries no link to a person. The only table that maps a pseudonym to a person is
:class:`PanelSeat`; it is not registered in the admin, never serialised by a page, an
export or the API, and read only by the services that need it (answering, reminders,
the secretariat's done/not-done list, per-group statistics).
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from middleground.core.slugs import unique_slug
from middleground.translations.languages import CODE_MAX, content_language_choices

#: Longest texts a person may type (refused beyond, never cut): answers, rationales, reasons
ANSWER_MAX = 4000
TITLE_MAX = 300
QUESTION_MAX = 10_000
ITEM_TEXT_MAX = 2000
NOTE_MAX = 4000
#: a topic, a scale label or a ranking option
LABEL_MAX = 200
UNIT_MAX = 40


class StudyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")
    SUPERSEDED = "superseded", _("Superseded by a new version")


class StudyMode(models.TextChoices):
    ROUNDS = "rounds", _("Rounds")
    REALTIME = "realtime", _("Real-time (no rounds)")


class Anonymity(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anonymous: nobody can link an answer to a person")
    NAMED = "named", _("Named: the secretariat sees who gave which answer")


class Study(models.Model):
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    slug = models.SlugField(max_length=320, unique=True)
    question = models.TextField(_("question and background"), max_length=QUESTION_MAX)
    #: the language the study (and its items) is written in
    language = models.CharField(
        _("language"), max_length=CODE_MAX, choices=content_language_choices, default="en"
    )
    topics = models.JSONField(
        _("expertise topics"),
        default=list,
        blank=True,
        help_text=_("Panellists may rate their own expertise on each topic."),
    )
    focus_area = models.ForeignKey(
        "network.FocusArea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_force = models.ForeignKey(
        "network.TaskForce",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delphi_studies",
        verbose_name=_("task force"),
    )
    mode = models.CharField(
        _("mode"), max_length=10, choices=StudyMode.choices, default=StudyMode.ROUNDS
    )
    anonymity = models.CharField(
        _("anonymity"), max_length=10, choices=Anonymity.choices, default=Anonymity.ANONYMOUS
    )
    max_rounds = models.PositiveSmallIntegerField(_("maximum number of rounds"), default=3)
    stop_when_stable = models.BooleanField(
        _("stop early when every remaining item is stable"), default=True
    )
    max_cv_change = models.FloatField(_("stability: largest change of CV"), default=0.1)
    drop_consensus_items = models.BooleanField(
        _("items that reached consensus leave the next round"), default=True
    )
    round_days = models.PositiveSmallIntegerField(_("days per round"), default=14)
    # The pre-registered consensus rules (ConsensusRules.to_dict()); editable while a draft,
    # locked when the study launches (rules_locked_at set).
    rules = models.JSONField(_("consensus rules"), null=True, blank=True)
    rules_locked_at = models.DateTimeField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=StudyStatus.choices, default=StudyStatus.DRAFT
    )
    stop_reason = models.CharField(max_length=300, blank=True)
    is_published = models.BooleanField(_("results public"), default=False)
    is_simulated = models.BooleanField(_("simulated answers (demo)"), default=False)
    version = models.PositiveSmallIntegerField(default=1)
    previous_version = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_version"
    )
    version_note = models.TextField(_("why this version"), blank=True, max_length=NOTE_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    launched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("studies")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Study, self.title, exclude_pk=self.pk, fallback="study")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("delphi:study", args=[self.slug])

    @property
    def is_draft(self) -> bool:
        return self.status == StudyStatus.DRAFT

    @property
    def is_running(self) -> bool:
        return self.status == StudyStatus.RUNNING

    @property
    def is_realtime(self) -> bool:
        return self.mode == StudyMode.REALTIME

    @property
    def is_named(self) -> bool:
        return self.anonymity == Anonymity.NAMED

    def open_round(self) -> "Round | None":
        return self.rounds.filter(closed_at__isnull=True).order_by("-number").first()

    def last_round(self) -> "Round | None":
        return self.rounds.order_by("-number").first()


class ItemKind(models.TextChoices):
    LIKERT = "likert", _("Likert scale")
    NUMERIC = "numeric", _("Numeric estimate")
    RANKING = "ranking", _("Ranking of options")
    PAIR = "pair", _("Desirability × feasibility")
    TEXT = "text", _("Free text")


class Item(models.Model):
    """A statement or question. ``config`` holds the scale:

    likert/pair ``{"points": 5|7|9, "labels": [...]}``; numeric
    ``{"lower", "upper", "unit", "bins"}``; ranking ``{"options": [{"id", "label"}]}``.
    The item is asked from round ``first_round`` until ``last_round`` (when it reached
    consensus and left the panel, or the secretariat retired it).
    """

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("type"), max_length=10, choices=ItemKind.choices)
    text = models.TextField(_("statement or question"), max_length=ITEM_TEXT_MAX)
    config = models.JSONField(default=dict, blank=True)
    first_round = models.PositiveSmallIntegerField(default=1)
    last_round = models.PositiveSmallIntegerField(null=True, blank=True)
    source_item = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="derived_items"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    def asked_in(self, number: int) -> bool:
        return self.first_round <= number and (self.last_round is None or number <= self.last_round)

    @property
    def options(self) -> list[dict]:
        return list(self.config.get("options", []))

    @property
    def points(self) -> int | None:
        return self.config.get("points")

    @property
    def labels(self) -> list[str]:
        return list(self.config.get("labels") or [])

    @property
    def shown_labels(self) -> list[str]:
        """The labels as pages show them: a default scale in the reader's language."""
        from .scales import shown_labels  # scales builds on these models

        return shown_labels(self.config)


class Round(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["study", "number"]
        constraints = [
            models.UniqueConstraint(fields=["study", "number"], name="delphi_round_unique")
        ]

    def __str__(self) -> str:
        return f"{self.study} · round {self.number}"

    @property
    def is_open(self) -> bool:
        if self.closed_at is not None:
            return False
        return self.closes_at is None or self.closes_at > timezone.now()


def new_pseudonym() -> str:
    return "P-" + secrets.token_hex(4).upper()


class Panellist(models.Model):
    """A panel member as the statistics see them: a per-study pseudonym, no person.

    ``groups`` keeps the declared groups for per-group statistics (regional group, blocs,
    institution type), copied from the registry when the person joins. It is used only in
    aggregates with a minimum group size and never exported next to the pseudonym.
    """

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="panellists")
    pseudonym = models.CharField(max_length=20, default=new_pseudonym)
    expertise = models.JSONField(default=dict, blank=True)
    groups = models.JSONField(default=dict, blank=True)
    is_simulated = models.BooleanField(default=False)

    class Meta:
        ordering = ["study", "pseudonym"]
        constraints = [
            models.UniqueConstraint(fields=["study", "pseudonym"], name="delphi_pseudonym_unique")
        ]

    def __str__(self) -> str:
        return self.pseudonym


class PanelSeat(models.Model):
    """The pseudonym -> person table. Not in the admin; never serialised anywhere."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    panellist = models.OneToOneField(Panellist, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["study", "user"], name="delphi_seat_unique")]

    def __str__(self) -> str:  # deliberately says nothing about the pseudonym
        return "panel seat"


class PanelInvite(models.Model):
    """An invitation to the panel. People without an account get the foundation's
    single-use link (``invitation``); the seat is created when their account exists."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="invites")
    email = models.EmailField(_("e-mail"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    invitation = models.ForeignKey(
        "accounts.Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["study", "email"], name="delphi_invite_unique")
        ]

    def __str__(self) -> str:  # no e-mail: the admin lists invites beside pseudonyms
        return "panel invitation"


class Answer(models.Model):
    """One panellist's answer to one item in one round, under the study pseudonym.

    ``value``: likert int, numeric float, ranking list of option ids (best first), pair
    ``{"desirability": int, "feasibility": int}``, text str.

    ``published_value`` and ``published_rationale`` are what an *open* round shows: a copy
    taken when the round's answers are published in a batch (``services.publish_batch``),
    null until then. Closed rounds show ``value`` and ``rationale``.
    """

    panellist = models.ForeignKey(Panellist, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="answers")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField()
    rationale = models.TextField(_("rationale"), blank=True, max_length=ANSWER_MAX)
    outside_reason = models.TextField(
        _("reason for an answer outside the IQR"), blank=True, max_length=ANSWER_MAX
    )
    published_value = models.JSONField(null=True, blank=True, editable=False)
    published_rationale = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["round", "item", "panellist__pseudonym"]
        constraints = [
            models.UniqueConstraint(
                fields=["panellist", "item", "round"], name="delphi_answer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.panellist} · {self.item_id} · r{self.round.number}"


class Reminder(models.Model):
    """One reminder e-mail sent to one person for one round on one day (never twice)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "user", "day"], name="delphi_reminder_once")
        ]

    def __str__(self) -> str:
        return f"reminder {self.day}"
