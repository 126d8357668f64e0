"""Signing in with a directory account through a real LDAP server (Debian's slapd on loopback),
through the same password form and token endpoint as Prima's own passwords."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings

from employees.models import User
from tests.factories import TEST_PASSWORD
from tests.sso.servers import USERS

pytestmark = pytest.mark.django_db

WRONG = "Please enter a correct username and password"


def sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def signed_in_user(client):
    response = client.get("/")
    return response.wsgi_request.user if response.status_code == 200 else None


def test_the_sign_in_page_says_which_password_it_takes(client, ldap_directory):
    assert "Sign in with your directory account" in client.get("/accounts/login/").content.decode()


def test_a_person_signs_in_with_their_directory_password(client, ldap_directory, people):
    # when siti signs in with her directory password (Prima has none for her)
    response = sign_in(client, "siti", USERS["siti"]["password"])
    # then she is matched by the employee number of her directory entry
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_user(client) == people.siti
    assert client.session["prima_sign_in_method"] == "ldap"


def test_a_person_is_matched_by_email_without_an_employee_number(client, ldap_directory, people):
    response = sign_in(client, "dewi", USERS["dewi"]["password"])
    assert response["Location"] == "/"
    assert signed_in_user(client) == people.dewi


def test_the_token_endpoint_takes_a_directory_password(client, ldap_directory, people):
    response = client.post("/api/v1/auth/token/", {"username": "joko", "password": USERS["joko"]["password"]})
    assert response.status_code == 200 and response.json()["token"]


@pytest.mark.parametrize("username", ["*)(uid=*", "*", "si*", "siti)(|(uid=*"])
def test_an_ldap_injection_in_the_username_is_refused(client, ldap_directory, people, username):
    # given a filter that, unescaped, would match siti (or everyone)
    response = sign_in(client, username, USERS["siti"]["password"])
    # then nobody is signed in and the page says only that the sign-in failed
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert signed_in_user(client) is None


def test_a_wrong_directory_password_is_counted_by_the_lockout(client, ldap_directory, people):
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = sign_in(client, "joko", "not-the-directory-password")
        if attempt < settings.AXES_FAILURE_LIMIT:
            assert WRONG in response.content.decode()
    assert AccessAttempt.objects.get(username="joko").failures_since_start == settings.AXES_FAILURE_LIMIT
    # then even the right directory password is refused for the cool-off time
    response = sign_in(client, "joko", USERS["joko"]["password"])
    assert response.status_code == 429
    assert signed_in_user(client) is None


def test_a_directory_person_unknown_to_prima_is_refused_and_nothing_is_created(client, ldap_directory, people):
    before = User.objects.count()
    response = sign_in(client, "rudi", USERS["rudi"]["password"])
    page = response.content.decode()
    assert response.status_code == 200 and "Your account is not known to Prima yet" in page
    assert "uid=" not in page and "dc=" not in page  # nothing of the directory shows
    assert User.objects.count() == before


def test_a_directory_person_is_created_when_provisioning_is_on(client, ldap_directory, people, settings, role_groups):
    settings.SSO_CREATE_PEOPLE = True
    response = sign_in(client, "rudi", USERS["rudi"]["password"])
    assert response["Location"] == "/"
    rudi = User.objects.get(employee_number=USERS["rudi"]["employee_number"])
    assert (rudi.username, rudi.last_name, rudi.role) == (USERS["rudi"]["employee_number"], "Hartono", "manager")


def test_a_deactivated_person_cannot_sign_in_with_the_directory_password(client, ldap_directory, people):
    people.joko.is_active = False
    people.joko.save()
    response = sign_in(client, "joko", USERS["joko"]["password"])
    assert "Your Prima account is switched off" in response.content.decode()
    assert signed_in_user(client) is None


def test_a_local_password_still_works_beside_the_directory(client, ldap_directory, org):
    response = sign_in(client, "ani", TEST_PASSWORD)
    assert response["Location"] == "/"
    assert client.session["prima_sign_in_method"] == "password"


def test_switching_a_person_off_ends_their_directory_session(client, ldap_directory, people):
    sign_in(client, "joko", USERS["joko"]["password"])
    assert signed_in_user(client) == people.joko
    people.joko.is_active = False
    people.joko.save(update_fields=["is_active"])
    assert signed_in_user(client) is None


def test_the_token_endpoint_says_why_a_directory_person_is_refused(client, ldap_directory, people):
    before = User.objects.count()
    response = client.post("/api/v1/auth/token/", {"username": "rudi", "password": USERS["rudi"]["password"]})
    assert response.status_code == 400
    assert "Your account is not known to Prima yet" in str(response.json())
    assert User.objects.count() == before


def test_the_directorys_preferred_language_becomes_an_empty_language_for_e_mails(client, ldap_directory, people):
    sign_in(client, "siti", USERS["siti"]["password"])
    people.siti.refresh_from_db()
    assert people.siti.language == "id"
