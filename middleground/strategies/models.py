"""Joint strategies: texts drafted by a task force, amended paragraph by paragraph, put to
institutions for endorsement, and published with a verifiable fingerprint.

The working text lives in :class:`Section` and :class:`Paragraph` rows. Every change to it
makes a :class:`Version`, a frozen snapshot of the whole text (``content``); a version put to
endorsement or adopted is *published*: its canonical serialisation (``canonical``) and its
SHA-256 (``sha256``) are fixed and never change again (``Version.save`` refuses).
Paragraphs keep a stable ``key`` across versions, so two versions compare paragraph by
paragraph even after insertions and deletions.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 300
SUMMARY_MAX = 5_000
PARAGRAPH_MAX = 10_000
COMMENT_MAX = 4_000
REASON_MAX = 2_000
RESERVATION_MAX = 4_000
ACTOR_MAX = 200
TIMELINE_MAX = 200


class StrategyKind(models.TextChoices):
    STRATEGY = "strategy", _("Joint strategy")
    COMMUNIQUE = "communique", _("Communiqué")


class StrategyStatus(models.TextChoices):
    DRAFTING = "drafting", _("Drafting")
    ENDORSEMENT = "endorsement", _("Open for endorsement")
    ADOPTED = "adopted", _("Adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class BreadthKind(models.TextChoices):
    REGIONAL_GROUPS = "regional_groups", _("UN regional groups")
    BLOCS = "blocs", _("Blocs")


class Strategy(models.Model):
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    slug = models.SlugField(max_length=320, unique=True)
    kind = models.CharField(
        _("kind"), max_length=12, choices=StrategyKind.choices, default=StrategyKind.STRATEGY
    )
    summary = models.TextField(_("summary"), blank=True, max_length=SUMMARY_MAX)
    task_force = models.ForeignKey(
        "network.TaskForce",
        on_delete=models.PROTECT,
        related_name="strategies",
        verbose_name=_("task force"),
    )
    focus_area = models.ForeignKey(
        "network.FocusArea",
        on_delete=models.PROTECT,
        related_name="strategies",
        verbose_name=_("focus area"),
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_strategies",
        verbose_name=_("drafting lead"),
    )
    #: the language the authentic text is written in; translations are separate strategies
    language = models.CharField(_("authentic language"), max_length=10, default="en")
    translation_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("translation of"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=StrategyStatus.choices, default=StrategyStatus.DRAFTING
    )
    # The breadth rule: at least ``breadth_min_per_group`` endorsing institutions in each of
    # at least ``breadth_min_groups`` regional groups (or blocs).
    breadth_kind = models.CharField(
        _("breadth counted over"),
        max_length=20,
        choices=BreadthKind.choices,
        default=BreadthKind.REGIONAL_GROUPS,
    )
    breadth_min_per_group = models.PositiveSmallIntegerField(
        _("endorsing institutions needed per group"), default=1
    )
    breadth_min_groups = models.PositiveSmallIntegerField(
        _("groups that must reach that number"), default=3
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = _("strategies")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategies:detail", args=[self.slug])

    @property
    def is_drafting(self) -> bool:
        return self.status == StrategyStatus.DRAFTING

    def latest_version(self) -> "Version | None":
        return self.versions.order_by("-number").first()

    def latest_published(self) -> "Version | None":
        return self.versions.filter(published_at__isnull=False).order_by("-number").first()


class Section(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=TITLE_MAX)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class ParagraphKind(models.TextChoices):
    NARRATIVE = "narrative", _("Narrative")
    RECOMMENDATION = "recommendation", _("Recommendation")


class Paragraph(models.Model):
    """One paragraph of the working text; ``deleted`` ones stay for history and amendments."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="paragraphs")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="paragraphs")
    #: stable across versions: the thread that ties a paragraph's versions together
    key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    position = models.PositiveIntegerField()
    kind = models.CharField(
        _("kind"), max_length=16, choices=ParagraphKind.choices, default=ParagraphKind.NARRATIVE
    )
    text = models.TextField(_("text"), max_length=PARAGRAPH_MAX)
    #: recommendations: the actors they address (names, e.g. "UN-Water", "member institutions")
    actors = models.JSONField(_("addressed to"), default=list, blank=True)
    timeline = models.CharField(_("timeline"), max_length=TIMELINE_MAX, blank=True)
    deleted = models.BooleanField(default=False)
    #: people credited for the current text (authors of accepted amendments)
    credits = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["section__position", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_recommendation(self) -> bool:
        return self.kind == ParagraphKind.RECOMMENDATION


class Version(models.Model):
    """A frozen snapshot of the whole text; published versions are immutable."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    #: the whole text: {"title", "sections": [{"title", "paragraphs": [{key, number, kind,
    #: text, actors, timeline, evidence: [...]}]}]}
    content = models.JSONField()
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    #: the exact bytes (UTF-8) whose SHA-256 is ``sha256``, served as they are by the API
    canonical = models.TextField(blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="strategy_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.strategy_id} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = Version.objects.filter(pk=self.pk, published_at__isnull=False).first()
            if stored is not None and (
                stored.content != self.content
                or stored.canonical != self.canonical
                or stored.sha256 != self.sha256
                or stored.published_at != self.published_at
            ):
                raise ValueError("A published version cannot change.")
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Comment(models.Model):
    """A task-force member's comment on a paragraph, or on an amendment to it."""

    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="comments")
    amendment = models.ForeignKey(
        "Amendment", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="strategy_comments"
    )
    text = models.TextField(_("comment"), max_length=COMMENT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class AmendmentKind(models.TextChoices):
    REPLACE = "replace", _("Replace the paragraph")
    INSERT_AFTER = "insert_after", _("Insert a new paragraph after it")
    DELETE = "delete", _("Delete the paragraph")


class AmendmentState(models.TextChoices):
    # Decidim's states
    DRAFT = "draft", _("Draft")
    EVALUATING = "evaluating", _("Evaluating")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Amendment(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="amendments")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="amendments")
    kind = models.CharField(_("change"), max_length=12, choices=AmendmentKind.choices)
    #: the proposed text (replace, insert_after); empty for delete
    text = models.TextField(_("proposed text"), blank=True, max_length=PARAGRAPH_MAX)
    #: an inserted paragraph's kind, actors and timeline
    new_kind = models.CharField(
        max_length=16, choices=ParagraphKind.choices, default=ParagraphKind.NARRATIVE
    )
    actors = models.JSONField(default=list, blank=True)
    timeline = models.CharField(max_length=TIMELINE_MAX, blank=True)
    explanation = models.TextField(_("why"), blank=True, max_length=COMMENT_MAX)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="strategy_amendments"
    )
    state = models.CharField(
        max_length=12, choices=AmendmentState.choices, default=AmendmentState.EVALUATING
    )
    #: the version and the paragraph text the amendment was written against
    base_version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="+")
    base_text = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=REASON_MAX)
    #: the version an accepted amendment produced
    result_version = models.ForeignKey(
        Version, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: a rejected amendment promoted by its author to a new proposal
    promoted_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="promotions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ¶{self.paragraph_id}"

    @property
    def is_open(self) -> bool:
        return self.state in (AmendmentState.DRAFT, AmendmentState.EVALUATING)


class EvidenceKind(models.TextChoices):
    STATEMENT = "statement", _("Consultation statement")
    DELPHI_ITEM = "delphi_item", _("Delphi item")
    DOCUMENT = "document", _("Library document")


class Evidence(models.Model):
    """A recommendation's citation, with the figures frozen at the moment it was cited."""

    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=12, choices=EvidenceKind.choices)
    #: the cited object's id (statement pk, Delphi item pk, document pk)
    source_id = models.PositiveBigIntegerField()
    #: the frozen figures, title and link, with the analysis version they came from
    snapshot = models.JSONField()
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("note"), max_length=500, blank=True)
    cited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    cited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cited_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id}"


