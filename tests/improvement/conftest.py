import pytest

from tests.improvement.factories import ActionFactory


@pytest.fixture
def cs_action(org):
    """Budi's action for his own unit, owned by Ani, with Andi on the team."""
    return ActionFactory(actor=org.budi, department=org.cs, owner=org.ani, members=[org.andi], title="Faster counters")


@pytest.fixture
def lkt_action(org):
    """Mira's action for her own unit, owned by Bayu."""
    return ActionFactory(actor=org.mira, department=org.lkt, owner=org.bayu, title="Clear requirements", dimension="u1")
