"""Accounts: lockout after repeated failures, session timeouts, deactivation, Argon2."""

import time

import pytest
from django.conf import settings

from core.security import SessionTimeoutMiddleware
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def fail(client, url, username, times):
    for _ in range(times):
        client.post(url, {"username": username, "password": "wrong-password"})


class TestLockout:
    def test_the_sign_in_page_locks_after_five_failures_even_for_the_right_password(self, org, client):
        fail(client, "/accounts/login/", "ani", settings.AXES_FAILURE_LIMIT)
        response = client.post("/accounts/login/", {"username": "ani", "password": TEST_PASSWORD})
        assert response.status_code == 429
        assert "Too many failed sign-in attempts" in response.content.decode()

    def test_the_token_endpoint_locks_too(self, org, client):
        fail(client, "/api/v1/auth/token/", "ani", settings.AXES_FAILURE_LIMIT)
        response = client.post("/api/v1/auth/token/", {"username": "ani", "password": TEST_PASSWORD})
        assert response.status_code == 429
        assert response.json()["code"] == "locked_out"

    def test_failures_below_the_limit_do_not_lock(self, org, client):
        fail(client, "/api/v1/auth/token/", "ani", settings.AXES_FAILURE_LIMIT - 1)
        response = client.post("/api/v1/auth/token/", {"username": "ani", "password": TEST_PASSWORD})
        assert response.status_code == 200

    def test_one_persons_lockout_does_not_lock_another(self, org, client):
        fail(client, "/accounts/login/", "ani", settings.AXES_FAILURE_LIMIT)
        response = client.post("/accounts/login/", {"username": "andi", "password": TEST_PASSWORD})
        assert response.status_code == 302


class TestSessions:
    def _age_session(self, client, *, started_ago: int, seen_ago: int):
        session = client.session
        now = int(time.time())
        session[SessionTimeoutMiddleware.STARTED] = now - started_ago
        session[SessionTimeoutMiddleware.SEEN] = now - seen_ago
        session.save()

    def test_an_idle_session_ends(self, org, client):
        client.force_login(org.ani)
        client.get("/")
        self._age_session(
            client, started_ago=settings.SESSION_IDLE_TIMEOUT + 10, seen_ago=settings.SESSION_IDLE_TIMEOUT + 5
        )
        assert client.get("/").status_code == 302

    def test_an_active_session_ends_at_the_absolute_limit(self, org, client):
        client.force_login(org.ani)
        client.get("/")
        self._age_session(client, started_ago=settings.SESSION_ABSOLUTE_TIMEOUT + 1, seen_ago=1)
        assert client.get("/").status_code == 302

    def test_a_session_in_use_goes_on(self, org, client):
        client.force_login(org.ani)
        client.get("/")
        self._age_session(client, started_ago=600, seen_ago=60)
        assert client.get("/").status_code == 200

    def test_deactivating_an_account_ends_its_session_and_its_token(self, org, client, api):
        client.force_login(org.ani)
        token = client.post("/api/v1/auth/token/", {"username": "ani", "password": TEST_PASSWORD}).json()["token"]
        api(org.hana).patch(f"/api/v1/employees/{org.ani.pk}/", {"is_active": False}, format="json")
        org.ani.is_active = False
        org.ani.save(update_fields=["is_active"])
        assert client.get("/").status_code == 302
        assert client.get("/api/v1/me/", headers={"Authorization": f"Token {token}"}).status_code == 401


def test_passwords_are_hashed_with_argon2_in_the_product():
    from django.conf import settings as live

    # the test run swaps in a fast hasher; the product's own list starts with Argon2
    from config import settings as product

    assert product.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert live.AUTH_PASSWORD_VALIDATORS == product.AUTH_PASSWORD_VALIDATORS


class TestTokenRequestBounds:
    @pytest.mark.parametrize("field", ["username", "password"])
    def test_an_overlong_credential_is_a_400_and_no_failed_attempt_is_recorded(self, org, client, field):
        from axes.models import AccessAttempt, AccessFailureLog

        # given
        credentials = {"username": "ani", "password": TEST_PASSWORD, field: "x" * 100_001}
        # when
        response = client.post("/api/v1/auth/token/", credentials)
        # then
        assert response.status_code == 400
        assert field in response.json()
        assert not AccessAttempt.objects.exists()
        assert not AccessFailureLog.objects.exists()


class TestSignInPageBounds:
    @pytest.mark.parametrize("field", ["username", "password"])
    def test_an_overlong_credential_is_refused_with_a_message_and_no_failed_attempt_is_recorded(
        self, org, client, field
    ):
        from axes.models import AccessAttempt, AccessFailureLog

        # given
        credentials = {"username": "ani", "password": TEST_PASSWORD, field: "x" * 100_001}
        # when
        response = client.post("/accounts/login/", credentials)
        # then the page comes back with the field's error, and nobody is signed in
        assert response.status_code == 200
        assert response.context["form"].errors[field]
        assert "_auth_user_id" not in client.session
        assert not AccessAttempt.objects.exists()
        assert not AccessFailureLog.objects.exists()

    def test_a_password_at_the_bound_still_reaches_authentication(self, org, client):
        from axes.models import AccessAttempt

        from core.security import PASSWORD_MAX_LENGTH

        response = client.post("/accounts/login/", {"username": "ani", "password": "x" * PASSWORD_MAX_LENGTH})
        assert response.status_code == 200
        assert "password" not in response.context["form"].errors
        assert AccessAttempt.objects.filter(username="ani").exists()
