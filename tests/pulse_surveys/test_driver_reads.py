"""Pages and the API only read driver impact: a round closed before driver impact existed says
so until the nightly job has computed it, and no GET writes an analysis."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pulse_surveys.models import DriverAnalysis
from tasks.schedule import BEAT_SCHEDULE
from tasks.surveys import survey_driver_analyses_backfill_task
from tests.pulse_surveys.test_driver_impact import closed_round, planted_answers

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def test_no_page_or_api_read_computes_driver_impact_and_the_nightly_job_does(client, api, org, pulse_survey, people):
    # given a round whose results are out but whose driver impact was never computed
    pulse_round = closed_round(pulse_survey, people, planted_answers)
    assert not DriverAnalysis.objects.filter(round=pulse_round).exists()
    client.force_login(org.hana)
    urls = [f"/pulse/results/?round={pulse_round.pk}", f"/pulse/heatmap/?round={pulse_round.pk}", "/"]
    # when HR and leadership read the pages and the API
    with CaptureQueriesContext(connection) as queries:
        pages = [client.get(url, headers={"accept-language": "en"}) for url in urls]
        client.force_login(org.lina)
        pages.append(client.get("/", headers={"accept-language": "en"}))
        answer = api(org.hana).get(f"/api/v1/pulse/rounds/{pulse_round.pk}/driver-impact/")
    # then nothing is written about driver impact, and the results page says it is not computed yet
    assert all(page.status_code == 200 for page in pages) and answer.status_code == 200
    written = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert not [sql for sql in written if "driveranalysis" in sql.lower()]
    assert not DriverAnalysis.objects.filter(round=pulse_round).exists()
    assert "Driver impact has not been computed for this round yet." in pages[0].content.decode()
    # when the nightly job runs (twice: it is idempotent)
    assert BEAT_SCHEDULE["pulse-driver-analyses-backfill"]["task"] == survey_driver_analyses_backfill_task.name
    assert survey_driver_analyses_backfill_task() == [pulse_round.pk]
    assert survey_driver_analyses_backfill_task() == []
    # then the page shows the analysis it stored
    client.force_login(org.hana)
    page = client.get(f"/pulse/results/?round={pulse_round.pk}", headers={"accept-language": "en"}).content.decode()
    assert DriverAnalysis.objects.filter(round=pulse_round, is_total=True, outcome="engagement").exists()
    assert "Driver impact has not been computed for this round yet." not in page
