from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationsConfig(AppConfig):
    """Translations of user content entered by people (see ``registry`` for what may be)."""

    name = "middleground.translations"
    label = "translations"
    verbose_name = _("Content translations")
