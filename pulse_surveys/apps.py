from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PulseSurveysConfig(AppConfig):
    name = "pulse_surveys"
    verbose_name = _("Pulse surveys")
