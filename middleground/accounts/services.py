"""Writes of the accounts app: invitations, tokens, the audit log, personal data."""

import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from middleground.core.errors import ServiceError
from middleground.notifications.services import queue_mail

from . import permissions, selectors
from .adapters import sync_email_address
from .models import ApiToken, AuditEvent, Invitation, Role, User, hash_secret
from .usernames import DELETED_PREFIX, validate_new_username


def audit_value(value: Any) -> Any:
    """``value`` as the audit log stores it: JSON-safe and readable by a person.

    A row is stored by its name (``str``), a set of rows as their sorted names, dates and
    decimals as text; numbers, booleans, text and ``None`` as they are.

    >>> audit_value({3, 1}), audit_value(None), audit_value(True)
    ([1, 3], None, True)
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted((audit_value(v) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [audit_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): audit_value(v) for k, v in value.items()}
    return str(value)


def audit_snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of ``fields`` of ``obj`` as they are now, to compare after an edit.

    A many-to-many field gives the sorted names of its rows; take the snapshot before the
    change and pass it as ``before=`` to :func:`record_audit`, with a second snapshot (or
    the new values) as ``after=``.
    """
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(str(v) for v in getattr(obj, name).all()) if obj.pk else []
        else:
            values[name] = audit_value(getattr(obj, name))
    return values


def audit_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Only the fields whose value differs: ``{field: {"before": old, "after": new}}``.

    >>> audit_changes({"name": "A", "city": "X"}, {"name": "B", "city": "X"})
    {'name': {'before': 'A', 'after': 'B'}}
    """
    changes = {}
    for name, new in after.items():
        old = audit_value(before.get(name))
        new = audit_value(new)
        if old != new:
            changes[name] = {"before": old, "after": new}
    return changes


def record_audit(
    *,
    actor: User | None,
    action: str,
    target: Any = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    **details: Any,
) -> AuditEvent | None:
    """Write one audit line. Called inside the service's own transaction.

    An edit passes ``before`` and ``after`` (field → value, e.g. from :func:`audit_snapshot`):
    the line records only the fields that changed, each with its old and new value, under
    ``details["changes"]``; an edit that changed nothing writes no line (and returns None).
    """
    if before is not None or after is not None:
        changes = audit_changes(before or {}, after or {})
        if not changes:
            return None
        details["changes"] = changes
    return AuditEvent.objects.create(
        actor=actor if actor and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=audit_value(details),
    )


def invitation_mail(
    *,
    actor: User,
    purpose: str,
    link: str,
    expires_at: Any,
    reason: str = "",
    deadline: Any = None,
    url: str = "",
) -> tuple[str, str]:
    """Subject and text of an invitation: what for, who invites, why, by when, the way in."""
    inviter = actor.display_name
    organisation = getattr(actor, "institution", None)
    if organisation is not None:
        inviter = f"{inviter} ({organisation.name})"
    if purpose:
        subject = _("%(inviter)s invites you to %(purpose)s on Middle Ground") % {
            "inviter": inviter,
            "purpose": purpose,
        }
        lines = [_("%(inviter)s invites you to take part in %(purpose)s on Middle Ground.")]
    else:
        subject = _("%(inviter)s invites you to Middle Ground") % {"inviter": inviter}
        lines = [_("%(inviter)s invites you to join Middle Ground.")]
    lines = [line % {"inviter": inviter, "purpose": purpose} for line in lines]
    lines.append(
        _(
            "Middle Ground is the open platform of an expert alliance of think tanks and "
            "institutions from middle powers."
        )
    )
    if reason:
        lines += ["", _("Why: %(reason)s") % {"reason": reason}]
    if deadline:
        lines += [
            "",
            _("Deadline: %(date)s") % {"date": f"{deadline.astimezone(UTC):%Y-%m-%d %H:%M} UTC"},
        ]
    lines += [
        "",
        _("Open this link to create your account (it works once and expires on %(date)s):")
        % {"date": f"{expires_at:%Y-%m-%d}"},
        "",
        link,
    ]
    if url:
        lines += ["", _("Once signed in, you find it here: %(url)s") % {"url": url}]
    lines += [
        "",
        _("If you do not want to take part, ignore this message."),
    ]
    return subject, "\n".join(lines) + "\n"


def create_invitation(
    *,
    actor: User,
    email: str,
    role: str,
    institution=None,
    purpose: str = "",
    accept_url_base: str,
    reason: str = "",
    deadline: Any = None,
    url: str = "",
) -> tuple[Invitation, str]:
    """Invite a person by e-mail with a single-use, expiring link. Returns the raw link.

    The mail says what the invitation is for (``purpose``, e.g. "the consultation “…”"),
    who invites, why (``reason``), by when (``deadline``) and where it is (``url``)."""
    if not permissions.can_invite(actor):
        raise ServiceError(_("Only the secretariat can invite people."), status=403)
    if not permissions.can_invite(actor, role):
        # A task force chair's representative brings experts into panels, nothing more.
        raise ServiceError(
            _("A task force chair can invite experts only."), field="role", status=403
        )
    if role not in Role.values:
        raise ServiceError(_("Unknown role."), field="role")
    if role in (Role.REPRESENTATIVE, Role.EXPERT) and institution is None:
        raise ServiceError(
            _("Representatives and experts need an institution."), field="institution"
        )
    email = User.objects.normalize_email(email).strip()
    # Only a verified holder owns an address: one typed into a profile must not block the
    # real owner's invitation.
    if User.objects.filter(email__iexact=email, is_active=True, email_verified=True).exists():
        raise ServiceError(_("A person with this e-mail already has an account."), field="email")
    token = Invitation.new_token()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            role=role,
            institution=institution,
            purpose=purpose,
            token_hash=hash_secret(token),
            created_by=actor,
            expires_at=Invitation.default_expiry(),
        )
        record_audit(
            actor=actor, action="invitation.create", target=invitation, email=email, role=role
        )
        link = f"{accept_url_base.rstrip('/')}/{token}/"
        subject, text = invitation_mail(
            actor=actor,
            purpose=purpose,
            link=link,
            expires_at=invitation.expires_at,
            reason=reason,
            deadline=deadline,
            url=url,
        )
        queue_mail(to=email, subject=subject, body=text)
    return invitation, link


def find_usable_invitation(token: str) -> Invitation:
    invitation = Invitation.objects.filter(token_hash=hash_secret(token)).first()
    if invitation is None:
        raise ServiceError(_("This invitation link is not valid."), status=404)
    if invitation.used_at is not None:
        raise ServiceError(_("This invitation link has already been used."), status=410)
    if not invitation.is_usable:
        raise ServiceError(_("This invitation link has expired."), status=410)
    return invitation


def accept_invitation(
    *, token: str, username: str, password: str, first_name: str = "", last_name: str = ""
) -> User:
    """Create the invited person's account with the invited role; the link then stops working."""
    with transaction.atomic():
        invitation = find_usable_invitation(token)
        # Lock the row so two simultaneous clicks cannot both create an account.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at is not None:
            raise ServiceError(_("This invitation link has already been used."), status=410)
        try:
            validate_new_username(username)
        except ValidationError as exc:
            raise ServiceError(" ".join(exc.messages), field="username") from exc
        user = User(
            username=username,
            email=invitation.email,
            email_verified=True,  # the invitation reached this address
            first_name=first_name,
            last_name=last_name,
            role=invitation.role,
            institution=invitation.institution,
            is_staff=invitation.role == Role.SECRETARIAT,
        )
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ServiceError(" ".join(exc.messages), field="password") from exc
        user.set_password(password)
        user.save()
        sync_email_address(user)
        invitation.used_at = timezone.now()
        invitation.used_by = user
        invitation.save(update_fields=["used_at", "used_by"])
        record_audit(actor=user, action="invitation.accept", target=invitation)
    return user


