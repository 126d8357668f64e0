"""Driver impact of a closed round: materialised from the answers for the groups shown exactly
and large enough, equal to statsmodels on the same answers, and shown on the results page with
the priority matrix; every group that cannot have it says why in words."""

import datetime as dt
import re

import numpy as np
import pytest
import statsmodels.api as sm
from django.utils import timezone

from pulse_surveys import impact, services
from pulse_surveys.models import (
    Answer,
    DriverAnalysis,
    Invitation,
    Participation,
    Response,
    Round,
    RoundQuestion,
    RoundStatus,
)

pytestmark = pytest.mark.django_db

QUESTION_KEYS = ["recognition-1", "workload-1", "teamwork-1", "growth-1", "enps"]
# Planted effects on the recommendation (0–10) per point of each driver's answer (1–5).
EFFECTS = {"workload-1": 1.4, "recognition-1": 0.8, "teamwork-1": 0.3, "growth-1": 0.0}
CENTRES = {"workload-1": 2.5, "recognition-1": 3.2, "teamwork-1": 3.2, "growth-1": 3.2}


def closed_round(survey, people_by_department: dict, answer_of) -> Round:
    """A closed round in which everyone answers (`answer_of(rng) -> {question key: value}`),
    written as closing a round leaves it, and materialised."""
    now = timezone.now()
    pulse_round = Round.objects.create(
        survey=survey,
        number=survey.rounds.count() + 1,
        status=RoundStatus.CLOSED,
        opens_at=now - dt.timedelta(days=8),
        closes_at=now - dt.timedelta(days=1),
        closed_at=now - dt.timedelta(days=1),
        period=timezone.localdate().replace(day=1),
        anonymity_threshold=survey.anonymity_threshold,
    )
    questions = list(survey.questions.all())
    RoundQuestion.objects.bulk_create(
        RoundQuestion(round=pulse_round, question=question, position=i) for i, question in enumerate(questions)
    )
    rng = np.random.default_rng(2026)  # the same answers whatever ids earlier tests used
    by_key = {question.key: question for question in questions}
    for department, people in people_by_department.items():
        for person in people:
            Invitation.objects.create(round=pulse_round, employee=person, department=department)
            Participation.objects.create(round=pulse_round, employee=person, answered_on=timezone.localdate())
            response = Response.objects.create(round=pulse_round, department=department)
            Answer.objects.bulk_create(
                Answer(round=pulse_round, response=response, question=by_key[key], value=value)
                for key, value in answer_of(rng).items()
            )
    services.round_results_materialise(round_id=pulse_round.pk, rewrite_storage=False)
    pulse_round.refresh_from_db()
    return pulse_round


def planted_answers(rng) -> dict:
    # workload matters most and scores lowest: the driver to act on first, whatever the draw
    likert = {key: int(np.clip(np.rint(CENTRES[key] + rng.normal(scale=1.1)), 1, 5)) for key in EFFECTS}
    enps = 2 + sum(EFFECTS[key] * (likert[key] - 3) for key in EFFECTS) + 5 + rng.normal(scale=1.0)
    return {**likert, "enps": int(np.clip(np.rint(enps), 0, 10))}


def answers_matrix(pulse_round, department=None):
    """Each respondent's answers by question key, read back from the stored answers."""
    rows = Answer.objects.filter(round=pulse_round)
    if department is not None:
        rows = rows.filter(response__department=department)
    by_response: dict = {}
    for response_id, key, value in rows.values_list("response_id", "question__key", "value"):
        by_response.setdefault(response_id, {})[key] = value
    x = np.array([[(r[key] - 1) / 4 * 100 for key in EFFECTS] for r in by_response.values()], dtype=float)
    y = np.array([r["enps"] for r in by_response.values()], dtype=float)
    return x, y


def test_the_whole_audiences_importances_equal_statsmodels_and_come_out_in_the_planted_order(bank, planted_round):
    # given
    stored = DriverAnalysis.objects.get(round=planted_round, is_total=True)
    entry = stored.outcomes[0]
    x, y = answers_matrix(planted_round)
    # then: R² of all drivers equals statsmodels OLS on the same answers
    assert entry["outcome"] == impact.OUTCOME_RECOMMEND
    assert entry["respondents"] == len(y) == 70
    assert entry["r2"] == pytest.approx(sm.OLS(y, sm.add_constant(x)).fit().rsquared, abs=1e-6)
    # and the drivers come out in the planted order
    order = [row["driver"] for row in sorted(entry["drivers"], key=lambda row: -row["importance"])]
    expected = [bank[key].driver_id for key in EFFECTS]
    assert order[:3] == expected[:3]
    assert sum(row["importance"] for row in entry["drivers"]) == pytest.approx(entry["r2"], abs=1e-9)


