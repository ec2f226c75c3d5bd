"""Writes of notifications: notices to people and institutions, read/done, preferences,
follows, and ``queue_mail``, the one way any app sends mail."""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import available_timezones

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from middleground.core.errors import ServiceError, check_length

from . import selectors, unsubscribe
from .models import Follow, Frequency, MailStatus, Notification, OutgoingMail, Preference
from .tasks import send_mail_task


def _enqueue_send(mail_id: int) -> None:
    transaction.on_commit(lambda: send_mail_task.enqueue(mail_id))


def queue_mail(
    *,
    to: str,
    subject: str,
    body: str,
    headers: dict[str, str] | None = None,
    user: Any = None,
    html: str = "",
) -> OutgoingMail:
    """Store a mail and send it from a background task once the transaction commits.

    Never sends inside the request: a failure keeps the row queued, and ``periodic``
    retries it after a backoff (``jobs.send_mail``).
    """
    if not to:
        raise ServiceError(_("This mail has no address."), field="to")
    with transaction.atomic():
        mail = OutgoingMail.objects.create(
            to=to[:320],
            subject=" ".join(str(subject).split())[:300],
            body=str(body),
            html=html,
            headers=dict(headers or {}),
            user=user if user is not None and getattr(user, "pk", None) else None,
        )
        _enqueue_send(mail.pk)
    return mail


def retry_mail(*, mail: OutgoingMail) -> bool:
    """Queue another attempt of a mail still queued (``periodic``); False if it is not."""
    if mail.status != MailStatus.QUEUED:
        return False
    _enqueue_send(mail.pk)
    return True


def _target_key(target: Any) -> tuple[str, str]:
    """``(target_type, target_id)`` of a model instance (as AuditEvent) or of a pair."""
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        return str(target[0]), str(target[1])
    return target._meta.label_lower, str(target.pk)


def institution_recipients(institution: Any) -> list[Any]:
    """Who receives an institution's notices: its focal point; if none, its representatives."""
    from middleground.accounts.models import Role, User

    focal = institution.focal_point
    if focal is not None and focal.is_active:
        return [focal]
    return list(
        User.objects.filter(
            institution_id=institution.pk, role=Role.REPRESENTATIVE, is_active=True
        ).order_by("pk")
    )


def absolute_url(url: str) -> str:
    if url.startswith("/"):
        return getattr(settings, "SITE_URL", "").rstrip("/") + url
    return url


def mail_notification(notification: Notification, *, subject: str = "") -> bool:
    """Queue the notice as its own mail (``subject``: its title unless given) and mark it
    emailed; False when the person has no address."""
    user = notification.recipient
    if not user.email:
        return False
    lines = [subject or notification.title, ""]
    if notification.body:
        lines += [notification.body, ""]
    if notification.due_at:
        lines += [_("Due: %(date)s") % {"date": f"{notification.due_at:%Y-%m-%d %H:%M} UTC"}, ""]
    if notification.url:
        lines += [absolute_url(notification.url), ""]
    lines += [
        _("Change which mail you receive: %(url)s")
        % {"url": absolute_url("/notifications/preferences/")}
    ]
    queue_mail(
        to=user.email,
        subject=subject or notification.title,
        body="\n".join(lines),
        user=user,
        headers={
            "X-Middleground-Kind": notification.kind,
            # information may be turned off in one click; a request to act may not
            **(
                {}
                if notification.action_required
                else unsubscribe.headers_for(user, f"kind:{notification.kind}")
            ),
        },
    )
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


def _must_mail_now(notification: Notification) -> bool:
    if notification.action_required:
        return True  # action-required notices always arrive, whatever the preference
    frequency = selectors.information_frequency(
        notification.recipient,
        notification.kind,
        notification.target_type,
        notification.target_id,
    )
    return frequency == Frequency.IMMEDIATELY


#: a text, or a function returning it that ``notify`` calls in each recipient's language
Text = str | Callable[[], str]


def _text(value: Text) -> str:
    return value() if callable(value) else str(value)


