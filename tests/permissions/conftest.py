"""The personas, and one object of every kind the matrix's URLs name (tests/builders.py)."""

import pytest

from tests.builders import objects_of_every_kind


@pytest.fixture
def personas(org):
    return {
        "anonymous": None,
        "employee": org.ani,
        "employee_other": org.bayu,
        "manager": org.budi,
        "manager_elsewhere": org.mira,
        "hr": org.hana,
        "leadership": org.lina,
    }


@pytest.fixture
def objects(org):
    """Ids the matrix's `{placeholders}` name."""
    return objects_of_every_kind(org)
