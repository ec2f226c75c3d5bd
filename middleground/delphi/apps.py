from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelphiConfig(AppConfig):
    name = "middleground.delphi"
    label = "delphi"
    verbose_name = _("Delphi studies")
