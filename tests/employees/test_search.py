"""Search of people and departments: HR finds everyone, a manager only their own subtree, and
nobody else may search. The page, the header's box and the API answer alike."""

import pytest

from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(org):
    """Two people called Sari: one in Budi's department (CS), one in Mira's (LKT)."""
    org.sari_cs = UserFactory(first_name="Sari", last_name="Wulandari", employee_number="198501012010011001",
                              department=org.cs, manager=org.budi)  # fmt: skip
    org.sari_lkt = UserFactory(first_name="Sari", last_name="Lestari", employee_number="199002022015021002",
                               department=org.lkt, manager=org.mira)  # fmt: skip
    org.gone = UserFactory(first_name="Sari", last_name="Pensiun", department=org.cs)
    org.gone.is_active = False
    org.gone.save(update_fields=["is_active"])
    return org


def _names(payload) -> set[str]:
    return {person["name"] for person in payload["people"]}


def test_hr_finds_people_in_every_department_by_name(named, api):
    # when
    payload = api(named.hana).get("/api/v1/search/", {"q": "sari"}).json()
    # then: both, and never the one who left
    assert _names(payload) == {"Sari Wulandari", "Sari Lestari"}
    assert {p["department"] for p in payload["people"]} == {"Layanan Pelanggan", "Loket Perizinan"}


def test_a_manager_finds_only_people_of_their_own_subtree(named, api):
    payload = api(named.budi).get("/api/v1/search/", {"q": "sari"}).json()
    assert _names(payload) == {"Sari Wulandari"}


def test_a_manager_cannot_find_someone_outside_by_employee_number(named, api):
    # when Budi types the exact number of Mira's Sari
    payload = api(named.budi).get("/api/v1/search/", {"q": "199002022015021002"}).json()
    # then nothing; HR finds her by the same number
    assert payload["people"] == []
    hr_payload = api(named.hana).get("/api/v1/search/", {"q": "199002022015021002"}).json()
    assert _names(hr_payload) == {"Sari Lestari"}


def test_departments_are_found_by_name_or_code_within_scope(named, api):
    assert {d["code"] for d in api(named.hana).get("/api/v1/search/", {"q": "lo"}).json()["departments"]} == {"LKT"}
    assert api(named.budi).get("/api/v1/search/", {"q": "loket"}).json()["departments"] == []
    assert [d["code"] for d in api(named.budi).get("/api/v1/search/", {"q": "cs"}).json()["departments"]] == ["CS"]


def test_every_word_typed_must_match(named, api):
    payload = api(named.hana).get("/api/v1/search/", {"q": "sari lest"}).json()
    assert _names(payload) == {"Sari Lestari"}


@pytest.mark.parametrize("persona", ["ani", "lina"])
def test_employees_and_leadership_may_not_search(named, api, client, persona):
    user = getattr(named, persona)
    assert api(user).get("/api/v1/search/", {"q": "sari"}).status_code == 403
    client.force_login(user)
    assert client.get("/people/search/", {"q": "sari"}).status_code == 403
    assert 'role="search"' not in client.get("/").content.decode()


@pytest.mark.parametrize("query", ["", "s", " " * 5, "x" * 101])
def test_a_query_too_short_or_too_long_is_refused_with_a_message(named, api, query):
    response = api(named.hana).get("/api/v1/search/", {"q": query})
    assert response.status_code == 400
    assert "q" in response.json()


def test_a_long_list_says_that_more_match(org, api):
    # given 21 people named Bagus in one department
    unit = DepartmentFactory(code="BIG", name="Gudang", parent=org.hq)
    for _ in range(21):
        UserFactory(first_name="Bagus", department=unit)
    # when
    payload = api(org.hana).get("/api/v1/search/", {"q": "bagus"}).json()
    # then
    assert len(payload["people"]) == 20
    assert payload["more_people"] is True


def test_the_page_lists_what_the_manager_may_see_and_nothing_else(named, client):
    client.force_login(named.budi)
    content = client.get("/people/search/", {"q": "sari"}).content.decode()
    assert "Sari Wulandari" in content
    assert "Sari Lestari" not in content
    assert "Sari Pensiun" not in content


def test_the_header_offers_the_search_box_to_hr_and_managers(named, client):
    for person in (named.hana, named.budi):
        client.force_login(person)
        content = client.get("/").content.decode()
        assert 'action="/people/search/"' in content
        assert 'href="/people/search/"' in content  # and the navigation's link


def test_the_page_speaks_bahasa_indonesia(named, client):
    client.force_login(named.hana)
    content = client.get("/people/search/", {"q": "zzz"}, headers={"accept-language": "id"}).content.decode()
    assert "Tidak ada yang cocok." in content  # "Nobody matches."
    assert "Tidak ada unit kerja yang cocok." in content
    assert 'placeholder="Cari pegawai, unit kerja"' in content


def test_search_costs_the_same_queries_for_many_people(org, api, django_assert_max_num_queries):
    unit = DepartmentFactory(code="BIG", name="Gudang", parent=org.hq)
    for _ in range(30):
        UserFactory(first_name="Bagus", department=unit)
    # session user (forced), people (with department), departments (with parent)
    with django_assert_max_num_queries(2):
        api(org.hana).get("/api/v1/search/", {"q": "bagus"})
