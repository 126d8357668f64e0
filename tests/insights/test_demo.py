"""The demo's leadership dashboard says where to act first: the driver planted to matter most for
both engagement and customers' IKM, and scoring lowest, named in one sentence with how sure it
is, beside the three things staff write about most."""

import random
import re

import pytest
from django.test import TestCase
from django.utils import timezone

from core.demo import DemoOrg
from employees import demo as employees_demo
from pulse_surveys import demo as pulse_demo
from pulse_surveys import unit_impact
from pulse_surveys.models import DriverAnalysis, Round, RoundStatus
from service_quality import demo as service_quality_demo
from tests.shared_rows import written_once

pytestmark = pytest.mark.django_db

URL = "/insights/"


@pytest.fixture(scope="module")
def demo_org(django_db_setup, django_db_blocker):
    with written_once(django_db_blocker):
        org = DemoOrg(today=timezone.localdate(), rng=random.Random(2026))
        employees_demo.seed(org)
        pulse_demo.seed(org)
        with TestCase.captureOnCommitCallbacks(execute=True):  # the IKM refresh after the SKM import
            service_quality_demo.seed(org)
        yield org


def _text(html: str, css_class: str) -> str:
    match = re.search(rf'class="[^"]*{css_class}[^"]*">(.*?)</p>', html, re.S)
    assert match, css_class
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip()


def test_enough_service_units_have_shown_driver_scores_and_an_ikm_for_driver_impact(demo_org):
    latest = Round.objects.filter(status=RoundStatus.CLOSED).order_by("-number").first()
    units, driver_ids, _x, _y, _protected = unit_impact.unit_table(latest)
    assert len(units) >= unit_impact.units_needed(len(driver_ids))
    ikm = DriverAnalysis.objects.get(round=latest, outcome=DriverAnalysis.Outcome.IKM)
    assert ikm.reason == ""
    assert ikm.outcomes[0]["units"] == len(units)


@pytest.mark.parametrize(
    ("language", "headline", "sureness"),
    [
        (
            "en",
            "Act on Workload and leave first: it matters most for both engagement and IKM here, and it scores lowest",
            "How sure: it was of above-average importance in",
        ),
        (
            "id",
            "Tangani Beban kerja dan cuti lebih dulu: pendorong ini paling berpengaruh bagi keterlibatan dan IKM di "
            "sini, dan skornya paling rendah",
            "Seberapa yakin:",
        ),
    ],
)
def test_the_leadership_dashboard_names_workload_first_for_engagement_and_ikm(
    demo_org, client, language, headline, sureness
):
    client.force_login(demo_org.people["leadership"])
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    sentence = _text(html, "impact-headline")
    assert sentence.startswith(headline), sentence
    assert sureness in sentence
    # how sure, in both resamplings: at least nine in ten
    shares = [int(value) for value in re.findall(r"(\d+)%", sentence.split(sureness)[1])]
    assert len(shares) == 2 and min(shares) >= 90, sentence


def test_the_dashboard_lists_the_three_things_staff_write_about_most(demo_org, client):
    client.force_login(demo_org.people["leadership"])
    html = client.get(URL).content.decode()
    section = html[html.index('id="comment-themes-heading"') :]
    staff = section[: section.index("<h3>", section.index("<h3>") + 1)]
    themes = re.findall(r"<li>(.*?) <span", staff)
    assert len(themes) == 3, themes
    counts = [int(count) for count in re.findall(r"\((\d+) comments?\)", staff)]
    assert counts == sorted(counts, reverse=True) and counts[-1] > 0
