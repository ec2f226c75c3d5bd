from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "middleground.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from .secretariat import grant_permissions

        # After every app's migrate: permissions of models added later join the group too.
        post_migrate.connect(grant_permissions, dispatch_uid="middleground.secretariat_group")
