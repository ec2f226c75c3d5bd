from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "middleground.consultations"
    label = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from middleground.translations.registry import register

        from .models import Consultation, Statement, StatementStatus
        from .permissions import can_manage, can_view

        # user content in several languages: the consultation's managers enter translations
        register(
            Consultation,
            fields=["title", "question", "context"],
            can_translate=can_manage,
            can_view=can_view,
        )
        register(
            Statement,
            fields=["text"],
            can_translate=lambda user, s: can_manage(user, s.consultation),
            can_view=lambda user, s: (
                can_view(user, s.consultation)
                and (s.status == StatementStatus.ACCEPTED or can_manage(user, s.consultation))
            ),
            language_of=lambda s: s.language or s.consultation.language,
            url_of=lambda s: s.consultation.get_absolute_url(),
        )
