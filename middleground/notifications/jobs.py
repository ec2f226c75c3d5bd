"""The work behind the notifications' background tasks: sending one queued mail.

It imports neither the services nor the tasks (``tasks.py`` calls it, ``periodic.py`` too).
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import MailStatus, OutgoingMail

logger = logging.getLogger(__name__)


def max_attempts() -> int:
    """Attempts before a mail is given up as "failed" (settings.MAIL_MAX_ATTEMPTS)."""
    return int(getattr(settings, "MAIL_MAX_ATTEMPTS", 6))


def send_mail(*, mail_id: int) -> str:
    """Send the mail if it is still queued; returns its status afterwards ("" if gone).

    The row is locked for the attempt (PostgreSQL ``SELECT … FOR UPDATE``; SQLite's
    IMMEDIATE transactions take the write lock), so two workers never both send it, and
    ``sent`` is final. A failure records the error and keeps it queued with one attempt
    more, for ``periodic`` to retry after a backoff, until ``max_attempts()``: then "failed".
    """
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None:
            return ""
        if mail.status != MailStatus.QUEUED:
            return mail.status
        message = EmailMultiAlternatives(
            subject=mail.subject,
            body=mail.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[mail.to],
            headers={str(k): str(v) for k, v in (mail.headers or {}).items()},
        )
        if mail.html:
            message.attach_alternative(mail.html, "text/html")
        now = timezone.now()
        mail.attempts += 1
        mail.last_attempt_at = now
        try:
            message.send(fail_silently=False)
        except Exception as exc:  # any transport error: keep it for the retry
            mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if mail.attempts >= max_attempts():
                mail.status = MailStatus.FAILED
                logger.error("mail %s given up after %s attempts: %s", mail.pk, mail.attempts, exc)
            else:
                logger.warning("mail %s attempt %s failed: %s", mail.pk, mail.attempts, exc)
        else:
            mail.status = MailStatus.SENT
            mail.sent_at = now
            mail.last_error = ""
        mail.save(update_fields=["attempts", "last_attempt_at", "last_error", "status", "sent_at"])
        return mail.status
