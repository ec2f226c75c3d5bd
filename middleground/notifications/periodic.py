"""Periodic job (``manage.py run_periodic``): retry queued mail after a backoff, remind of
action-required notices before their deadline, and copy the institution's deputy when the
focal point has not acted by then."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services
from .digests import send_due_digests
from .jobs import max_attempts
from .models import MailStatus, Notification, OutgoingMail


def reminder_before() -> dt.timedelta:
    """How long before ``due_at`` the reminder goes (settings.NOTIFICATIONS_REMINDER_HOURS)."""
    return dt.timedelta(hours=float(getattr(settings, "NOTIFICATIONS_REMINDER_HOURS", 48)))


def retry_backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt: 1, 2, 4, 8 … minutes after the last one, at most 6 h."""
    base = float(getattr(settings, "MAIL_RETRY_BASE_SECONDS", 60))
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def retry_queued_mail(now: dt.datetime | None = None) -> int:
    """Queue another attempt for each queued mail whose backoff has passed (or that was
    never tried and is older than the base backoff: its task was lost)."""
    now = now or timezone.now()
    base = retry_backoff(1)
    queued = 0
    for mail in OutgoingMail.objects.filter(
        status=MailStatus.QUEUED, created_at__lte=now - base
    ).order_by("created_at")[:500]:
        if mail.attempts >= max_attempts():
            OutgoingMail.objects.filter(pk=mail.pk, status=MailStatus.QUEUED).update(
                status=MailStatus.FAILED
            )
            continue
        last = mail.last_attempt_at or mail.created_at
        if last <= now - retry_backoff(mail.attempts):
            queued += services.retry_mail(mail=mail)
    return queued


def _remind(notification: Notification, now: dt.datetime) -> bool:
    with transaction.atomic():
        claimed = Notification.objects.filter(
            pk=notification.pk, reminded_at__isnull=True, done_at__isnull=True
        ).update(reminded_at=now)
        if not claimed:
            return False
        services.mail_notification(
            notification, subject=_("Reminder: %(title)s") % {"title": notification.title}
        )
    return True


def _escalate(notification: Notification, now: dt.datetime) -> bool:
    """A copy for the institution's deputy (the focal point has not acted by the reminder)."""
    institution = notification.institution
    deputy = institution.deputy if institution is not None else None
    with transaction.atomic():
        claimed = Notification.objects.filter(
            pk=notification.pk, escalated_at__isnull=True, done_at__isnull=True
        ).update(escalated_at=now)
        if not claimed or institution is None or deputy is None or not deputy.is_active:
            return False
        if deputy.pk == notification.recipient_id:
            return False
        copies = services.notify(
            kind=notification.kind,
            # in the deputy's language (the quoted title stays in the focal point's)
            title=lambda: (
                _("For %(institution)s: %(title)s")
                % {"institution": institution.name, "title": notification.title}
            ),
            body=lambda: (
                _("%(person)s, the focal point, has not acted on this yet.")
                % {"person": notification.recipient.display_name}
                + "\n"
                + notification.body
            ),
            url=notification.url,
            recipients=[deputy],
            target=(notification.target_type, notification.target_id)
            if notification.target_type
            else None,
            action_required=True,
            due_at=notification.due_at,
        )
        # the copy arrives at the reminder's time: it is its own reminder
        Notification.objects.filter(pk__in=[c.pk for c in copies]).update(reminded_at=now)
    return True


def remind_and_escalate(now: dt.datetime | None = None) -> tuple[int, int]:
    """Remind once of open action-required notices due within the reminder window; copy the
    deputy of an institution whose focal point has not acted by then. Returns the counts."""
    now = now or timezone.now()
    window = now + reminder_before()
    due = Notification.objects.filter(
        action_required=True, done_at__isnull=True, due_at__isnull=False, due_at__lte=window
    ).select_related("recipient", "institution__deputy")
    reminded = escalated = 0
    for notification in due.filter(reminded_at__isnull=True, due_at__gt=now):
        reminded += _remind(notification, now)
    # escalate once the reminder has gone and the focal point still has not acted
    for notification in due.filter(
        institution__isnull=False, reminded_at__isnull=False, escalated_at__isnull=True
    ):
        escalated += _escalate(notification, now)
    return reminded, escalated


def run() -> str:
    retried = retry_queued_mail()
    reminded, escalated = remind_and_escalate()
    # other helpers: add your periodic work of notifications below (digests).
    digests = send_due_digests()
    return (
        f"{retried} mails retried, {reminded} reminders, {escalated} notices copied to deputies"
        f", {digests} digests"
    )
