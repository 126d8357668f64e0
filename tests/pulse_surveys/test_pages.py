"""The pulse pages for each role, and the home-page panels."""

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from django.utils.html import escape

from employees.models import Department
from pulse_surveys import hooks, selectors, views
from pulse_surveys.models import Participation, Round, RoundResult, Survey
from tests.pulse_surveys.conftest import answer, close, open_round

pytestmark = pytest.mark.django_db


def home_panels_html(user) -> str:
    """The pulse panels of the home page, rendered as the home page renders them."""
    request = RequestFactory().get("/")
    request.user = user
    return "".join(
        f"<h2>{escape(panel.title)}</h2>" + render_to_string(panel.template, {"panel": panel}, request=request)
        for panel in hooks.home_panels(request)
    )


def test_an_employee_sees_their_open_pulse_and_answers_it_on_the_form(org, survey, client):
    pulse_round = open_round(survey)
    client.force_login(org.ani)
    assert "Answer now" in client.get("/pulse/").content.decode()
    form = client.get(f"/pulse/rounds/{pulse_round.pk}/answer/").content.decode()
    assert 'type="radio"' in form and 'name="viewport"' in form
    data = {
        f"q{q.pk}": ("4" if q.kind == "likert" else "9" if q.kind == "enps" else "Good")
        for q in pulse_round.questions.all()
    }
    # when
    response = client.post(f"/pulse/rounds/{pulse_round.pk}/answer/", data, follow=True)
    # then
    assert "recorded anonymously" in response.content.decode()
    assert Participation.objects.filter(round=pulse_round, employee=org.ani).exists()
    assert "answered" in client.get("/pulse/").content.decode()


def test_a_form_with_a_missing_rating_is_shown_again_with_the_problem(org, survey, client):
    pulse_round = open_round(survey)
    client.force_login(org.ani)
    response = client.post(f"/pulse/rounds/{pulse_round.pk}/answer/", {})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not Participation.objects.exists()


def test_someone_not_invited_gets_a_404_for_the_form(org, survey, client):
    from tests.factories import UserFactory

    pulse_round = open_round(survey)
    client.force_login(UserFactory(department=org.cs))
    assert client.get(f"/pulse/rounds/{pulse_round.pk}/answer/").status_code == 404


