"""The suggested-actions library: shipped with Prima, read by all, kept by HR."""

import pytest
from django.utils import translation

from improvement.library import SUGGESTIONS
from improvement.models import SuggestedAction
from improvement.targets import dimension_keys, driver_keys

pytestmark = pytest.mark.django_db

URL = "/api/v1/improvement/suggestions/"


def test_the_library_covers_every_driver_skm_element_and_service_dimension(db):
    for key in driver_keys():
        assert SuggestedAction.objects.filter(driver=key).count() >= 2, key
    for key in dimension_keys():
        assert SuggestedAction.objects.filter(dimension=key).count() >= 2, key
    assert SuggestedAction.objects.count() == sum(len(entries) for entries in SUGGESTIONS.values())
    assert not SuggestedAction.objects.filter(title_id="").exists()


def test_suggestions_are_read_in_the_callers_language(org, api):
    client = api(org.ani)
    english = client.get(URL, {"dimension": "u3"}).json()["results"]
    with translation.override("id"):
        indonesian = client.get(URL, {"dimension": "u3"}, HTTP_ACCEPT_LANGUAGE="id").json()["results"]
    assert [row["title"] for row in english] == [row["title_en"] for row in english]
    assert [row["title"] for row in indonesian] == [row["title_id"] for row in indonesian]


def test_hr_adds_to_the_library_and_others_cannot(org, api):
    body = {"driver": "wellbeing", "title_en": "Quiet room", "title_id": "Ruang tenang"}
    assert api(org.budi).post(URL, body, format="json").status_code == 403
    response = api(org.hana).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    assert api(org.hana).post(URL, {**body, "driver": "mood"}, format="json").status_code == 400


def test_an_action_may_start_from_a_suggestion(org, api):
    suggestion = SuggestedAction.objects.filter(dimension="u3").first()
    body = {
        "department": org.cs.pk,
        "dimension": "u3",
        "title": suggestion.title_en,
        "owner": org.ani.pk,
        "due_date": "2999-01-01",
        "suggestion": suggestion.pk,
    }
    response = api(org.budi).post("/api/v1/improvement/actions/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["suggestion"] == suggestion.pk


def test_a_suggestion_for_another_target_is_refused(org, api):
    suggestion = SuggestedAction.objects.filter(dimension="u9").first()
    body = {"department": org.cs.pk, "dimension": "u3", "title": "x", "owner": org.ani.pk, "due_date": "2999-01-01"}
    response = api(org.budi).post("/api/v1/improvement/actions/", {**body, "suggestion": suggestion.pk}, format="json")
    assert response.status_code == 400
    assert "suggestion" in response.json()
