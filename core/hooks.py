"""The links every signed-in person has: the home page and the inbox."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.extensions import INBOX_ALL, NavItem


def nav_items(user) -> list[NavItem]:
    return [
        NavItem(_("Home"), reverse("home"), order=0),
        NavItem(_("Inbox"), reverse("inbox"), order=1, inbox_kind=INBOX_ALL),
    ]
