import pytest

from pulse_surveys import services as pulse
from pulse_surveys.models import Question
from tests.factories import UserFactory
from tests.improvement.factories import ActionFactory


@pytest.fixture
def cs_action(org):
    """Budi's action for his own unit, owned by Ani, with Andi on the team."""
    return ActionFactory(actor=org.budi, department=org.cs, owner=org.ani, members=[org.andi], title="Faster counters")


@pytest.fixture
def lkt_action(org):
    """Mira's action for her own unit, owned by Bayu."""
    return ActionFactory(actor=org.mira, department=org.lkt, owner=org.bayu, title="Clear requirements", dimension="u1")


@pytest.fixture
def cs_team(org):
    """Layanan Pelanggan with seven people: Budi, Ani, Andi and four more."""
    extra = [UserFactory(username=f"cs{n}", department=org.cs, manager=org.budi) for n in range(4)]
    return [org.budi, org.ani, org.andi, *extra]


@pytest.fixture
def teamwork_survey(org, cs_team):
    questions = list(Question.objects.filter(driver__key="teamwork", kind="likert").order_by("id"))
    assert len(questions) >= 2
    return pulse.survey_create(title="Teamwork pulse", questions=questions, departments=[org.cs], anonymity_threshold=3)
