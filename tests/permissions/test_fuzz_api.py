"""Schemathesis over the OpenAPI schema, signed in as HR and as an employee: no answer is a 500
and every answer matches the schema. The number of examples per operation is bounded
(FUZZ_EXAMPLES, default 6) so that CI stays quick."""

import os

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from config.wsgi import application
from tests.factories import DepartmentFactory, UserFactory

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = application
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
# No 500, and every documented answer has the documented shape. Error statuses (400, 403, 404,
# 409) are the contract's, listed in docs/CONTRACT.md rather than per operation in the schema.
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the WSGI application, whose request signals would close the test's
    database connection (and with it the test transaction); Django's own test client
    disconnects them the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["hr", "employee"])
def token(request, db):
    department = DepartmentFactory(code=f"FZ-{request.param}")
    user = UserFactory(username=f"fuzz-{request.param}", role=request.param, department=department)
    return Token.objects.create(user=user).key


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_never_fails_and_always_matches_its_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
