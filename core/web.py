"""The web kit of every page: how a page refuses someone (the one role guard) and how a
service's refusal reaches the person (form errors or messages).

`@page_for(is_hr, is_manager)` opens a page to whoever passes any of the checks (the checks
live with the roles, in `employees.permissions`); anyone else signed in gets 403 and a visitor
is sent to sign in. Inside a page, `refuse_unless(allowed)` refuses for a rule the decorator
cannot know before the object is loaded (a manager outside their scope, a step HR alone
takes). No other module raises `PermissionDenied` for a page."""

from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed

from core.errors import Conflict, NotAllowed

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


def form_errors_from(form: forms.Form, error: Exception, *, fields: dict[str, str] | None = None) -> None:
    """Shows a service's refusal on the form: each field's errors on that field (or on the form
    field that `fields` names for it), the rest on top of the form."""
    fields = fields or {}
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            name = fields.get(field, field)
            form.add_error(name if name in form.fields else None, problems)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    else:
        form.add_error(None, str(error.message))


def error_lines(error: ValidationError, labels: dict[str, str] | None = None) -> list[str]:
    """Each problem of a refusal as a line, for a page whose form is not a Django form; led by
    the label of what it concerns when `labels` names it."""
    problems = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    labels = labels or {}
    return [
        f"{labels[field]} — {problem}" if field in labels else str(problem)
        for field, field_problems in problems
        for problem in field_problems
    ]


def service_call(request, form: forms.Form | None, call: Callable[[], object]) -> bool:
    """Runs a service call from a page; True when it went through. A refusal field by field
    goes on `form` when there is one, any other refusal becomes an error message."""
    try:
        call()
    except ValidationError as error:
        if form is not None and hasattr(error, "error_dict"):
            form_errors_from(form, error)
        else:
            messages.error(request, " ".join(error.messages))
        return False
    except (Conflict, NotAllowed) as error:
        messages.error(request, str(error.message))
        return False
    return True
