import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser, Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .usernames import username_syntax

#: the admin group of the secretariat role (its permissions: accounts.secretariat)
SECRETARIAT_GROUP = "Secretariat"


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat")
    REPRESENTATIVE = "representative", _("Institution representative")
    EXPERT = "expert", _("Expert")
    PUBLIC = "public", pgettext_lazy("role", "Public")


class User(AbstractUser):
    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        validators=[username_syntax],
        help_text=_("3 to 40 Latin letters, digits and . - _"),
        error_messages={"unique": _("A user with that username already exists.")},
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PUBLIC)
    # The institution an expert belongs to, or that a representative speaks for.
    institution = models.ForeignKey(
        "network.Institution",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set only when the person proved they receive mail at `email` (an invitation accepted
    # there, or a confirmation link sent to a new address). Access by address needs it.
    email_verified = models.BooleanField(_("e-mail verified"), default=False, editable=False)

    @property
    def is_secretariat(self) -> bool:
        return self.is_active and (self.role == Role.SECRETARIAT or self.is_superuser)

    @property
    def is_network_member(self) -> bool:
        """Secretariat, representatives and experts see network-only content."""
        return self.is_active and (
            self.is_secretariat or self.role in (Role.REPRESENTATIVE, Role.EXPERT)
        )

    @property
    def display_name(self) -> str:
        """How the platform names the person to others: the full name, else the username."""
        return self.get_full_name() or self.username

    @property
    def verified_email(self) -> str:
        """The address invitations by e-mail may match: empty unless the person verified it."""
        return self.email if self.email and self.email_verified else ""

    def save(self, *args, **kwargs):
        adding, password_changed = self._state.adding, self._password is not None
        super().save(*args, **kwargs)
        if password_changed and not adding:
            # Every path that sets a password (change, reset, admin, command) ends here:
            # whoever learned the old password must not keep a working token.
            self.api_tokens.all().delete()
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"role", "is_active"} & set(update_fields):
            self.sync_secretariat_group(new=adding)

    def sync_secretariat_group(self, *, new: bool = False) -> None:
        """The secretariat's admin permissions come with its role, not with superuser."""
        if self.is_secretariat and not self.is_superuser:
            self.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
        elif not new:
            self.groups.remove(*Group.objects.filter(name=SECRETARIAT_GROUP))

    def represents(self, institution_id: int | None) -> bool:
        return (
            self.is_active
            and self.role == Role.REPRESENTATIVE
            and institution_id is not None
            and self.institution_id == institution_id
        )


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class Invitation(models.Model):
    """A single-use, expiring sign-in link that creates an account with a role."""

    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    institution = models.ForeignKey(
        "network.Institution",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("institution"),
    )
    # Only the hash is stored: a leaked database does not leak working links.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def default_expiry():
        return timezone.now() + timedelta(days=settings.INVITATION_DAYS)

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class ApiToken(models.Model):
    """A bearer token for scripts. Only its hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"token {self.pk} of {self.user_id}"

    @staticmethod
    def default_expiry():
        return timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)


class AuditEvent(models.Model):
    """Who did what, when: every secretariat and representative action."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=100)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_id} {self.action}"


class Visitor(AnonymousUser):
    """A visitor who has not signed in, with the same role helpers as User."""

    role = Role.PUBLIC
    institution_id = None
    is_secretariat = False
    is_network_member = False
    verified_email = ""

    def represents(self, institution_id: int | None) -> bool:
        return False