def issue_api_token(*, user: User, name: str = "") -> str:
    """Create a bearer token for scripts; the raw token is shown once. It expires after
    ``API_TOKEN_DAYS`` and dies with a password change."""
    raw = "mg_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, name=name, token_hash=hash_secret(raw), expires_at=ApiToken.default_expiry()
    )
    return raw


def revoke_api_token(*, user: User, token_id: int) -> None:
    """Delete one of the person's own tokens (404 for anyone else's)."""
    with transaction.atomic():
        token = selectors.api_token_for(user, token_id)
        record_audit(actor=user, action="api_token.revoke", target=token, name=token.name)
        token.delete()


#: how stale ``ApiToken.last_used_at`` may get: one write a minute per token at most
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def user_for_api_token(raw: str) -> User | None:
    """The active user of a bearer token, or None. One indexed read per request.

    ``last_used_at`` is refreshed at most once a minute, by one conditional UPDATE, so
    scripts that vote or ingest in bursts pay no write per request and concurrent
    requests of one token write it once.
    """
    now = timezone.now()
    try:
        token = ApiToken.objects.select_related("user").get(
            token_hash=hash_secret(raw), expires_at__gt=now
        )
    except ApiToken.DoesNotExist:
        return None
    if not token.user.is_active:
        return None
    cutoff = now - TOKEN_USE_RESOLUTION
    if token.last_used_at is None or token.last_used_at < cutoff:
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=cutoff), pk=token.pk
        ).update(last_used_at=now)
    return token.user


EMAIL_CHANGE_SALT = "middleground.accounts.email-change"


