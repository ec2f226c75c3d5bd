from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from middleground.network.models import Institution

from .models import Role
from .usernames import MAX_LENGTH, username_syntax


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EXPERT)
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.filter(is_member=True), required=False
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)


class AcceptInvitationForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=MAX_LENGTH,
        validators=[username_syntax],
        help_text=_("3 to 40 Latin letters, digits and . - _"),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account will be deleted and cannot be restored.")
    )
