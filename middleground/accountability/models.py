"""Commitments taken in a strategy and the compliance cycles that score them.

The method is the G20 Research Group's: a strategy's priority commitments, each addressed to
*members* (institutions, countries or partner organisations); for every member x commitment
an assessor scores compliance at an interim and a final point: -1 (no compliance), 0
(partial) or +1 (full), with a justification and sources. Two assessors may score the same
cell independently; a disagreement is reconciled by the secretariat with a note. The draft
scores go to the member concerned, who may accept or reply with a counter-argument before a
deadline (the right of reply); the secretariat then finalises, and a final cycle is frozen:
its canonical JSON and SHA-256 are fixed (as ``strategies.versioning`` does for versions).
A correction after that is a new, visible revision cycle, never an edit in place.

A cycle moves draft -> review -> final, never back and never skipping a step:

* ``draft``: assessors assigned to a commitment score its members;
* ``review``: scored cells are sent to the members concerned, who reply by ``reply_deadline``;
* ``final``: frozen.

Commitment statuses (as Decidim's accountability results): ``not_started``, ``in_progress``,
``completed`` and ``off_track`` (behind its deadline or its indicators).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TEXT_MAX = 10_000
GUIDE_MAX = 10_000
NOTE_MAX = 4_000
JUSTIFICATION_MAX = 10_000
CODE_MAX = 40
PARTNER_MAX = 200
MAX_SOURCES = 30
SCORES = (-1, 0, 1)


class CommitmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    OFF_TRACK = "off_track", _("Off track")


class Commitment(models.Model):
    strategy = models.ForeignKey(
        "strategies.Strategy", on_delete=models.PROTECT, related_name="commitments"
    )
    #: the recommendation paragraph it comes from (``strategies.Paragraph.key``), if any
    paragraph_key = models.UUIDField(null=True, blank=True)
    #: its number among the recommendations of the version it was taken from (1, 2, ...)
    recommendation_number = models.PositiveIntegerField(null=True, blank=True)
    #: a stable identifier for imports and exports, unique within the strategy (e.g. "R1")
    code = models.CharField(_("code"), max_length=CODE_MAX)
    text = models.TextField(_("commitment"), max_length=TEXT_MAX)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    indicators = models.TextField(_("what counts as compliance"), blank=True, max_length=GUIDE_MAX)
    guideline = models.TextField(_("scoring guideline"), blank=True, max_length=GUIDE_MAX)
    focus_area = models.ForeignKey(
        "network.FocusArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("focus area"),
    )
    #: SDG targets served, as strings such as "6.5"
    sdg_targets = models.JSONField(_("SDG targets"), default=list, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    weight = models.FloatField(_("weight"), default=1.0)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.NOT_STARTED,
    )
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["strategy", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "code"], name="commitment_code"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="commitment_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"


class MemberKind(models.TextChoices):
    INSTITUTION = "institution", _("Institution")
    COUNTRY = "country", _("Country")
    PARTNER = "partner", _("Partner organisation")


class CommitmentMember(models.Model):
    """Who a commitment binds: exactly one of an institution, a country or a partner name."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="members")
    institution = models.ForeignKey(
        "network.Institution", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey(
        "network.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    partner = models.CharField(_("partner organisation"), max_length=PARTNER_MAX, blank=True)
    #: set when the member said nothing (no self-report, no reply) during a final cycle
    silent_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["commitment", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(institution__isnull=False, country__isnull=True, partner="")
                    | Q(institution__isnull=True, country__isnull=False, partner="")
                    | (Q(institution__isnull=True, country__isnull=True) & ~Q(partner=""))
                ),
                name="member_exactly_one_kind",
            ),
            models.UniqueConstraint(
                fields=["commitment", "institution"],
                condition=Q(institution__isnull=False),
                name="member_institution_once",
            ),
            models.UniqueConstraint(
                fields=["commitment", "country"],
                condition=Q(country__isnull=False),
                name="member_country_once",
            ),
            models.UniqueConstraint(
                fields=["commitment", "partner"],
                condition=~Q(partner=""),
                name="member_partner_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kind(self) -> str:
        if self.institution_id is not None:
            return MemberKind.INSTITUTION
        if self.country_id is not None:
            return MemberKind.COUNTRY
        return MemberKind.PARTNER

    @property
    def name(self) -> str:
        if self.institution is not None:
            return self.institution.name
        if self.country is not None:
            return self.country.name
        return self.partner

    def member_key(self) -> str:
        """The member in the matrix: ``institution:<id>``, ``country:<code>`` or
        ``partner:<name>`` — the same across commitments, so rows add up per member."""
        if self.institution_id is not None:
            return f"institution:{self.institution_id}"
        if self.country_id is not None:
            return f"country:{self.country_id}"
        return f"partner:{self.partner}"

    @property
    def member_id(self) -> int | str:
        if self.institution_id is not None:
            return self.institution_id
        if self.country_id is not None:
            return self.country_id
        return self.partner


class CycleKind(models.TextChoices):
    INTERIM = "interim", _("Interim")
    FINAL = "final", _("Final")


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft: assessors score")
    REVIEW = "review", _("Review: members may reply")
    FINAL = "final", _("Final")


#: The order of the workflow; a cycle's status never moves back (``Cycle.save``).
_STEP = {CycleStatus.DRAFT: 0, CycleStatus.REVIEW: 1, CycleStatus.FINAL: 2}
#: What a final cycle keeps as it was frozen.
_FROZEN = ("status", "canonical", "sha256", "finalised_at", "revision", "kind")


class RollUp(models.TextChoices):
    MEAN = "mean", _("Plain average")
    WEIGHTED = "weighted", _("Weighted by commitment weight")


class Cycle(models.Model):
    strategy = models.ForeignKey(
        "strategies.Strategy", on_delete=models.PROTECT, related_name="compliance_cycles"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CycleKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=CycleStatus.choices, default=CycleStatus.DRAFT
    )
    roll_up = models.CharField(
        _("roll-up"), max_length=10, choices=RollUp.choices, default=RollUp.MEAN
    )
    #: demo data: made-up scores, labelled as such wherever shown
    simulated = models.BooleanField(_("simulated"), default=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reply_deadline = models.DateTimeField(_("reply deadline"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    silence_checked_at = models.DateTimeField(null=True, blank=True)
    #: the exact bytes (UTF-8) whose SHA-256 is ``sha256``, fixed when the cycle is final
    canonical = models.TextField(blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    #: a correction of a final cycle is a new cycle: the one it corrects, and its number
    revision_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions"
    )
    revision = models.PositiveIntegerField(default=0)
    note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX)

    class Meta:
        ordering = ["strategy", "opened_at", "pk"]

    def __str__(self) -> str:
        label = f"{self.strategy_id} {self.kind} #{self.pk}"
        return f"{label} r{self.revision}" if self.revision else label

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = Cycle.objects.filter(pk=self.pk).only(*_FROZEN).first()
            if stored is not None and stored.status == CycleStatus.FINAL:
                if any(getattr(stored, f) != getattr(self, f) for f in _FROZEN):
                    raise ValueError("A final cycle cannot change.")
            elif stored is not None and _STEP.get(self.status, 0) < _STEP.get(stored.status, 0):
                # draft -> review -> final, never back (a final cycle is caught above)
                raise ValueError("A cycle's status only moves forward.")
        super().save(*args, **kwargs)

    @property
    def is_final(self) -> bool:
        return self.status == CycleStatus.FINAL


class Assignment(models.Model):
    """An assessor of a commitment in a cycle; two slots for two independent assessors."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="assignments")
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="compliance_assignments"
    )
    slot = models.PositiveSmallIntegerField(default=1)
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle", "commitment", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "commitment", "slot"], name="assignment_slot"),
            models.UniqueConstraint(
                fields=["cycle", "commitment", "assessor"], name="assignment_assessor_once"
            ),
            models.CheckConstraint(condition=Q(slot__in=[1, 2]), name="assignment_slot_1_or_2"),
        ]

    def __str__(self) -> str:
        return (
            f"cycle {self.cycle_id}: {self.assessor_id} on {self.commitment_id} (slot {self.slot})"
        )


class Assessment(models.Model):
    """One assessor's score of one member on one commitment, with why and where from."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="assessments")
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(CommitmentMember, on_delete=models.CASCADE, related_name="+")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    score = models.SmallIntegerField(_("score"))
    justification = models.TextField(_("justification"), max_length=JUSTIFICATION_MAX)
    #: library document ids (integers) and/or http(s) URLs
    sources = models.JSONField(_("sources"), default=list, blank=True)
    at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cycle", "commitment", "member", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "commitment", "member", "assessor"], name="assessment_once"
            ),
            models.CheckConstraint(condition=Q(score__in=SCORES), name="assessment_score_range"),
        ]

    def __str__(self) -> str:
        return f"cycle {self.cycle_id}: {self.member_id} scored {self.score}"


class CellStatus(models.TextChoices):
    UNSCORED = "unscored", _("Not scored yet")
    SCORED = "scored", _("Scored")
    DISAGREEMENT = "disagreement", _("Assessors disagree")
    RECONCILED = "reconciled", _("Reconciled")
    FINAL = "final", _("Final")


class ReplyStatus(models.TextChoices):
    NONE = "none", _("Not sent")
    PENDING = "pending", _("Awaiting the member's reply")
    ACCEPTED = "accepted", _("Accepted by the member")
    REPLIED = "replied", _("The member replied")
    NO_REPLY = "no_reply", _("No reply by the deadline")


class CellResult(models.Model):
    """The agreed result of one member x commitment in a cycle: draft, reply, final."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="cells")
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(CommitmentMember, on_delete=models.CASCADE, related_name="cells")
    draft_score = models.SmallIntegerField(null=True, blank=True)
    reconciliation_note = models.TextField(blank=True, max_length=NOTE_MAX)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_status = models.CharField(
        max_length=10, choices=ReplyStatus.choices, default=ReplyStatus.NONE
    )
    final_score = models.SmallIntegerField(null=True, blank=True)
    final_note = models.TextField(blank=True, max_length=NOTE_MAX)
    status = models.CharField(
        max_length=14, choices=CellStatus.choices, default=CellStatus.UNSCORED
    )

    class Meta:
        ordering = ["cycle", "commitment__position", "commitment_id", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "commitment", "member"], name="cell_once"),
            models.CheckConstraint(
                condition=Q(draft_score__isnull=True) | Q(draft_score__in=SCORES),
                name="cell_draft_score_range",
            ),
            models.CheckConstraint(
                condition=Q(final_score__isnull=True) | Q(final_score__in=SCORES),
                name="cell_final_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"cycle {self.cycle_id}: {self.commitment_id} x {self.member_id}"

    def save(self, *args, **kwargs):
        if (
            self.pk is not None
            and Cycle.objects.filter(pk=self.cycle_id, status=CycleStatus.FINAL).exists()
        ):
            raise ValueError("The cells of a final cycle cannot change.")
        super().save(*args, **kwargs)


class Reply(models.Model):
    """The member's answer to a draft score: accepted, or a counter-argument with evidence."""

    cell = models.OneToOneField(CellResult, on_delete=models.CASCADE, related_name="reply")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    institution = models.ForeignKey(
        "network.Institution", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepts = models.BooleanField()
    text = models.TextField(blank=True, max_length=JUSTIFICATION_MAX)
    evidence = models.JSONField(default=list, blank=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"reply to cell {self.cell_id}"


class TrafficLight(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    SOME_DELAY = "some_delay", _("Some delay")
    OFF_TRACK = "off_track", _("Off track")
    COMPLETED = "completed", _("Completed")


class SelfReport(models.Model):
    """A member's own report on a commitment between cycles (UN Partnerships' yearly
    self-reporting, with a traffic light)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="reports")
    member = models.ForeignKey(CommitmentMember, on_delete=models.CASCADE, related_name="reports")
    status = models.CharField(max_length=12, choices=TrafficLight.choices)
    text = models.TextField(blank=True, max_length=JUSTIFICATION_MAX)
    evidence = models.JSONField(default=list, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    institution = models.ForeignKey(
        "network.Institution", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: the latest cycle of the strategy when the report was made: the report covers the
    #: period after it (None: before the first cycle)
    after_cycle = models.ForeignKey(
        Cycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.status}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Imported")
    REJECTED = "rejected", _("Rejected: nothing stored")
    FAILED = "failed", _("Failed: nothing stored")


class ImportJob(models.Model):
    """One import of commitments, scores and self-reports into a strategy (``interop``):
    its progress (rows checked of the total), and the report of every bad row."""

    strategy = models.ForeignKey(
        "strategies.Strategy", on_delete=models.CASCADE, related_name="compliance_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    #: the rows to import (as parsed), kept until the job has run
    data = models.JSONField(default=list, blank=True)
    #: ``[{"row": n, "field": name, "message": text}]`` — the first data row is row 1
    errors = models.JSONField(default=list, blank=True)
    #: what the import did: ``{"<record>": {"created": n, "updated": n, "unchanged": n}}``
    summary = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"import {self.pk} into {self.strategy_id}: {self.status}"