def update_profile(
    *,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    preferred_language: str,
    confirm_url_base: str,
) -> str:
    """Save the profile. A new e-mail address takes effect only once the person follows the
    link mailed to it (invitations match verified addresses); returns that address, or ""."""
    email = User.objects.normalize_email(email).strip()
    fields = ["first_name", "last_name", "preferred_language"]
    with transaction.atomic():
        user.first_name, user.last_name = first_name, last_name
        user.preferred_language = preferred_language
        if not email and user.email:  # giving up an address needs no proof
            user.email, user.email_verified = "", False
            fields += ["email", "email_verified"]
        user.save(update_fields=fields)
        if "email" in fields:
            sync_email_address(user)
        if not email or email.lower() == user.email.lower():
            return ""
        # The link carries the address it confirms and the one it replaces: once used, the
        # current address differs and the link is dead. Signed, so neither can be edited.
        token = signing.dumps(
            {"user": user.pk, "email": email, "old": user.email}, salt=EMAIL_CHANGE_SALT
        )
        link = f"{confirm_url_base.rstrip('/')}/{token}/"
        days = settings.EMAIL_CONFIRMATION_DAYS
        queue_mail(
            to=email,
            subject=_("Confirm your new e-mail address for Middle Ground"),
            body=_(
                "Open this link, signed in as %(username)s, to use this address on Middle "
                "Ground (it works once, for %(days)d days):\n\n%(link)s\n\nIf you did not "
                "ask for this, ignore this message."
            )
            % {"username": user.username, "days": days, "link": link},
            user=user,
        )
    return email


def pending_email_change(*, user: User, token: str) -> str:
    """The address an e-mail confirmation link would set for this user, or ServiceError."""
    try:
        data = signing.loads(
            token, salt=EMAIL_CHANGE_SALT, max_age=timedelta(days=settings.EMAIL_CONFIRMATION_DAYS)
        )
    except signing.SignatureExpired as exc:
        raise ServiceError(_("This confirmation link has expired."), status=410) from exc
    except signing.BadSignature as exc:
        raise ServiceError(_("This confirmation link is not valid."), status=404) from exc
    if data.get("user") != user.pk:  # someone else's link: as if it did not exist
        raise ServiceError(_("This confirmation link is not valid."), status=404)
    if data.get("old") != user.email:
        raise ServiceError(_("This confirmation link has already been used."), status=410)
    return data["email"]


def confirm_email_change(*, user: User, token: str) -> User:
    """Follow an e-mail confirmation link: the new address is now the person's, verified."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        email = pending_email_change(user=user, token=token)
        record_audit(actor=user, action="account.email_change", target=user)
        user.email, user.email_verified = email, True
        user.save(update_fields=["email", "email_verified"])
        sync_email_address(user)
    return user


def export_personal_data(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about this person, as JSON-ready data."""
    data: dict[str, Any] = {
        "account": {
            "username": user.username,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "role": user.role,
            "institution": user.institution.name if user.institution else None,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "api_tokens": [
            {
                "name": t.name,
                "created_at": t.created_at.isoformat(),
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                "expires_at": t.expires_at.isoformat(),
            }
            for t in user.api_tokens.all()
        ],
        "audit_events": [
            {
                "action": e.action,
                "target": f"{e.target_type}:{e.target_id}",
                "time": e.created_at.isoformat(),
            }
            for e in AuditEvent.objects.filter(actor=user)
        ],
    }
    profile = getattr(user, "expert_profile", None)
    if profile is not None:
        data["expert_profile"] = {
            "name": profile.name,
            "title": profile.title,
            "bio": profile.bio,
            "country": profile.country_id,
            "languages": profile.languages,
            "focus_areas": [f.slug for f in profile.focus_areas.all()],
            "visibility": profile.visibility,
        }
    return data


def delete_account(*, user: User) -> None:
    """Remove the person; what they contributed stays, no longer linked to a name."""
    with transaction.atomic():
        profile = getattr(user, "expert_profile", None)
        if profile is not None:
            profile.delete()
        user.api_tokens.all().delete()
        record_audit(actor=None, action="account.delete", target=user)
        # The prefix is closed to new names and the suffix random, so no one's name blocks it.
        user.username = f"{DELETED_PREFIX}{user.pk}-{secrets.token_hex(4)}"
        user.email, user.email_verified = "", False
        user.first_name = user.last_name = ""
        user.is_active = False
        user.is_staff = user.is_superuser = False
        user.institution = None
        user.set_unusable_password()
        user.deleted_at = timezone.now()
        user.save(
            update_fields=[
                "username",
                "email",
                "email_verified",
                "first_name",
                "last_name",
                "is_active",
                "is_staff",
                "is_superuser",
                "institution",
                "password",
                "deleted_at",
            ]
        )
        sync_email_address(user)
