"""The optional questionnaires of a collection: the six service dimensions, SERVQUAL pairs and
CSAT, asked after SKM's nine elements and written to the csat and servqual series."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from service_quality import collecting, services
from service_quality.dimensions import PRIMA_DIMENSION_KEYS, SERVQUAL_DIMENSION_KEYS
from service_quality.models import CollectedResponse, ExternalScore, Origin, ScoreConflict
from tests.service_quality.factories import SCORES_HEADER, body, csv_bytes, submit

COLLECTIONS = "/api/v1/service-quality/collections/"
ALL = ["dimensions", "servqual", "csat"]


def ratings(dimension: int, *, timeliness: int, expected: int, received: int, overall: int) -> dict:
    given = dict.fromkeys(PRIMA_DIMENSION_KEYS, dimension)
    given["timeliness"] = timeliness
    for key in SERVQUAL_DIMENSION_KEYS:
        given[f"{key}_expectation"], given[key] = expected, received
    given["overall"] = overall
    return given


# Three customers. CSAT counts the 4s and 5s: timeliness 5, 3, 1 → 1 of 3 = 33.3333; the other
# dimensions 5, 3, 4 → 2 of 3 = 66.6667; overall 5, 4, 2 → 66.6667. SERVQUAL is the mean on 0–100,
# (mean − 1) / 4 × 100: received 4, 4, 2 → mean 10/3 → 58.3333; expected 5, 4, 5 → 14/3 → 91.6667.
HAND_EXAMPLE = [
    ratings(5, timeliness=5, expected=5, received=4, overall=5),
    ratings(3, timeliness=3, expected=4, received=4, overall=4),
    ratings(4, timeliness=1, expected=5, received=2, overall=2),
]
EXPECTED_SCORES = {
    ("csat", "timeliness"): Decimal("33.3333"),
    **{("csat", key): Decimal("66.6667") for key in PRIMA_DIMENSION_KEYS if key != "timeliness"},
    ("csat", "overall"): Decimal("66.6667"),
    **{("servqual", key): Decimal("58.3333") for key in SERVQUAL_DIMENSION_KEYS},
    **{("servqual", f"{key}_expectation"): Decimal("91.6667") for key in SERVQUAL_DIMENSION_KEYS},
}


@pytest.fixture
def surveyed(org):
    """CS's collection with all three further questionnaires."""
    today = timezone.localdate()
    return collecting.collection_create(
        department=org.cs,
        period_from=today - dt.timedelta(days=3),
        period_to=today + dt.timedelta(days=5),
        expected_customers=100,
        questionnaires=ALL,
        actor=org.hana,
    )


def _series(department, period, *, derived: bool | None = None) -> dict:
    scores = ExternalScore.objects.filter(department=department, period=period, source__in=["csat", "servqual"])
    if derived is not None:
        scores = scores.filter(derived=derived)
    return {(score.source, score.dimension): score.value for score in scores}


def test_hr_chooses_the_questionnaires_when_opening_a_collection(org, api):
    today = timezone.localdate()
    answer = api(org.hana).post(
        COLLECTIONS,
        {
            "department": org.cs.pk,
            "period_from": today.isoformat(),
            "period_to": today.isoformat(),
            "expected_customers": 50,
            "questionnaires": ["csat", "servqual"],
        },
        format="json",
    )
    assert answer.status_code == 201
    assert answer.json()["questionnaires"] == ["servqual", "csat"]
    refused = api(org.hana).post(
        COLLECTIONS,
        {
            "department": org.cs.pk,
            "period_from": today.isoformat(),
            "period_to": today.isoformat(),
            "expected_customers": 50,
            "questionnaires": ["nps"],
        },
        format="json",
    )
    assert refused.status_code == 400 and "questionnaires" in refused.json()


def test_the_public_form_asks_the_chosen_questions(surveyed, client):
    page = client.get(f"/s/{surveyed.token}/").content.decode()
    assert 'name="rating_timeliness"' in page
    assert 'name="rating_reliability_expectation"' in page and 'name="rating_reliability"' in page
    assert 'name="rating_overall"' in page
    assert "Seberapa puas Anda secara keseluruhan" in page  # in Bahasa Indonesia by default


def test_a_form_without_questionnaires_asks_none_and_takes_no_ratings(collection, client):
    page = client.get(f"/s/{collection.token}/").content.decode()
    assert "rating_" not in page
    refused = submit(collection, body(ratings={"overall": 5}))
    assert refused.status_code == 400 and "ratings" in refused.json()
    assert not CollectedResponse.objects.exists()


