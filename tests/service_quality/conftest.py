import pytest

from tests.service_quality.factories import SKM_HEADER, csv_bytes, skm_rows


@pytest.fixture
def skm_file(org):
    """An SKM file: three respondents of the customer-service unit (CS) in March 2025."""
    return csv_bytes(SKM_HEADER, skm_rows("CS", "2025-03", [[4] * 9, [3] * 9, [2, 3, 4, 4, 3, 2, 3, 4, 3]]))
