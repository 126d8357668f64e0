from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Prima core")


# Django's own words that its Indonesian catalogue does not carry yet; this catalogue supplies
# them (an app's catalogue wins over Django's).
DJANGO_WORDS_FOR_INDONESIAN = [
    gettext_noop("- Select an option -"),  # a choice field's empty choice
]
