"""Comment fixtures: the pulse survey of tests/pulse_surveys and an SKM collection, and a
people directory with names that are also everyday words."""

import datetime as dt

import pytest
from django.utils import timezone

from service_quality import collecting
from tests.factories import UserFactory
from tests.pulse_surveys.conftest import bank, staff, survey  # noqa: F401 (fixtures)

# first name, last name of the colleagues comments speak of
COLLEAGUES = [
    ("Suryanto", "Wibowo"),
    ("Sri", "Wahyuni"),
    ("Budi", "Santoso"),
    ("Indah", "Lestari"),
    ("Kurniawan", "Pratama"),
    ("Achmad", "Fauzi"),
    ("Fatimah", "Zahra"),
    ("Rahmawati", "Siregar"),
    ("Bagus", "Hartono"),
    ("Dinda", "Ayuningtyas"),
]


@pytest.fixture
def colleagues(org):
    return [UserFactory(first_name=first, last_name=last, department=org.cs) for first, last in COLLEAGUES]


@pytest.fixture
def collection(org):
    today = timezone.localdate()
    return collecting.collection_create(
        department=org.cs,
        period_from=today - dt.timedelta(days=3),
        period_to=today + dt.timedelta(days=5),
        expected_customers=100,
        actor=org.hana,
    )
