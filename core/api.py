"""Shared pieces of every Prima API: the error format, pagination, and the refusal of a body
that is not JSON."""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import Conflict, NotAllowed, TooManyRequests


def _validation_payload(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def exception_handler(exc, context):
    """DRF's handler, plus the errors services raise: every failure is JSON, never a 500
    for bad input."""
    if isinstance(exc, DjangoValidationError):
        return Response(_validation_payload(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc.message), "code": exc.code}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, TooManyRequests):
        return Response(
            {"detail": str(exc.message), "code": exc.code},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": "60"},
        )
    if isinstance(exc, NotAllowed):
        return Response({"detail": str(exc.message), "code": exc.code}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, IntegrityError):
        return Response(
            {"detail": _("This conflicts with data that already exists."), "code": "integrity"},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def _refuse_constant(name):
    raise ValueError(_("%(name)s is not a JSON number") % {"name": name})


class MalformedJSONMiddleware:
    """A write to the API that says it sends JSON and sends something else is refused with 400
    before any view runs. DRF parses a body only when a view reads it, so without this the
    actions that take none (approve, cancel, close, fulfil, DELETE) would ignore a broken body
    and act on the request."""

    WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in self.WRITES
            and request.path.startswith("/api/")
            and (request.content_type == "application/json" or request.content_type.endswith("+json"))
            and request.body
        ):
            try:
                json.loads(request.body, parse_constant=_refuse_constant)
            except (ValueError, UnicodeDecodeError) as error:
                return JsonResponse(
                    {"detail": _("The body is not valid JSON: %(error)s") % {"error": error}, "code": "parse_error"},
                    status=400,
                )
        return self.get_response(request)
