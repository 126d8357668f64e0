"""HR's link to the comment themes."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.extensions import SECTION_HR, NavItem
from employees.permissions import is_hr


def nav_items(user) -> list[NavItem]:
    if not is_hr(user):
        return []
    return [NavItem(_("Comment themes"), reverse("feedback:themes"), order=80, section=SECTION_HR)]
