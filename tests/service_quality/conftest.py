import datetime as dt

import pytest
from django.utils import timezone

from service_quality import collecting
from tests.service_quality.factories import SKM_HEADER, csv_bytes, skm_rows


@pytest.fixture
def skm_file(org):
    """An SKM file: three respondents of the customer-service unit (CS) in March 2025."""
    return csv_bytes(SKM_HEADER, skm_rows("CS", "2025-03", [[4] * 9, [3] * 9, [2, 3, 4, 4, 3, 2, 3, 4, 3]]))


@pytest.fixture
def collection(org):
    """CS's SKM collection, open from three days ago to five days on, for 100 customers."""
    today = timezone.localdate()
    return collecting.collection_create(
        department=org.cs,
        period_from=today - dt.timedelta(days=3),
        period_to=today + dt.timedelta(days=5),
        expected_customers=100,
        actor=org.hana,
    )
