from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrelationConfig(AppConfig):
    name = "correlation"
    verbose_name = _("Correlation reports")
