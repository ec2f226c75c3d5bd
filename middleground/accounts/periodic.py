"""Periodic job of accounts (``manage.py run_periodic`` calls :func:`run`)."""

from datetime import timedelta

from django.utils import timezone

from middleground.accounts.models import Invitation

# Invitations never used are removed this long after they expired.
STALE_AFTER = timedelta(days=90)


def run() -> str:
    stale = timezone.now() - STALE_AFTER
    deleted, _ = Invitation.objects.filter(used_at__isnull=True, expires_at__lt=stale).delete()
    return f"{deleted} stale invitations removed"
