"""The django-allauth views the site uses, under allauth's URL names (its own code reverses
them). Features left off add no routes: social accounts, passkeys, sign-in by code, phone,
allauth's e-mail and password pages (the profile's e-mail change and our password pages
stay: their allauth names point at them)."""

from allauth.account import views as account_views
from allauth.mfa.base import views as mfa_views
from allauth.mfa.recovery_codes import views as recovery_views
from allauth.mfa.totp import views as totp_views
from django.contrib.auth import views as auth_views
from django.urls import path, re_path
from django.views.generic import RedirectView

from . import views

urlpatterns = [
    # The names allauth reverses, at the paths of the accounts app's own pages.
    path("login/", views.LoginView.as_view(), name="account_login"),
    path("logout/", auth_views.LogoutView.as_view(), name="account_logout"),
    path("password/", views.PasswordChangeView.as_view(), name="account_change_password"),
    path(
        "email/",
        RedirectView.as_view(pattern_name="accounts:profile"),
        name="account_email",
    ),
    path(
        "password/forgotten/",
        RedirectView.as_view(pattern_name="accounts:password_reset"),
        name="account_reset_password",
    ),
    # Sign-up and the e-mail verification link.
    path("signup/", account_views.signup, name="account_signup"),
    path("inactive/", account_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    path(
        "confirm-email/",
        account_views.email_verification_sent,
        name="account_email_verification_sent",
    ),
    re_path(
        r"^confirm-email/(?P<key>[-:\w]+)/$",
        views.ConfirmEmailView.as_view(),
        name="account_confirm_email",
    ),
    # Two-factor authentication.
    path("2fa/", mfa_views.index, name="mfa_index"),
    path("2fa/authenticate/", mfa_views.authenticate, name="mfa_authenticate"),
    path("2fa/reauthenticate/", mfa_views.reauthenticate, name="mfa_reauthenticate"),
    path("2fa/totp/activate/", views.ActivateTOTPView.as_view(), name="mfa_activate_totp"),
    path("2fa/totp/deactivate/", totp_views.deactivate_totp, name="mfa_deactivate_totp"),
    path("2fa/recovery-codes/", recovery_views.view_recovery_codes, name="mfa_view_recovery_codes"),
    path(
        "2fa/recovery-codes/generate/",
        recovery_views.generate_recovery_codes,
        name="mfa_generate_recovery_codes",
    ),
    path(
        "2fa/recovery-codes/download/",
        recovery_views.download_recovery_codes,
        name="mfa_download_recovery_codes",
    ),
]
