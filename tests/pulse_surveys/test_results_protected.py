"""A group that gains one person between two rounds is shown with stored protective noise."""

import pytest

from pulse_surveys import services
from pulse_surveys.models import RoundResult
from tests.factories import DepartmentFactory, UserFactory
from tests.pulse_surveys.conftest import answer, close, open_round

pytestmark = pytest.mark.django_db

FIELDS = ("score", "score_margin", "score_noise_scale", "enps", "enps_margin", "epsilon", "protected")


@pytest.fixture
def two_rounds(bank):
    """Round 1: forty people of a unit answer; round 2: the same forty and one newcomer."""
    hr = UserFactory(role="hr")
    unit = DepartmentFactory(code="BIG", name="Big unit")
    people = [UserFactory(department=unit) for _ in range(40)]
    survey = services.survey_create(
        title="Pulse",
        questions=[bank["recognition-1"], bank["workload-1"], bank["enps"], bank["comment-improve"]],
        anonymity_threshold=5,
        actor=hr,
        departments=[unit],
    )
    first = open_round(survey)
    for index, person in enumerate(people):
        answer(first, person, likert=1 + index % 5, enps=index % 11, comment=f"first {index}")
    close(first)
    people.append(UserFactory(department=unit))
    second = open_round(survey)
    for index, person in enumerate(people):
        answer(second, person, likert=1 + index % 5, enps=index % 11, comment=f"second {index}")
    close(second)
    return {"hr": hr, "unit": unit, "first": first, "second": second}


def _stored(pulse_round, unit):
    return RoundResult.objects.get(round=pulse_round, department=unit)


def test_the_unit_that_gained_one_person_is_shown_with_its_noise(two_rounds, api):
    first, second, unit = two_rounds["first"], two_rounds["second"], two_rounds["unit"]
    assert not _stored(first, unit).protected
    stored = _stored(second, unit)
    # then the newcomer's round shows the unit protected, not hidden
    assert stored.protected and not stored.suppressed and stored.reason == ""
    assert 0 < stored.score_margin <= 25 and stored.score == round(stored.score)
    assert stored.score_noise_scale == pytest.approx(4 * 2 / stored.epsilon)
    assert stored.distributions == {} and len(stored.comments) == 41
    # and the whole audience, the same 41 people, shows the same figures
    total = RoundResult.objects.get(round=second, is_total=True)
    assert [getattr(total, f) for f in FIELDS] == [getattr(stored, f) for f in FIELDS]


def test_the_api_page_and_export_carry_the_stored_figure_every_time(two_rounds, api, client):
    second, unit, hr = two_rounds["second"], two_rounds["unit"], two_rounds["hr"]
    stored = _stored(second, unit)
    url = f"/api/v1/pulse/rounds/{second.pk}/results/?department={unit.pk}"
    # when read three times
    reads = [api(hr).get(url).json() for _ in range(3)]
    # then each read is the stored figure with its margin and the note
    assert reads[0] == reads[1] == reads[2]
    assert reads[0]["protected"] is True and reads[0]["score"] == stored.score
    assert reads[0]["score_margin"] == stored.score_margin and "noise" in reads[0]["note"]
    assert "distributions" not in reads[0]
    assert [getattr(_stored(second, unit), f) for f in FIELDS] == [getattr(stored, f) for f in FIELDS]
    # and the page shows "63 ± 9 / 100, protected" with the note
    client.force_login(hr)
    page = client.get(f"/pulse/results/?round={second.pk}&department={unit.pk}").content.decode()
    assert f"{stored.score:.0f} ± {stored.score_margin:.0f} / 100, protected" in page
    assert "drawn once and kept" in page
    # and the export carries no more precise figure than the page
    export = client.get("/insights/export/heatmap.csv").content.decode()
    header, *rows = [line.split(",") for line in export.strip().splitlines()]
    row = dict(zip(header, next(r for r in rows if r[1] == "BIG"), strict=False))
    assert float(row["score"]) == stored.score and row["protected"] == "yes"
    assert float(row["score_margin"]) == stored.score_margin


