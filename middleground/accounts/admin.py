from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, AuditEvent, Invitation, User
from .usernames import validate_new_username


class _NewUsernameMixin:
    """A new or changed username follows the same rules as on invitation accept."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        instance = self.instance  # type: ignore[attr-defined]
        if username != instance.username:
            validate_new_username(username, exclude_pk=instance.pk)
        return username


class UserCreationForm(_NewUsernameMixin, auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User


class UserChangeForm(_NewUsernameMixin, auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("username", "email", "email_verified", "role", "institution", "is_active")
    list_filter = ("role", "is_active")
    readonly_fields = ("email_verified",)
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (
            "Middle Ground",
            {"fields": ("role", "institution", "preferred_language", "email_verified")},
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # The secretariat's staff run the network, not the rights system: no self-promotion.
            fields += ("is_superuser", "groups", "user_permissions")
        return fields

    def has_change_permission(self, request, obj=None):
        # Nor may they take over a superuser's account (e.g. by setting its password).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change and "email" in form.changed_data:
            obj.email_verified = False  # nobody has shown that mail reaches the new address
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.sync_secretariat_group()  # the groups field must not undo the role


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "role", "institution", "expires_at", "used_at")
    readonly_fields = ("token_hash", "used_at", "used_by", "created_by")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log is append-only: readable here, never written or edited by hand."""

    list_display = ("created_at", "actor", "action", "target_type", "target_id")
    list_filter = ("action",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "created_at", "last_used_at", "expires_at")
    readonly_fields = ("token_hash",)

    def has_add_permission(self, request):
        return False  # a token made here could never be shown: POST /api/v1/auth/token
