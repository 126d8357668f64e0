import datetime as dt

import pytest

from leave import services
from leave.models import EmployeeLeavePolicy, LeavePolicy
from tests.leave.factories import LeaveTypeFactory

# A week in 2027 with no holiday: Monday 7 June to Friday 11 June.
MONDAY = dt.date(2027, 6, 7)


@pytest.fixture
def policies(db):
    """The shipped policies (a transactional test's flush removes the migration's copy)."""
    services.leave_policies_install_defaults()
    return {policy.code: policy for policy in LeavePolicy.objects.all()}


@pytest.fixture
def private(policies):
    return policies["private"]


@pytest.fixture
def pns(policies):
    return policies["civil_service"]


@pytest.fixture
def on_policy():
    """`on_policy(employee, policy)` puts an employee on a policy."""

    def assign(employee, policy):
        EmployeeLeavePolicy.objects.update_or_create(employee=employee, defaults={"policy": policy})
        return employee

    return assign


@pytest.fixture
def test_type(policies):
    """A balance-limited type of the default (private) policy, no accrual, half days allowed."""
    return LeaveTypeFactory()


@pytest.fixture
def hr_type(policies):
    return LeaveTypeFactory(requires_hr_approval=True)


@pytest.fixture(autouse=True)
def _attachments_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
