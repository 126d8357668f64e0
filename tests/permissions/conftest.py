"""The personas, and one object of every kind the matrix's URLs name (tests/builders.py)."""

import pytest

from tests.builders import objects_of_every_kind, personas_of


@pytest.fixture
def personas(org):
    return personas_of(org)


@pytest.fixture
def objects(org):
    """Ids the matrix's `{placeholders}` name."""
    return objects_of_every_kind(org)
