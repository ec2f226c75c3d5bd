from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelphiConfig(AppConfig):
    name = "middleground.delphi"
    label = "delphi"
    verbose_name = _("Delphi studies")

    def ready(self) -> None:
        from middleground.translations.registry import register

        from .models import Item, Study
        from .permissions import can_manage
        from .selectors import studies

        # user content in several languages: the study's managers enter translations
        register(
            Study,
            fields=["title", "question"],
            can_translate=can_manage,
            can_view=lambda user, study: studies(user).filter(pk=study.pk).exists(),
        )
        register(
            Item,
            fields=["text"],
            can_translate=lambda user, item: can_manage(user, item.study),
            can_view=lambda user, item: studies(user).filter(pk=item.study_id).exists(),
            language_of=lambda item: item.study.language,
            url_of=lambda item: item.study.get_absolute_url(),
        )
