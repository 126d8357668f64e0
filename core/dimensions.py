"""The service-quality dimensions Prima speaks of (dimensi mutu pelayanan). Recognitions,
external scores, action plans and reports all use these keys, so that like is compared with
like. How SKM elements and SERVQUAL dimensions map onto them lives in `service_quality`."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceDimension(models.TextChoices):
    TIMELINESS = "timeliness", _("timeliness")
    ACCURACY = "accuracy", _("accuracy of service")
    RESPONSIBILITY = "responsibility", _("responsibility")
    COURTESY = "courtesy", _("courtesy and friendliness")
    ACCESSIBILITY = "accessibility", _("ease of getting service")
    COMFORT = "comfort", _("comfort")
