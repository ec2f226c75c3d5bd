"""How django-allauth fits the accounts app: our username rules, our ``User.email_verified``
as the one record of a verified address, and mail through the notifications queue.

allauth keeps its own table of addresses (``EmailAddress``); ``sync_email_address`` keeps it in
step with ``User.email`` wherever our own services change the address (invitations, e-mail
change, account deletion), and ``AccountAdapter.confirm_email`` sets ``email_verified`` when
allauth's verification link is followed.
"""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.account.stages import EmailVerificationStage
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest

from .usernames import validate_new_username


def sync_email_address(user: Any) -> None:
    """Make allauth's addresses of ``user`` the one address of the account, verified as it is."""
    with transaction.atomic():
        EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email or "").delete()
        if user.email:
            EmailAddress.objects.update_or_create(
                user=user,
                email__iexact=user.email,
                defaults={"email": user.email, "verified": user.email_verified, "primary": True},
            )


class VerifiedEmailStage(EmailVerificationStage):
    """Sign-in needs a verified address: ``User.email_verified`` (an invitation accepted at the
    address, a confirmed change, or allauth's link) counts as well as allauth's own record."""

    def handle(self):
        if getattr(self.login.user, "email_verified", False):
            return None, True
        return super().handle()


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username: str, shallow: bool = False) -> str:
        # Syntax, the reserved ``deleted-`` prefix, and no look-alike of a taken name.
        if shallow:
            from .usernames import username_syntax

            username_syntax(username)
        else:
            validate_new_username(username)
        return username

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            user = email_address.user
            user.refresh_from_db(fields=["email", "email_verified"])
            if user.email.casefold() == email_address.email.casefold() and not user.email_verified:
                user.email_verified = True
                user.save(update_fields=["email_verified"])
                from .services import record_audit

                record_audit(actor=user, action="account.email_verified", target=user)
        return confirmed

    def get_login_stages(self) -> list[str]:
        return [
            "middleground.accounts.adapters.VerifiedEmailStage"
            if path == "allauth.account.stages.EmailVerificationStage"
            else path
            for path in super().get_login_stages()
        ]

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails (verification, "account exists", security notices) go through the
        notifications queue: sent by a background task with retries, never inside the request."""
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        from middleground.notifications.services import queue_mail

        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        html = ""
        if isinstance(message, EmailMultiAlternatives):
            html = next(
                (str(body) for body, mimetype in message.alternatives if mimetype == "text/html"),
                "",
            )
        user = context.get("user")
        queue_mail(
            to=email,
            subject=str(message.subject),
            body=str(message.body),
            html=html,
            user=user if getattr(user, "pk", None) else None,
        )

    def get_from_email(self) -> str:
        return settings.DEFAULT_FROM_EMAIL
