"""Sign-in, the home page per role, the language switch, health."""

import pytest

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_home_page_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["hana", "lina", "budi", "ani"])
def test_every_role_signs_in_and_sees_a_home_page(org, client, persona):
    response = client.post("/accounts/login/", {"username": persona, "password": TEST_PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/"
    assert b"Sign out" in response.content


def test_a_manager_sees_their_team_on_the_home_page(org, client):
    client.force_login(org.budi)
    content = client.get("/").content.decode()
    assert "My team" in content
    assert org.ani.get_full_name() in content


def test_a_wrong_password_is_refused_with_a_message(org, client):
    response = client.post("/accounts/login/", {"username": "ani", "password": "wrong"})
    assert response.status_code == 200
    assert b'role="alert"' in response.content


def test_sign_out_ends_the_session(org, client):
    client.force_login(org.ani)
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_the_language_switch_shows_bahasa_indonesia(org, client):
    client.force_login(org.ani)
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    content = client.get("/").content.decode()
    assert 'lang="id"' in content
    assert "Keluar" in content  # "Sign out"


def test_only_the_person_and_hr_see_a_wage_on_the_profile_page(org, client):
    client.force_login(org.ani)
    assert "Rp 8.500.000" in client.get("/people/me/").content.decode()


def test_pages_send_a_content_security_policy(org, client):
    client.force_login(org.ani)
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy


def test_healthz_in_the_embedded_default(client, settings, admin_user):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.force_login(admin_user)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "eager", "worker": "eager", "status": "ok"}


@pytest.mark.parametrize("persona", ["anonymous", "hana", "lina", "ani"])
def test_healthz_tells_the_public_only_whether_prima_is_up(org, client, settings, persona):
    # given a probe token set, and someone who is not staff (signed in or not)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PRIMA_HEALTHZ_TOKEN = "the-operators-token"
    if persona != "anonymous":
        client.force_login(getattr(org, persona))
    # when they ask, with no token or a wrong one
    plain = client.get("/healthz")
    wrong = client.get("/healthz", headers={"X-Health-Token": "a-guess"})
    # then they learn only the status: nothing about the broker or the worker mode
    assert plain.status_code == wrong.status_code == 200
    assert plain.json() == wrong.json() == {"status": "ok"}


def test_healthz_gives_the_details_to_the_token(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PRIMA_HEALTHZ_TOKEN = "the-operators-token"
    response = client.get("/healthz", headers={"X-Health-Token": "the-operators-token"})
    assert response.json() == {"database": "ok", "broker": "eager", "worker": "eager", "status": "ok"}


def test_healthz_without_a_configured_token_gives_no_details_to_an_empty_one(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PRIMA_HEALTHZ_TOKEN = ""
    assert client.get("/healthz", headers={"X-Health-Token": ""}).json() == {"status": "ok"}


def test_an_unknown_api_url_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_hr_sees_everyone_with_wages_in_the_directory(org, client):
    client.force_login(org.hana)
    content = client.get("/people/").content.decode()
    assert org.bayu.get_full_name() in content
    assert "Rp 8.500.000" in content


def test_a_manager_sees_only_their_subtree_without_wages(org, client):
    client.force_login(org.budi)
    content = client.get("/people/").content.decode()
    assert org.ani.get_full_name() in content
    assert org.bayu.get_full_name() not in content
    assert "Rp " not in content


@pytest.mark.parametrize("persona", ["ani", "lina"])
def test_the_directory_is_refused_to_others(org, client, persona):
    client.force_login(getattr(org, persona))
    assert client.get("/people/").status_code == 403


def test_the_directory_query_count_does_not_grow_with_people(org, client, django_assert_max_num_queries):
    client.force_login(org.hana)
    # session, user, count, page, departments; the inbox's counts (one each: pulse rounds, leave
    # requests, bonuses, score imports, organisation imports, actions); the session's update
    # (three with its savepoint)
    with django_assert_max_num_queries(14):
        client.get("/people/")