def test_hr_creates_a_survey_schedules_a_round_and_watches_participation(org, bank, staff, client):
    client.force_login(org.hana)
    assert client.get("/pulse/manage/surveys/new/").status_code == 200
    response = client.post(
        "/pulse/manage/surveys/new/",
        {
            "title": "Pulse SDM",
            "questions": [bank["recognition-1"].pk, bank["enps"].pk],
            "cadence": "monthly",
            "anonymity_threshold": "5",
            "open_days": "5",
            "reminder_days": "2, 1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    survey = Survey.objects.get(title="Pulse SDM")
    assert survey.reminder_days == [2, 1]
    now = timezone.localtime()
    response = client.post(
        f"/pulse/manage/surveys/{survey.pk}/rounds/new/",
        {
            "opens_at": (now - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    pulse_round = Round.objects.get(survey=survey)
    for person in staff["cs"]:
        answer(pulse_round, person)
    page = client.get(f"/pulse/manage/rounds/{pulse_round.pk}/").content.decode().split("<main", 1)[1]
    assert "7 of 14 invited have answered" in page
    assert "Scores are shown only after the round closes." in page
    assert "eNPS" not in page and "/ 100" not in page
    assert "Pulse SDM" in home_panels_html(org.hana)  # the participation panel
    client.post(f"/pulse/manage/rounds/{pulse_round.pk}/close/")
    pulse_round.refresh_from_db()
    assert pulse_round.status == "closed"


def test_only_hr_manages_surveys(org, client):
    client.force_login(org.budi)
    assert client.get("/pulse/manage/").status_code == 403
    assert client.get("/pulse/manage/surveys/new/").status_code == 403


@pytest.fixture
def closed_round(org, survey, staff):
    pulse_round = open_round(survey)
    for person in staff["cs"] + staff["lkt"] + staff["hrd"]:
        answer(pulse_round, person, comment="Antrean panjang")
    return close(pulse_round)


def test_a_manager_sees_their_team_results_and_nothing_outside(org, closed_round, client):
    client.force_login(org.budi)
    page = client.get("/pulse/results/").content.decode()
    assert org.cs.name in page and "Antrean panjang" in page
    assert client.get(f"/pulse/results/?department={org.lkt.pk}").status_code == 404
    assert (
        "My team&#x27;s pulse" in client.get("/").content.decode()
        or "My team's pulse" in client.get("/").content.decode()
    )


def test_the_results_page_shows_a_hundred_comments_at_a_time(org, closed_round, client):
    # given a result with 150 stored comments
    stored = [f"remark-{index:03d}" for index in range(150)]
    RoundResult.objects.filter(round=closed_round, department=org.cs).update(comments=stored)
    client.force_login(org.budi)
    # when
    first = client.get("/pulse/results/").content.decode()
    second = client.get(f"/pulse/results/?round={closed_round.pk}&comments_page=2").content.decode()
    # then
    assert [c for c in stored if c in first] == stored[:100]
    assert [c for c in stored if c in second] == stored[100:]
    assert "Comments 1–100 of 150" in first and "comments_page=2" in first
    assert "Comments 101–150 of 150" in second and "comments_page=1" in second


def test_leadership_heatmap_marks_suppressed_cells_with_the_reason(org, closed_round, client):
    client.force_login(org.lina)
    page = client.get("/pulse/heatmap/").content.decode()
    assert "Teamwork" in page or "Recognition and rewards" in page
    assert 'title="fewer respondents than the anonymity threshold"' in page
    assert 'title="hidden so that a small group cannot be worked out by subtraction"' in page
    # the reason once per row (pointing at any of its cells shows it), read out in its first cell
    rows = re.findall(r'<tr title="([^"]+)">(.*?)</tr>', page, re.S)
    suppressed = [(reason, cells) for reason, cells in rows if 'class="suppressed"' in cells]
    assert len(suppressed) >= 2
    for reason, cells in suppressed:
        assert f'<span class="sr-only">{reason}</span>' in cells and "title=" not in cells
    trend = client.get(f"/pulse/heatmap/?department={org.cs.pk}").content.decode()
    assert "<polyline" in trend


def test_an_employee_has_no_results_or_heatmap(org, closed_round, client):
    client.force_login(org.ani)
    assert client.get("/pulse/results/").status_code == 403
    assert client.get("/pulse/heatmap/").status_code == 403


def test_the_pages_speak_bahasa_indonesia(org, survey, client):
    pulse_round = open_round(survey)
    client.force_login(org.ani)
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    form = client.get(f"/pulse/rounds/{pulse_round.pk}/answer/").content.decode()
    assert "Saya mendapat pengakuan ketika bekerja dengan baik." in form


def test_pulse_pages_use_no_inline_styles(org, closed_round, client):
    client.force_login(org.hana)
    for url in ("/pulse/", "/pulse/manage/", "/pulse/results/", "/pulse/heatmap/", "/pulse/manage/surveys/new/"):
        content = client.get(url).content.decode()
        assert " style=" not in content, url


def test_the_home_panels_ask_an_employee_to_answer_until_they_have(org, survey):
    pulse_round = open_round(survey)
    assert "Answer now" in home_panels_html(org.ani)
    answer(pulse_round, org.ani)
    assert "No pulse is waiting for you" in home_panels_html(org.ani)


def test_navigation_follows_the_role(org):
    labels = {
        user: [str(item.label) for item in hooks.nav_items(user)] for user in (org.ani, org.budi, org.hana, org.lina)
    }
    assert labels[org.ani] == ["Pulse"]
    assert labels[org.budi] == ["Pulse", "Survey results"]
    assert labels[org.hana] == ["Pulse", "Surveys", "Survey results", "Heatmap"]
    assert labels[org.lina] == ["Pulse", "Survey results", "Heatmap"]


def test_read_only_pages_refuse_a_post(org, client):
    client.force_login(org.hana)
    for url in ("/pulse/", "/pulse/manage/", "/pulse/results/", "/pulse/heatmap/"):
        assert client.post(url).status_code == 405, url


def _heatmap_departments(page: str) -> list[str]:
    table = page.split('<table class="heatmap">')[1].split("</table>")[0]
    return re.findall(r'<td class="dept depth-\d+"><a href="[^"]*">([^<]+)</a>', table)


def test_a_heatmap_too_large_for_a_page_opens_one_department_at_a_time(org, closed_round, client, monkeypatch):
    # given a round whose departments do not fit in the heatmap's rows
    paths = dict(selectors.round_result_paths(closed_round))
    levels = {department: path.count("/") - 1 for department, path in paths.items()}
    top = [department for department, level in levels.items() if level == 1]
    monkeypatch.setattr(views, "HEATMAP_ROWS", len(top))
    client.force_login(org.lina)
    # when leadership opens it: the whole audience and the top level, said above the table
    page = client.get("/pulse/heatmap/").content.decode()
    names = dict(Department.objects.values_list("pk", "name"))
    assert _heatmap_departments(page) == ["Whole audience", *[names[department] for department in top]]
    assert f"The top level of departments: {len(top)} of {len(paths)}." in page
    # and each department opens its own subtree, where every department can be reached
    reached, waiting = set(), list(top)
    while waiting:
        department = waiting.pop()
        reached.add(department)
        page = client.get(f"/pulse/heatmap/?round={closed_round.pk}&department={department}").content.decode()
        below = [d for d in paths if paths[d].startswith(paths[department]) and levels[d] == levels[department] + 1]
        shown = _heatmap_departments(page)
        assert shown[:2] == ["Whole audience", names[department]]
        assert set(shown[2:]) >= {names[d] for d in below}
        assert f"{names[department]} and the departments below it:" in page
        waiting += [d for d in below if d not in reached]
    assert reached == set(paths)


def test_a_heatmap_that_fits_shows_every_department_whatever_is_chosen(org, closed_round, client):
    client.force_login(org.lina)
    every = _heatmap_departments(client.get("/pulse/heatmap/").content.decode())
    assert len(every) == 1 + len(selectors.round_result_paths(closed_round))
    chosen = client.get(f"/pulse/heatmap/?department={org.cs.pk}").content.decode()
    assert _heatmap_departments(chosen) == every and 'id="heatmap-levels"' not in chosen


def test_departments_that_fit_keep_whole_levels_and_at_least_the_first():
    paths = [(1, "/1/"), (2, "/1/2/"), (3, "/1/3/"), (4, "/1/2/4/"), (5, "/1/2/5/"), (6, "/1/3/6/"), (7, "/1/37/")]
    assert selectors.departments_that_fit(paths, 7) == ([1, 2, 3, 4, 5, 6, 7], None)
    assert selectors.departments_that_fit(paths, 6) == ([1, 2, 3, 7], 2)
    assert selectors.departments_that_fit(paths, 3) == ([1], 1)
    assert selectors.departments_that_fit(paths, 0) == ([1], 1)
    # a subtree: the department itself, then its levels ("/1/37/" is not below "/1/3/")
    assert selectors.departments_that_fit(paths, 5, under="/1/3/") == ([3, 6], None)
    assert selectors.departments_that_fit(paths, 2, under="/1/2/") == ([2, 4, 5], 1)
    assert selectors.departments_that_fit(paths, 3, under="/1/2/") == ([2, 4, 5], None)
    # results that start below the top of today's tree (it was reorganised since): their first level counts
    moved = [(2, "/1/2/"), (3, "/1/3/"), (4, "/1/2/4/")]
    assert selectors.departments_that_fit(moved, 2) == ([2, 3], 1)
    assert selectors.departments_that_fit(moved, 0) == ([2, 3], 1)
