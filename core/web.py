"""How a page refuses someone: the one role guard every page uses.

`@page_for(is_hr, is_manager)` opens a page to whoever passes any of the checks (the checks
live with the roles, in `employees.permissions`); anyone else signed in gets 403 and a visitor
is sent to sign in. Inside a page, `refuse_unless(allowed)` refuses for a rule the decorator
cannot know before the object is loaded (a manager outside their scope, a step HR alone
takes). No other module raises `PermissionDenied` for a page."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed

Check = Callable[[object], bool]


def refuse_unless(allowed: bool) -> None:
    """403 unless `allowed`."""
    if not allowed:
        raise PermissionDenied


def page_for(*checks: Check, methods: list[str] | None = None):
    """A page for signed-in people who pass at least one of `checks`; 403 for everyone else.
    With `methods`, another method is answered 405 once the person is signed in and before
    the checks (a visitor is still sent to sign in first)."""
    if not checks:
        raise TypeError("page_for needs at least one check")

    def decorate(view):
        @login_required
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if methods is not None and request.method not in methods:
                return HttpResponseNotAllowed(methods)
            refuse_unless(any(check(request.user) for check in checks))
            return view(request, *args, **kwargs)

        guarded.page_checks = checks
        return guarded

    return decorate
