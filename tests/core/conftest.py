"""The personas' organisation with one object of every kind, shared by the page walks."""

from dataclasses import dataclass

import pytest

import tests.conftest
from tests.builders import objects_of_every_kind, personas_of
from tests.shared_rows import written_once


@dataclass
class World:
    personas: dict
    ids: dict


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module (inside a transaction rolled back at its end); every test
    runs in a savepoint of it."""
    with written_once(django_db_blocker):
        org = tests.conftest.org.__wrapped__(None)
        ids = objects_of_every_kind(org)
        yield World(personas_of(org), ids)