def test_the_bootstrap_draws_the_same_resamples_whatever_order_the_database_returns_the_answers_in(planted_round):
    # given: the round's answers written again in the reverse order of their responses
    stored = DriverAnalysis.objects.get(round=planted_round, is_total=True).outcomes
    answers = list(Answer.objects.filter(round=planted_round).order_by("-response_id", "question_id"))
    Answer.objects.filter(round=planted_round).delete()
    for answer in answers:
        answer.pk = None
    Answer.objects.bulk_create(answers)
    # when
    data = impact.round_answers(planted_round)
    impact.round_driver_analyses_materialise(round_id=planted_round.pk, draws=300)
    # then: respondents are taken in the order of their response ids, and the intervals stay
    recommend = dict(
        Answer.objects.filter(round=planted_round, question__key="enps").values_list("response_id", "value")
    )
    assert list(data.outcomes[impact.OUTCOME_RECOMMEND]) == [recommend[key] for key in sorted(recommend)]
    assert DriverAnalysis.objects.get(round=planted_round, is_total=True).outcomes == stored


def test_a_department_shown_exactly_with_enough_respondents_gets_its_own_analysis(org, planted_round):
    cs = DriverAnalysis.objects.get(round=planted_round, department=org.cs)
    x, y = answers_matrix(planted_round, org.cs)
    assert cs.reason == ""
    assert cs.outcomes[0]["r2"] == pytest.approx(sm.OLS(y, sm.add_constant(x)).fit().rsquared, abs=1e-6)
    # and one with fewer than max(threshold, 30) respondents says so
    lkt = DriverAnalysis.objects.get(round=planted_round, department=org.lkt)
    assert (lkt.reason, lkt.reason_params, lkt.outcomes) == (
        "too_few_respondents",
        {"respondents": 20, "minimum": 30},
        [],
    )
    assert "at least 30 respondents" in impact.reason_text(lkt.reason, lkt.reason_params)


def test_the_results_page_names_the_driver_to_act_on_first_with_how_sure(client, org, bank, planted_round):
    # given
    client.force_login(org.hana)
    # when
    page = client.get(f"/pulse/results/?round={planted_round.pk}").content.decode()
    # then
    workload = bank["workload-1"].driver
    assert f"Act on {workload.name_en} first" in page or f"Start with {workload.name_en}:" in page
    assert "How sure:" in page
    assert "not proof that changing a driver changes the outcome" in page
    assert f"?target=driver:{workload.key}" in page  # HR may plan an action for it
    assert not re.search(r"\bnan\b", page, flags=re.IGNORECASE)
    assert "ICC(1)" in page


def test_the_summary_names_the_driver_with_most_to_gain_among_those_that_matter(bank, planted_round):
    view = impact.impact_view(pulse_round=planted_round, department_id=None)
    outcome = view.outcomes[0]
    points = outcome.points
    assert [p.share for p in points] == sorted((p.share for p in points), reverse=True)
    middle = float(np.median([p.favourable for p in points]))
    for point in points:
        assert point.act_first == (point.share >= 1 / len(points) and point.favourable <= middle)
    named = outcome.named
    assert named.share >= 1 / len(points)
    pool = outcome.act_first or [p for p in points if p.share >= 1 / len(points)]
    assert named is max(pool, key=lambda p: p.share * (100 - p.favourable))
    assert named.driver == bank["workload-1"].driver  # planted as the strongest by far
    assert named.driver.name in outcome.summary
    for point in points:  # chart coordinates are plain numbers with a dot, inside the plot
        assert outcome.left <= float(point.x) <= outcome.right_edge
        assert outcome.top <= float(point.y) <= outcome.bottom_edge


