from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The pages on top of every app: the home page and "My page". Nothing imports it."""

    name = "middleground.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")
