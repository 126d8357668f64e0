"""The demo's service quality: a year of SKM results per demo service unit, imported once, with
the directions the correlation reports should find."""

import random

import numpy as np
import pytest
from django.test import TestCase
from django.utils import timezone

from core.demo import DemoOrg
from core.periods import Period
from employees import demo as employees_demo
from service_quality import collection_selectors, demo, selectors
from service_quality.models import ExternalScore, ImportStatus, Origin, ScoreImport, SkmCollection, SkmResponse
from tests.shared_rows import written_once

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_org(django_db_setup, django_db_blocker):
    with written_once(django_db_blocker):
        org = DemoOrg(today=timezone.localdate(), rng=random.Random(2026))
        employees_demo.seed(org)
        with TestCase.captureOnCommitCallbacks(execute=True):  # the collected answers' series jobs
            demo.seed(org)
        yield org


def test_every_service_unit_has_twelve_months_of_ikm(demo_org):
    for code in demo.STAFF_TREND:
        trend = selectors.ikm_trend(department=demo_org.departments[code])
        collected_this_month = 1 if code in demo.COLLECTING_UNITS else 0
        assert len(trend) == demo.MONTHS + collected_this_month, code
    assert set(ScoreImport.objects.values_list("status", flat=True)) == {ImportStatus.SUCCEEDED}
    # this month, collected at the public form: answers, some verified, the IKM in the series
    for code in demo.COLLECTING_UNITS:
        collection = SkmCollection.objects.get(department=demo_org.departments[code])
        results = collection_selectors.collection_results(collection)
        assert results.responses == demo.COLLECTING_UNITS[code][1]
        assert 0 < results.verified < results.responses
        series = ExternalScore.objects.get(
            department=collection.department, period=Period.of(demo_org.today).first_day, dimension="ikm"
        )
        assert (series.origin, series.value) == (Origin.COLLECTED, results.ikm)


def test_layanan_pelanggan_improves_and_cabang_surabaya_declines(demo_org):
    def slope(code: str) -> float:
        values = [float(result.ikm) for result in selectors.ikm_trend(department=demo_org.departments[code])]
        return float(np.polyfit(np.arange(len(values)), values, 1)[0])

    assert slope("LYN-PLG") > 1.0
    assert slope("CAB-SBY") < -1.0


def test_some_samples_are_too_small_to_show_the_flag(demo_org):
    flagged = {card["department"].code for card in selectors.ikm_overview() if card["result"].sample_too_small}
    assert "PGD" in flagged


def test_csat_servqual_and_earlier_engagement_results_are_there(demo_org):
    assert ExternalScore.objects.filter(source="csat").exists()
    assert selectors.servqual_results(department=demo_org.departments["LYN-DIG"])[-1][1].level is not None
    assert ScoreImport.objects.get(file_name=demo.INTERNAL_FILE).rows_imported == 2 * len(demo.STAFF_TREND)


def test_seeding_again_changes_nothing(demo_org):
    counts = (ScoreImport.objects.count(), SkmResponse.objects.count(), ExternalScore.objects.count())
    demo.seed(demo_org)
    assert (ScoreImport.objects.count(), SkmResponse.objects.count(), ExternalScore.objects.count()) == counts
