from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "middleground.forum"
    label = "forum"
    verbose_name = _("Forum")

    def ready(self) -> None:
        from middleground.translations.registry import register

        from .models import Event, Session
        from .permissions import can_manage_event, can_view_event

        # user content in several languages: the event's managers enter translations
        register(
            Event,
            fields=["name", "theme", "description"],
            can_translate=can_manage_event,
            can_view=can_view_event,
        )
        register(
            Session,
            fields=["title", "description"],
            can_translate=lambda user, s: can_manage_event(user, s.event),
            can_view=lambda user, s: can_view_event(user, s.event),
        )
