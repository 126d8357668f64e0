"""The audit trail: HR reads it, nobody changes it, and it never holds survey answers."""

import pytest

from core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_hr_reads_the_trail_newest_first_and_filters_by_action(org, api):
    api(org.hana).patch(f"/api/v1/employees/{org.ani.pk}/", {"role": "manager"}, format="json")
    api(org.hana).post("/api/v1/employees/", {"username": "dodi", "password": "kopi-susu-di-pagi-hari"}, format="json")
    rows = api(org.hana).get("/api/v1/audit/?action=employees.").json()["results"]
    assert [row["action"] for row in rows] == ["employees.create", "employees.role.change"]
    assert rows[1]["actor_username"] == "hana"


@pytest.mark.parametrize("persona", ["ani", "budi", "lina"])
def test_others_cannot_read_it(org, api, persona):
    assert api(getattr(org, persona)).get("/api/v1/audit/").status_code == 403


def test_the_api_offers_no_way_to_change_an_entry(org, api):
    from core.audit import audit_record

    entry = audit_record(actor=org.hana, action="test.entry", summary="kept")
    client = api(org.hana)
    assert client.patch(f"/api/v1/audit/{entry.pk}/", {"summary": "x"}, format="json").status_code in (403, 405)
    assert client.delete(f"/api/v1/audit/{entry.pk}/").status_code in (403, 405)
    assert AuditEntry.objects.get(pk=entry.pk).summary == "kept"


def test_answering_a_pulse_leaves_nothing_in_the_trail(org):
    from pulse_surveys import services
    from pulse_surveys.bank import bank_load
    from pulse_surveys.models import Question
    from tests.pulse_surveys.conftest import answers_for, open_round

    bank_load()
    survey = services.survey_create(
        title="Pulse", questions=list(Question.objects.filter(kind="likert")[:2]), actor=org.hana
    )
    before = AuditEntry.objects.count()
    pulse_round = open_round(survey)
    services.response_submit(pulse_round=pulse_round, employee=org.ani, answers=answers_for(pulse_round, likert=2))
    assert not AuditEntry.objects.filter(pk__gt=0).exclude(action__startswith="pulse.").filter(actor=org.ani).exists()
    assert AuditEntry.objects.filter(actor=org.ani).count() == 0
    assert AuditEntry.objects.count() - before <= 1  # at most the round's opening, never the answer
