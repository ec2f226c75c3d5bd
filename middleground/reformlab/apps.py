from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReformlabConfig(AppConfig):
    name = "middleground.reformlab"
    label = "reformlab"
    verbose_name = _("Reform lab")
