"""The personas' organisation plus what rewards need: a second HR person (hadi), so that
someone other than the creator can decide, and 2026 bonus budgets for both service units."""

from decimal import Decimal

import pytest

from tests.factories import UserFactory
from tests.rewards.factories import BonusBudgetFactory


@pytest.fixture
def rorg(org):
    org.hadi = UserFactory(username="hadi", role="hr", department=org.hrd)
    org.cs_budget = BonusBudgetFactory(department=org.cs, year=2026, amount=Decimal("10000000.00"))
    org.lkt_budget = BonusBudgetFactory(department=org.lkt, year=2026, amount=Decimal("5000000.00"))
    return org