class EndorsementCall(models.Model):
    """A published version put to the member institutions, with a deadline."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="endorsement_calls"
    )
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="calls")
    deadline = models.DateTimeField(_("deadline"))
    #: adopted unless an institution breaks silence (dissociates) by the deadline
    silence_procedure = models.BooleanField(_("silence procedure"), default=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    adopted = models.BooleanField(null=True)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.strategy_id} v{self.version_id} until {self.deadline:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Position(models.TextChoices):
    ENDORSE = "endorse", _("Endorse")
    ENDORSE_WITH_RESERVATION = "endorse_with_reservation", _("Endorse with a reservation")
    TAKE_NOTE = "take_note", _("Take note")
    DISSOCIATE = "dissociate", _("Dissociate")


ENDORSING = (Position.ENDORSE, Position.ENDORSE_WITH_RESERVATION)


class Endorsement(models.Model):
    """An institution's position on a call. Append-only: a change adds a row and marks the
    previous one superseded, so every change is kept."""

    call = models.ForeignKey(EndorsementCall, on_delete=models.CASCADE, related_name="endorsements")
    institution = models.ForeignKey(
        "network.Institution", on_delete=models.PROTECT, related_name="endorsements"
    )
    position = models.CharField(max_length=30, choices=Position.choices)
    reservation = models.TextField(_("reservation"), blank=True, max_length=RESERVATION_MAX)
    #: paragraph numbers the reservation concerns (optional)
    reservation_paragraphs = models.JSONField(default=list, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)
    current = models.BooleanField(default=True)

    class Meta:
        ordering = ["call", "institution", "-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "institution"],
                condition=Q(current=True),
                name="one_current_position",
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution_id}: {self.position}"
