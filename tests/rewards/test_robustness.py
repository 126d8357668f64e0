"""Whatever is sent, the rewards API answers 2xx/4xx, never a 500; lists take a fixed number
of queries."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rewards import services
from tests.rewards.factories import RewardFactory, make_bonus

pytestmark = pytest.mark.django_db

ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(
    payload=st.fixed_dictionaries(
        {}, optional=dict.fromkeys(["employee", "kind", "amount", "period", "reason", "submit"], ANYTHING)
    )
)
def test_creating_a_bonus_never_fails_with_a_500(rorg, api, payload):
    response = api(rorg.hana).post("/api/v1/rewards/bonuses/", payload, format="json")
    assert response.status_code in (201, 400, 403, 409), response.content


@FUZZ
@given(
    payload=st.fixed_dictionaries({}, optional=dict.fromkeys(["recipient", "dimension", "message", "points"], ANYTHING))
)
def test_recognising_never_fails_with_a_500(org, api, payload):
    response = api(org.ani).post("/api/v1/rewards/recognitions/", payload, format="json")
    assert response.status_code in (201, 400), response.content


@FUZZ
@given(
    payload=st.fixed_dictionaries(
        {},
        optional=dict.fromkeys(
            ["department", "include_subdepartments", "kind", "period", "amount", "percent_of_wage", "submit"], ANYTHING
        ),
    )
)
def test_bulk_creation_never_fails_with_a_500(rorg, api, payload):
    response = api(rorg.hana).post("/api/v1/rewards/bonuses/bulk/", payload, format="json")
    assert response.status_code in (201, 400, 409), response.content


@FUZZ
@given(
    payload=st.fixed_dictionaries(
        {}, optional=dict.fromkeys(["holiday_date", "department", "period", "submit"], ANYTHING)
    )
)
def test_thr_never_fails_with_a_500(rorg, api, payload):
    for path in ("preview", "create"):
        response = api(rorg.hana).post(f"/api/v1/rewards/thr/{path}/", payload, format="json")
        assert response.status_code in (200, 201, 400), response.content


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(["period", "department", "status", "kind", "employee", "year", "page"]),
        st.text(max_size=12),
        max_size=3,
    )
)
def test_list_filters_never_fail_with_a_500(rorg, api, query):
    client = api(rorg.hana)
    for path in ("bonuses/", "budgets/", "recognitions/", "recognitions/leaderboard/", "bonuses/export/"):
        response = client.get(f"/api/v1/rewards/{path}", query)
        assert response.status_code in (200, 400, 404), (path, response.content)


def test_the_catalogue_and_redemption_lists_take_a_fixed_number_of_queries(org, api, django_assert_max_num_queries):
    rewards = [RewardFactory(points_cost=10) for _ in range(4)]
    services.recognition_create(giver=org.ani, recipient=org.bayu, dimension="comfort", message="x", points=50)
    for reward in rewards:
        services.redemption_create(employee=org.bayu, reward=reward)
    client = api(org.hana)
    # count and page
    with django_assert_max_num_queries(2):
        assert client.get("/api/v1/rewards/catalogue/").json()["count"] == 4
    # count and page (with people and rewards)
    with django_assert_max_num_queries(2):
        assert client.get("/api/v1/rewards/redemptions/").json()["count"] == 4


def test_a_bonus_detail_takes_a_fixed_number_of_queries(rorg, api, django_assert_max_num_queries):
    bonus = make_bonus(creator=rorg.budi, employee=rorg.ani, status="paid", decider=rorg.hana)
    # the bonus with its people, its transitions with their actors
    with django_assert_max_num_queries(2):
        assert api(rorg.ani).get(f"/api/v1/rewards/bonuses/{bonus.pk}/").status_code == 200