def notify(
    *,
    kind: str,
    title: Text,
    url: str,
    recipients: Iterable[Any] = (),
    institution: Any = None,
    body: Text = "",
    target: Any = None,
    action_required: bool = False,
    due_at: dt.datetime | None = None,
    actor: Any = None,
) -> list[Notification]:
    """Notify people (``recipients``) and/or an institution (its focal point, or, with none,
    its representatives); each person gets one notice, even if named twice.

    Action-required notices (with ``due_at``) are mailed at once, as is information whose
    preference says "immediately"; the rest waits for the digest. ``target`` is a model
    instance or a ``(target_type, target_id)`` pair. The actor is not notified of their own
    act. ``title`` and ``body`` may be functions that return the text: they are then called
    in each recipient's language (an institution's people need not share one), as is the mail.
    Returns the notices made.
    """
    target_type, target_id = _target_key(target)
    people: list[tuple[Any, Any]] = []
    seen: set[int] = set()
    for user in recipients:
        if user is not None and user.pk not in seen and user.is_active:
            seen.add(user.pk)
            people.append((user, None))
    if institution is not None:
        for user in institution_recipients(institution):
            if user.pk not in seen:
                seen.add(user.pk)
                people.append((user, institution))
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    made: list[Notification] = []
    with transaction.atomic():
        for user, on_behalf in people:
            if actor_id is not None and user.pk == actor_id:
                continue
            with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
                notification = Notification.objects.create(
                    recipient=user,
                    institution=on_behalf,
                    kind=kind[:60],
                    title=" ".join(_text(title).split())[:300],
                    body=check_length(_text(body), 5_000, field="body"),
                    url=url[:500],
                    target_type=target_type,
                    target_id=target_id,
                    action_required=action_required,
                    due_at=due_at,
                )
                if _must_mail_now(notification):
                    mail_notification(notification)
            made.append(notification)
    return made


def mark_read(*, user: Any, notification_id: int) -> Notification:
    with transaction.atomic():
        notification = selectors.notification_for(user, notification_id)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def mark_done(*, user: Any, notification_id: int) -> Notification:
    """Done also means read."""
    with transaction.atomic():
        notification = selectors.notification_for(user, notification_id)
        now = timezone.now()
        fields = []
        if notification.done_at is None:
            notification.done_at = now
            fields.append("done_at")
        if notification.read_at is None:
            notification.read_at = now
            fields.append("read_at")
        if fields:
            notification.save(update_fields=fields)
    return notification


def mark_all_read(*, user: Any) -> int:
    if not user.is_authenticated:
        raise ServiceError.forbidden()
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def done_for_target(*, user: Any, target: Any, kind: str = "") -> int:
    """Mark a person's open action-required notices on ``target`` done (they acted on it)."""
    target_type, target_id = _target_key(target)
    found = Notification.objects.filter(
        recipient=user, target_type=target_type, target_id=target_id, done_at__isnull=True
    )
    if kind:
        found = found.filter(kind=kind)
    now = timezone.now()
    return found.update(done_at=now, read_at=now)


def update_preference(
    *,
    user: Any,
    information_mail: str,
    time_zone: str = "UTC",
    digest_hour: int = 6,
    per_kind: dict[str, str] | None = None,
) -> Preference:
    if not user.is_authenticated:
        raise ServiceError.forbidden()
    if information_mail not in Frequency.values:
        raise ServiceError(
            _("Choose how often information mail arrives."), field="information_mail"
        )
    if time_zone not in available_timezones():
        raise ServiceError(_("Unknown time zone."), field="time_zone")
    if not 0 <= int(digest_hour) <= 23:
        raise ServiceError(_("The digest hour is from 0 to 23."), field="digest_hour")
    per_kind = {str(k)[:60]: v for k, v in (per_kind or {}).items() if v}
    if any(v not in Frequency.values for v in per_kind.values()):
        raise ServiceError(_("Choose how often information mail arrives."), field="per_kind")
    with transaction.atomic():
        preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
        preference.information_mail = information_mail
        preference.time_zone = time_zone
        preference.digest_hour = int(digest_hour)
        preference.per_kind = per_kind
        preference.save(update_fields=["information_mail", "time_zone", "digest_hour", "per_kind"])
    return preference


def follow(*, user: Any, target: Any, frequency: str | None = None) -> Follow:
    """Follow a consultation, panel or task force (``frequency`` None: the default)."""
    if not user.is_authenticated:
        raise ServiceError.forbidden()
    if frequency is not None and frequency not in Frequency.values:
        raise ServiceError(_("Choose how often information mail arrives."), field="frequency")
    target_type, target_id = _target_key(target)
    with transaction.atomic():
        found, _created = Follow.objects.update_or_create(
            user=user,
            target_type=target_type,
            target_id=target_id,
            defaults={"frequency": frequency},
        )
    return found


def set_follow_frequency(*, user: Any, follow_id: int, frequency: str | None) -> Follow:
    if frequency is not None and frequency not in Frequency.values:
        raise ServiceError(_("Choose how often information mail arrives."), field="frequency")
    with transaction.atomic():
        found = Follow.objects.filter(pk=follow_id, user=user).first()
        if found is None:
            raise ServiceError(_("You do not follow this."), status=404)
        found.frequency = frequency
        found.save(update_fields=["frequency"])
    return found


def unfollow(*, user: Any, follow_id: int | None = None, target: Any = None) -> int:
    if not user.is_authenticated:
        raise ServiceError.forbidden()
    found = Follow.objects.filter(user=user)
    if follow_id is not None:
        found = found.filter(pk=follow_id)
    elif target is not None:
        target_type, target_id = _target_key(target)
        found = found.filter(target_type=target_type, target_id=target_id)
    else:
        return 0
    deleted, _rows = found.delete()
    return deleted
