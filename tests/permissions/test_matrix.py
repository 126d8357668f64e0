"""The permission matrix: every route × method × persona answers the status in matrix.yaml.

To review the matrix after changing routes, run with MATRIX_RECORD=path: every case then
writes what it observed to that file (one JSON line per case) instead of asserting — compare
it with matrix.yaml by hand; never copy it over unread.
"""

import json
import os
from pathlib import Path

import pytest
import yaml
from django.db import transaction
from rest_framework.test import APIClient

from tests.permissions.routes import all_routes, api_write_operations

MATRIX = yaml.safe_load((Path(__file__).parent / "matrix.yaml").read_text())
PERSONAS = ["anonymous", "employee", "employee_other", "manager", "manager_elsewhere", "hr", "leadership"]
METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"]
RECORD = os.environ.get("MATRIX_RECORD")


def expected_status(spec: dict, method: str, persona: str):
    row = spec[method]
    return row.get(persona, row.get("*"))


def routes():
    return [pytest.param(route, id=route or "/") for route in MATRIX]


def test_every_route_is_in_the_matrix():
    missing = sorted(all_routes() - set(MATRIX))
    assert missing == [], "classify these routes in tests/permissions/matrix.yaml"


def test_the_matrix_names_no_route_that_does_not_exist():
    assert sorted(set(MATRIX) - all_routes()) == []


def test_every_persona_is_covered_for_every_method():
    for route, spec in MATRIX.items():
        for method in METHODS:
            if method in spec:
                for persona in PERSONAS:
                    assert isinstance(expected_status(spec, method, persona), int), (route, method, persona)


class _Rollback(Exception):
    pass


def _answer(client: APIClient, method: str, url: str, body: dict) -> int:
    """One request inside a savepoint that is rolled back, so that every persona meets the
    same objects (an approval by one does not change what the next one sees)."""
    status = None
    try:
        with transaction.atomic():
            if method == "GET":
                status = client.get(url).status_code
            else:
                status = getattr(client, method.lower())(url, body, format="json").status_code
            raise _Rollback
    except _Rollback:
        pass
    return status


@pytest.mark.django_db
@pytest.mark.parametrize("route", routes())
def test_the_route_answers_as_the_matrix_says(route, personas, objects):
    spec = MATRIX[route]
    url = spec["url"].format(**objects)
    wrong = []
    for method in METHODS:
        if method not in spec:
            continue
        body = spec.get("body", {}).get(method, {})
        for persona in PERSONAS:
            client = APIClient()
            if personas[persona] is not None:
                client.force_login(personas[persona])
            status = _answer(client, method, url, body)
            if RECORD:
                with open(RECORD, "a") as handle:
                    handle.write(json.dumps([route, method, persona, status]) + "\n")
                continue
            expected = expected_status(spec, method, persona)
            if status != expected:
                wrong.append(f"{method} {url} as {persona}: {status}, expected {expected}")
    assert wrong == []


def test_every_method_a_route_of_the_api_takes_is_in_the_matrix():
    missing = sorted((route, method) for route, method in api_write_operations() if method not in MATRIX.get(route, {}))
    assert missing == [], "classify these methods in tests/permissions/matrix.yaml"
