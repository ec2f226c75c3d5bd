"""Notices to people, their mail preferences, what they follow, and the outgoing mail queue."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    NEVER = "never", _("Never")


class Notification(models.Model):
    """One notice to one person (``recipient``), maybe on behalf of an ``institution``."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    # set when the notice is addressed to an institution (its focal point receives it)
    institution = models.ForeignKey(
        "network.Institution",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("institution"),
    )
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True, max_length=5_000)
    url = models.CharField(_("link"), max_length=500, blank=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    action_required = models.BooleanField(_("action required"), default=False)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)  # mailed on its own
    digested_at = models.DateTimeField(null=True, blank=True)  # mailed in a digest
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind}: {self.title}"


class Preference(models.Model):
    """How one person wants information mail (action-required notices always arrive)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    information_mail = models.CharField(
        _("information mail"),
        max_length=12,
        choices=Frequency.choices,
        default=Frequency.DAILY,
    )
    per_kind = models.JSONField(_("per kind"), default=dict, blank=True)  # kind -> frequency
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    digest_hour = models.PositiveSmallIntegerField(_("digest hour"), default=6)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.information_mail}"

    def frequency_for(self, kind: str) -> str:
        """The frequency of information mail of this kind (the per-kind override first)."""
        value = (self.per_kind or {}).get(kind)
        return value if value in Frequency.values else self.information_mail


class Follow(models.Model):
    """A person follows a consultation, panel or task force (``target_type``/``target_id``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    target_type = models.CharField(_("target type"), max_length=100)
    target_id = models.CharField(_("target id"), max_length=64)
    # null: the person's default frequency (the interface says null, not "")
    frequency = models.CharField(  # noqa: DJ001
        _("frequency"), max_length=12, choices=Frequency.choices, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target_type", "target_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "target_type", "target_id"], name="notif_follow_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.target_type}:{self.target_id}"


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutgoingMail(models.Model):
    """A message waiting to go out, sent by a background task (with retries), never in a request."""

    to = models.CharField(_("to"), max_length=320)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # when the last attempt was made: the retry waits a backoff after it
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="outgoing_status")]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject} ({self.status})"