def test_the_series_behind_correlation_reports_says_which_unit_months_carry_noise(two_rounds):
    from pulse_surveys.selectors import internal_satisfaction_series

    second, unit = two_rounds["second"], two_rounds["unit"]
    stored = _stored(second, unit)
    rows = internal_satisfaction_series(
        period_from=second.period, period_to=second.period, department_ids=[unit.pk], metrics=["overall"]
    )
    # both rounds closed this month: one exact result of 40, one protected of 41, pooled
    (row,) = rows
    assert row["protected"] == 1 and row["respondents"] == 81
    assert row["noise_variance"] == pytest.approx(stored.score_noise_variance * 41**2 / 81**2)
    assert stored.score_noise_variance > 0


def test_a_correlation_report_says_how_many_unit_months_carry_noise(two_rounds, org):
    from correlation import inputs
    from correlation.interpretation import missing_input_sentence

    # given the protected unit's month, and another (exact) unit in the same month
    second = two_rounds["second"]
    read = inputs.read(period_from=second.period, period_to=second.period, external_source="skm")
    # then the report notes one protected unit-month, and says what its noise does
    (note,) = [n for n in read.notes if n.startswith("protected:")]
    protected, months, attenuation = note.split(":")[1:]
    assert protected == "1" and int(months) >= 1 and 0 <= float(attenuation) <= 1
    assert "carry protective noise" in missing_input_sentence(note)


def test_the_results_pdf_carries_the_page_s_figures_and_no_more_precise_one(two_rounds, client):
    import io

    from pypdf import PdfReader

    second, unit, hr = two_rounds["second"], two_rounds["unit"], two_rounds["hr"]
    stored = _stored(second, unit)
    client.force_login(hr)
    page = client.get(f"/pulse/results/?round={second.pk}&department={unit.pk}", headers={"accept-language": "en"})
    assert f"/pulse/results.pdf?round={second.pk}&amp;department={unit.pk}" in page.content.decode()
    # when the group's results are downloaded as PDF, twice
    url = f"/pulse/results.pdf?round={second.pk}&department={unit.pk}"
    downloads = [client.get(url, headers={"accept-language": "en"}) for _ in range(2)]
    assert downloads[0]["Content-Type"] == "application/pdf"
    texts = [
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(d.content)).pages).replace("\n", " ") for d in downloads
    ]
    # then each carries the stored figure with its noise interval and the note, as the page does
    assert texts[0] == texts[1]
    assert f"{stored.score:.0f} ± {stored.score_margin:.0f}, protected" in texts[0]
    assert "drawn once and kept" in texts[0]
    assert "Big unit" in texts[0] and "41 of 41" in texts[0]
    # and no figure more precise than the page's whole points
    assert f"{stored.score:.1f}" not in texts[0]
    # in Bahasa Indonesia too
    indonesian = client.get(url, headers={"accept-language": "id"})
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(indonesian.content)).pages)
    assert "dilindungi" in text


def test_the_results_pdf_is_guarded_as_the_page_is(two_rounds, client):
    second, unit = two_rounds["second"], two_rounds["unit"]
    employee = UserFactory(department=unit)
    client.force_login(employee)
    assert client.get(f"/pulse/results.pdf?round={second.pk}").status_code == 403
    other = DepartmentFactory(code="OTH")
    manager = UserFactory(role="manager", department=other)
    client.force_login(manager)
    assert client.get(f"/pulse/results.pdf?round={second.pk}&department={unit.pk}").status_code == 404
    client.force_login(two_rounds["hr"])
    assert client.get("/pulse/results.pdf?round=999999").status_code == 404


@pytest.mark.parametrize(("value", "places", "written"), [(12.5, 0, "13"), (62.25, 1, "62.3"), (-12.5, 0, "-13")])
def test_the_pdf_rounds_a_figure_as_the_page_does(value, places, written):
    from django.template import Context, Template

    from pulse_surveys.pdf import figure

    page = Template("{{ value|floatformat:places }}").render(Context({"value": value, "places": places}))
    assert figure(value, places) == page == written
