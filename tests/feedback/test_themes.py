"""HR edits the theme list (API, page); readers see themes and sentiment only where a group's
comments are shown."""

import pytest

from feedback import selectors
from feedback.models import Theme
from tests.pulse_surveys.conftest import answer, close, open_round

URL = "/api/v1/feedback/themes/"


def test_the_shipped_themes_map_to_drivers_and_skm_elements(db):
    themes = {theme.key: theme for theme in Theme.objects.select_related("driver")}
    assert len(themes) == 18
    assert themes["workload"].driver.key == "workload"
    assert themes["facilities"].driver.key == "workplace" and themes["facilities"].skm_element == "u9"
    assert {theme.skm_element for theme in themes.values()} >= {f"u{n}" for n in range(1, 10)}


def test_hr_changes_a_theme_and_the_analysis_follows(org, api):
    # given a comment no theme speaks of
    assert selectors.analyser().analyse("Seragam baru sangat keren").themes == ()
    theme = Theme.objects.get(key="facilities")
    # when HR adds the word to a theme
    response = api(org.hana).patch(f"{URL}{theme.pk}/", {"keywords_id": theme.keywords_id + ", seragam"}, format="json")
    # then the analysis finds it
    assert response.status_code == 200
    assert selectors.analyser().analyse("Seragam baru sangat keren").themes == ("facilities",)


def test_leadership_reads_the_themes_and_only_hr_writes(org, api):
    assert api(org.lina).get(URL).status_code == 200
    assert api(org.lina).post(URL, {"key": "x", "name_en": "X"}, format="json").status_code == 403
    assert api(org.ani).get(URL).status_code == 403
    assert api(None).get(URL).status_code in (401, 403)


@pytest.mark.parametrize(
    "payload",
    [{}, {"key": "not a slug", "name_en": "X"}, {"key": "pay", "name_en": "Again"}, {"key": "x" * 41, "name_en": "X"}],
)
def test_bad_theme_input_is_refused_and_changes_nothing(org, api, payload):
    before = Theme.objects.count()
    response = api(org.hana).post(URL, payload, format="json")
    assert response.status_code == 400
    assert Theme.objects.count() == before


def test_hr_edits_a_theme_on_its_page(org, client):
    theme = Theme.objects.get(key="pay")
    client.force_login(org.hana)
    assert "Pay, bonuses and allowances" in client.get("/feedback/themes/").content.decode()
    page = client.get(f"/feedback/themes/{theme.pk}/")
    data = {**page.context["form"].initial, "name_en": "Pay and bonuses", "driver": theme.driver_id or ""}
    response = client.post(f"/feedback/themes/{theme.pk}/", data)
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.name_en == "Pay and bonuses"
    client.force_login(org.ani)
    assert client.get("/feedback/themes/").status_code == 403


def _round_with(survey, people, comment):
    pulse_round = open_round(survey)
    for person in people:
        answer(pulse_round, person, comment=comment)
    return close(pulse_round)


def test_themes_and_sentiment_show_only_where_the_groups_comments_do(org, survey, staff, client, api):
    # given a round where CS (7 people) comments and LKT (5 people) answers without comments
    pulse_round = open_round(survey)
    for person in staff["cs"]:
        answer(pulse_round, person, comment="Beban kerja terlalu berat, lembur terus")
    for person in staff["lkt"]:
        answer(pulse_round, person)
    close(pulse_round)
    reader = api(org.hana)
    # then CS's result carries the summary
    shown = reader.get(f"/api/v1/pulse/rounds/{pulse_round.pk}/results/?department={org.cs.pk}").json()
    summary = shown["comment_summary"]
    assert summary["comments"] == 7
    assert summary["themes"][0]["key"] == "workload"
    assert summary["sentiment"]["negative"] == 1.0
    # and a group with no comments has none
    quiet = reader.get(f"/api/v1/pulse/rounds/{pulse_round.pk}/results/?department={org.lkt.pk}").json()
    assert quiet["comment_summary"] is None
    client.force_login(org.hana)
    page = client.get(f"/pulse/results/?round={pulse_round.pk}&department={org.cs.pk}").content.decode()
    assert "What the comments say" in page and "Workload, staffing and leave" in page


def test_a_suppressed_group_shows_no_themes(org, survey, staff, api):
    # given a round answered by two people only (threshold 3)
    pulse_round = _round_with(survey, staff["cs"][:2], "Gaji telat")
    data = api(org.hana).get(f"/api/v1/pulse/rounds/{pulse_round.pk}/results/").json()
    assert data["suppressed"] is True
    assert "comment_summary" not in data and "comments" not in data


def test_the_dashboard_names_what_people_write_about_most(org, survey, staff, client):
    _round_with(survey, staff["cs"] + staff["lkt"], "Aplikasi absensi sering error")
    client.force_login(org.lina)
    page = client.get("/insights/").content.decode()
    assert "What people write about most" in page
    assert "Applications and IT systems" in page
