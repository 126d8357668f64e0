"""LOCAL_LOGIN=0: Prima's own passwords are refused on the sign-in page and at the token
endpoint, except for a superuser (the break-glass account)."""

import pytest

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_local_login(settings):
    settings.LOCAL_LOGIN = False


@pytest.fixture
def break_glass(db):
    person = UserFactory(username="breakglass")
    person.is_superuser = person.is_staff = True
    person.save()
    return person


def test_the_sign_in_page_refuses_a_local_password(client, org, no_local_login):
    response = client.post("/accounts/login/", {"username": "ani", "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "Password sign-in is kept for administrators" in response.content.decode()
    assert client.get("/").status_code == 302


def test_the_token_endpoint_refuses_a_local_password(client, org, no_local_login):
    response = client.post("/api/v1/auth/token/", {"username": "ani", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "token" not in response.json()


def test_the_break_glass_superuser_signs_in_on_the_page(client, break_glass, no_local_login):
    response = client.post("/accounts/login/", {"username": "breakglass", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_break_glass_superuser_gets_a_token(client, break_glass, no_local_login):
    response = client.post("/api/v1/auth/token/", {"username": "breakglass", "password": TEST_PASSWORD})
    assert response.status_code == 200 and response.json()["token"]


def test_with_local_login_on_a_local_password_works(client, org):
    response = client.post("/api/v1/auth/token/", {"username": "ani", "password": TEST_PASSWORD})
    assert response.status_code == 200