def test_the_svg_numbers_stay_unlocalised_in_indonesian(client, org, planted_round):
    client.force_login(org.hana)
    page = client.get(f"/pulse/results/?round={planted_round.pk}", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    svg = page[page.index('<svg viewBox="0 0 560 320"') : page.index("</svg>")]
    coordinates = re.findall(r' c[xy]="([^"]+)"', svg)
    assert coordinates and all(re.fullmatch(r"\d+\.\d", value) for value in coordinates)


def test_a_constant_outcome_is_said_in_words_not_shown_as_nan(client, org, pulse_survey, people):
    # given everyone recommends with 8
    pulse_round = closed_round(pulse_survey, people, lambda rng: {**planted_answers(rng), "enps": 8})
    impact.round_driver_analyses_materialise(round_id=pulse_round.pk, draws=50)
    client.force_login(org.hana)
    # when
    response = client.get(f"/pulse/results/?round={pulse_round.pk}")
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "everyone gave the same answer to the outcome question" in page


def test_a_driver_everyone_answered_alike_is_left_out_and_named(pulse_survey, people, bank):
    pulse_round = closed_round(pulse_survey, people, lambda rng: {**planted_answers(rng), "growth-1": 4})
    impact.round_driver_analyses_materialise(round_id=pulse_round.pk, draws=50)
    entry = DriverAnalysis.objects.get(round=pulse_round, is_total=True).outcomes[0]
    assert entry["left_out"] == [bank["growth-1"].driver_id]
    view = impact.impact_view(pulse_round=pulse_round, department_id=None)
    assert view.outcomes[0].left_out == [bank["growth-1"].driver.name]


def test_an_overall_satisfaction_question_is_an_outcome_and_not_a_driver(org, bank, people):
    # given a survey that also asks overall satisfaction (the `overall` driver)
    overall = services.driver_create(key=impact.OVERALL_DRIVER_KEY, name_en="Overall satisfaction")
    question = services.question_create(text_en="Overall, I am satisfied here.", kind="likert", driver=overall)
    question.key = "overall-1"
    question.save()
    survey = services.survey_create(
        title="Pulse with overall",
        questions=[bank[key] for key in QUESTION_KEYS] + [question],
        anonymity_threshold=3,
        actor=org.hana,
    )

    def answers(rng):
        given = planted_answers(rng)
        return {**given, "overall-1": int(np.clip(given["workload-1"] + rng.integers(-1, 2), 1, 5))}

    pulse_round = closed_round(survey, people, answers)
    # when
    impact.round_driver_analyses_materialise(round_id=pulse_round.pk, draws=50)
    # then
    outcomes = DriverAnalysis.objects.get(round=pulse_round, is_total=True).outcomes
    assert [entry["outcome"] for entry in outcomes] == [impact.OUTCOME_RECOMMEND, impact.OUTCOME_SATISFACTION]
    satisfaction = outcomes[1]
    assert overall.pk not in {row["driver"] for row in satisfaction["drivers"]}
    top = max(satisfaction["drivers"], key=lambda row: row["importance"])
    assert top["driver"] == bank["workload-1"].driver_id


def test_agreement_within_units_equals_the_anova_of_the_stored_answers(org, planted_round):
    import pandas as pd
    from statsmodels.formula.api import ols
    from statsmodels.stats.anova import anova_lm

    agreement = DriverAnalysis.objects.get(round=planted_round, is_total=True).agreement
    rows = Answer.objects.filter(round=planted_round, question__kind="likert")
    scores: dict = {}
    for response_id, department_id, value in rows.values_list("response_id", "response__department_id", "value"):
        scores.setdefault((response_id, department_id), []).append((value - 1) / 4 * 100)
    frame = pd.DataFrame([{"unit": unit, "y": np.mean(values)} for (_response, unit), values in scores.items()])
    table = anova_lm(ols("y ~ C(unit)", data=frame).fit())
    msb, msw = table["mean_sq"].iloc[0], table["mean_sq"].iloc[1]
    sizes = frame.groupby("unit").size().to_numpy()
    n, j = len(frame), len(sizes)
    k0 = (n - (sizes**2).sum() / n) / (j - 1)
    assert agreement["icc1"] == pytest.approx((msb - msw) / (msb + (k0 - 1) * msw), abs=1e-6)
    assert agreement["icc2"] == pytest.approx((msb - msw) / msb, abs=1e-6)
    assert agreement["rwg_units"] == 3  # CS 45, LKT 20 and HRD 5, all at least the threshold of 3


def test_a_correlation_report_discloses_whether_its_unit_scores_agree(
    client, org, planted_round, django_capture_on_commit_callbacks
):
    # given a finished report whose period holds the round
    from decimal import Decimal

    from correlation import services as correlation
    from correlation.models import ReportStatus
    from service_quality.services import external_score_create

    this_month = timezone.localdate().replace(day=1)
    external_score_create(
        department=org.cs,
        period=this_month,
        source="skm",
        dimension="ikm",
        value=Decimal("82.5"),
        respondents=40,
        actor=org.hana,
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = correlation.correlation_report_request(
            actor=org.hana,
            period_from=this_month,
            period_to=this_month,
            granularity="month",
            max_lag=0,
            external_source="skm",
            external_dimension="ikm",
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUCCEEDED
    client.force_login(org.hana)
    # when
    page = client.get(f"/reports/{report.pk}/").content.decode()
    # then
    assert "Unit scores used in this report" in page
    assert f"Pulse #{planted_round.number}" in page
    assert "ICC(1)" in page
