from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "middleground.library"
    label = "library"
    verbose_name = _("Knowledge library")

    def ready(self) -> None:
        from middleground.translations.registry import register

        from .models import Document
        from .permissions import can_delete_document, can_read

        # user content in several languages: those who edit the document enter translations
        register(Document, fields=["title"], can_translate=can_delete_document, can_view=can_read)
