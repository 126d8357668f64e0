"""Errors that services raise and every interface (API, pages, commands) understands.

Bad input is Django's `ValidationError` (400 in the API); these are the other outcomes.
"""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    default_message = _("The request could not be completed.")

    def __init__(self, message=None, *, code: str = "error"):
        self.message = message or self.default_message
        self.code = code
        super().__init__(str(self.message))


class Conflict(ServiceError):
    """The current state (or a duplicate) does not allow the change: HTTP 409."""

    default_message = _("The current state does not allow this change.")


class NotAllowed(ServiceError):
    """The actor may not do this: HTTP 403."""

    default_message = _("You are not allowed to do this.")


class TooManyRequests(ServiceError):
    """Too many requests from one sender in a short time: HTTP 429."""

    default_message = _("Too many requests; please wait a minute and try again.")
