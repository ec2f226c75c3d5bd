from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "middleground.network"
    label = "network"
    verbose_name = _("Network registry")

    def ready(self) -> None:
        from middleground.translations.registry import register

        from .models import Institution, TaskForce
        from .permissions import can_edit_institution, can_edit_task_force
        from .selectors import institutions

        # user content in several languages: those who edit the record enter translations
        register(
            Institution,
            fields=["description"],
            can_translate=can_edit_institution,
            can_view=lambda user, i: institutions(user).filter(pk=i.pk).exists(),
        )
        register(
            TaskForce,
            fields=["name", "mandate"],
            can_translate=can_edit_task_force,
            can_view=lambda user, tf: True,
        )
