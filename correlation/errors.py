"""Errors a report's job treats as passing: another try, with backoff, may well succeed."""

from django.db import InterfaceError, OperationalError

# A database restarting or a dropped connection.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
