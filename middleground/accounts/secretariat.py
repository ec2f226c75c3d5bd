"""The secretariat's rights in the Django admin: a group holding the platform's model
permissions, so staff of the secretariat role run the admin without being superusers."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from .models import SECRETARIAT_GROUP

#: rights the group never gets: accounts are deleted by the de-identifying service (the
#: profile's "delete my account"), and the audit log is append-only
WITHHELD = ("delete_user", "add_auditevent", "change_auditevent", "delete_auditevent")


def grant_permissions(**kwargs) -> None:
    """post_migrate: keep the group's permissions in step with the platform's models."""
    labels = [c.label for c in apps.get_app_configs() if c.name.startswith("middleground.")]
    group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=labels).exclude(
        codename__in=WITHHELD
    )
    group.permissions.set(permissions)