@pytest.mark.parametrize(
    "given",
    [
        {},  # nothing answered
        {**HAND_EXAMPLE[0], "overall": 6},  # out of range
        {**HAND_EXAMPLE[0], "overall": True},  # not a number
        {**HAND_EXAMPLE[0], "loyalty": 3},  # an unknown question
        {key: value for key, value in HAND_EXAMPLE[0].items() if key != "empathy"},  # one missing
        "5",  # not an object
    ],
)
def test_bad_ratings_are_refused_and_nothing_stored(surveyed, given):
    answer = submit(surveyed, body(ratings=given))
    assert answer.status_code == 400
    assert any(field.startswith("ratings") for field in answer.json())
    assert not CollectedResponse.objects.exists()


def test_results_equal_the_hand_computed_example(org, api, surveyed, django_capture_on_commit_callbacks):
    # given the three customers
    for given in HAND_EXAMPLE:
        with django_capture_on_commit_callbacks(execute=True):
            assert submit(surveyed, body(ratings=given)).status_code == 201
    # when HR reads the live results
    results = api(org.hana).get(f"{COLLECTIONS}{surveyed.pk}/results/").json()
    # then every question's score is the hand-computed one, and its mean on 1–5
    scores = {(rating["source"], rating["question"]): Decimal(rating["score"]) for rating in results["ratings"]}
    assert scores == EXPECTED_SCORES
    means = {rating["question"]: rating["mean"] for rating in results["ratings"]}
    assert means["timeliness"] == "3.0000" and means["reliability"] == "3.3333" and means["overall"] == "3.6667"
    # and the series of the unit's month holds the same values, collected
    period = timezone.localdate().replace(day=1)
    assert _series(org.cs, period, derived=False) == EXPECTED_SCORES
    origins = set(
        ExternalScore.objects.filter(department=org.cs, source__in=["csat", "servqual"]).values_list(
            "origin", flat=True
        )
    )
    assert origins == {Origin.COLLECTED}
    # and Prima's dimensions follow from the SERVQUAL perceptions as for an import
    assert _series(org.cs, period, derived=True)[("servqual", "timeliness")] == Decimal("58.3333")


def test_the_series_equals_what_an_import_of_the_same_scores_gives(org, surveyed, django_capture_on_commit_callbacks):
    # given the answers collected at CS, and their hand-computed scores imported for LKT
    for given in HAND_EXAMPLE:
        with django_capture_on_commit_callbacks(execute=True):
            submit(surveyed, body(ratings=given))
    period = timezone.localdate().replace(day=1)
    label = period.strftime("%Y-%m")
    rows = [f"LKT,{label},{source},{dimension},{value},3" for (source, dimension), value in EXPECTED_SCORES.items()]
    services.score_import_create(
        kind="scores", file_name="lkt.csv", content=csv_bytes(SCORES_HEADER, rows), actor=org.hana
    )
    # then both units hold the same values, given and derived
    assert _series(org.cs, period) == _series(org.lkt, period)
    assert len(_series(org.cs, period)) == len(EXPECTED_SCORES) + len(PRIMA_DIMENSION_KEYS)


def test_an_import_over_a_collected_month_is_a_conflict_hr_resolves(
    org, api, surveyed, django_capture_on_commit_callbacks
):
    # given CSAT collected at CS this month
    for given in HAND_EXAMPLE:
        with django_capture_on_commit_callbacks(execute=True):
            submit(surveyed, body(ratings=given))
    period = timezone.localdate().replace(day=1)
    # when a file brings another CSAT for the same month
    row = f"CS,{period:%Y-%m},csat,overall,90,40"
    services.score_import_create(
        kind="scores", file_name="cs.csv", content=csv_bytes(SCORES_HEADER, [row]), actor=org.hana
    )
    # then the collected value stays, and a conflict of the csat series waits for HR
    score = ExternalScore.objects.get(department=org.cs, period=period, source="csat", dimension="overall")
    assert (score.value, score.origin) == (Decimal("66.6667"), Origin.COLLECTED)
    conflict = ScoreConflict.objects.get(department=org.cs, period=period, source="csat")
    assert conflict.kept == ""
    assert not ScoreConflict.objects.filter(source="servqual").exists()
    # when HR keeps the imported value
    answer = api(org.hana).post(f"/api/v1/service-quality/conflicts/{conflict.pk}/resolve/", {"keep": "imported"})
    assert answer.status_code == 200
    # then the series holds it, and no collected CSAT is left beside it
    csat = ExternalScore.objects.filter(department=org.cs, period=period, source="csat")
    assert [(score.dimension, score.value, score.origin) for score in csat] == [
        ("overall", Decimal("90.0000"), Origin.IMPORTED)
    ]
    # while the SKM and SERVQUAL of the month stay collected
    assert ExternalScore.objects.get(department=org.cs, period=period, dimension="ikm").origin == Origin.COLLECTED
    assert _series(org.cs, period, derived=False)[("servqual", "reliability")] == Decimal("58.3333")
