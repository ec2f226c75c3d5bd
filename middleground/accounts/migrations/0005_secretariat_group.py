from django.db import migrations

SECRETARIAT_GROUP = "Secretariat"  # models.SECRETARIAT_GROUP at the time of writing


def create_group(apps, schema_editor):
    """The secretariat's admin group, with its members; its permissions are granted after
    every migrate (accounts.secretariat.grant_permissions), once they all exist."""
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("accounts", "User")
    group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    group.user_set.add(*User.objects.filter(role="secretariat", is_active=True, is_superuser=False))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_api_token_expiry_and_usernames"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
