"""Signing in through a real OpenID Connect provider (Node's oidc-provider on loopback): the
code flow with PKCE, state and nonce; matching to Prima's people; and every attack the issue
names, each refused with a message on the sign-in page and nothing created."""

import time
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
import pytest
from django.core.exceptions import SuspiciousOperation

from core.models import AuditEntry
from core.security import SessionTimeoutMiddleware
from employees.auth_backends import DirectoryOIDCBackend
from employees.models import User
from tests.sso.conftest import provider_id_token, provider_sign_in
from tests.sso.servers import start_openid_provider

pytestmark = pytest.mark.django_db

NOT_KNOWN = "Your account is not known to Prima yet"
SWITCHED_OFF = "Your Prima account is switched off"
NOT_VERIFIED = "The sign-in could not be verified"


def signed_in_user(client):
    response = client.get("/")
    return response.wsgi_request.user if response.status_code == 200 else None


def refusal_page(client, response) -> str:
    # given a refused callback, then the person lands on the sign-in page with a message
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "Traceback" not in text
    return text


def test_the_sign_in_page_offers_the_provider(client, oidc):
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Kementerian ID" in page


def test_the_request_to_the_provider_carries_state_nonce_and_a_pkce_challenge(client, oidc):
    response = client.get("/accounts/oidc/authenticate/")
    params = dict(parse_qsl(urlsplit(response["Location"]).query))
    assert response["Location"].startswith(f"{oidc.issuer}/auth?")
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert params["state"] and params["nonce"] and params["state"] != params["nonce"]
    assert params["client_id"] == "prima"


def test_a_person_signs_in_matched_by_employee_number(client, oidc, people):
    # given siti, whose Prima e-mail is not the directory's
    # when she signs in through the provider
    response, _callback = provider_sign_in(client, "siti")
    # then she lands on her home page as herself
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_user(client) == people.siti
    assert client.session["prima_sign_in_method"] == "oidc"


def test_a_person_without_an_employee_number_is_matched_by_email(client, oidc, people):
    response, _callback = provider_sign_in(client, "dewi")
    assert response["Location"] == "/"
    assert signed_in_user(client) == people.dewi


def test_a_display_name_never_matches(client, oidc, people):
    # given a Prima person with rudi's name but neither his employee number nor his e-mail
    namesake = User.objects.create_user("rudi.h", first_name="Rudi", last_name="Hartono", email="")
    before = User.objects.count()
    response, _callback = provider_sign_in(client, "rudi")
    assert NOT_KNOWN in refusal_page(client, response)
    assert signed_in_user(client) is None
    assert User.objects.count() == before
    namesake.refresh_from_db()
    assert namesake.last_login is None


def test_an_unknown_person_is_refused_and_nothing_is_created(client, oidc, people):
    before = User.objects.count()
    response, _callback = provider_sign_in(client, "rudi")
    assert NOT_KNOWN in refusal_page(client, response)
    assert User.objects.count() == before
    assert not User.objects.filter(employee_number="197705052000031003").exists()


def test_an_unknown_person_is_created_when_provisioning_is_on(client, oidc, people, settings, role_groups):
    settings.SSO_CREATE_PEOPLE = True
    response, _callback = provider_sign_in(client, "rudi")
    assert response["Location"] == "/"
    rudi = User.objects.get(employee_number="197705052000031003")
    assert (rudi.email, rudi.first_name, rudi.role) == ("rudi@kementerian.example", "Rudi", "manager")
    assert not rudi.has_usable_password()
    assert AuditEntry.objects.filter(action="employees.create_from_directory", target_id=str(rudi.pk)).exists()


def test_a_deactivated_person_cannot_sign_in(client, oidc, people):
    people.joko.is_active = False
    people.joko.save()
    response, _callback = provider_sign_in(client, "joko")
    assert SWITCHED_OFF in refusal_page(client, response)
    assert signed_in_user(client) is None


def test_a_replayed_state_is_refused(client, oidc, people):
    # given siti signed in and out again
    response, callback = provider_sign_in(client, "siti")
    assert response["Location"] == "/"
    client.post("/accounts/logout/")
    # when the same callback (state and code) is sent again
    replay = client.get(callback)
    # then it is refused
    assert NOT_VERIFIED in refusal_page(client, replay)
    assert signed_in_user(client) is None


def test_a_replayed_state_from_another_browser_is_refused(client, oidc, people):
    from django.test import Client

    _response, callback = provider_sign_in(client, "siti")
    attacker = Client()
    replay = attacker.get(callback)
    assert NOT_VERIFIED in refusal_page(attacker, replay)
    assert signed_in_user(attacker) is None


def test_a_wrong_nonce_is_refused(client, oidc, people):
    # given the nonce Prima remembers differs from the one the provider puts in the token
    def remember_another_nonce(authorization):
        session = client.session
        for entry in session["oidc_states"].values():
            entry["nonce"] = "a-nonce-the-provider-never-saw"
        session.save()
        return authorization

    response, _callback = provider_sign_in(client, "siti", tamper_authorization=remember_another_nonce)
    assert NOT_VERIFIED in refusal_page(client, response)
    assert signed_in_user(client) is None


def test_a_missing_nonce_is_refused(client, oidc, people):
    # given the request reaches the provider without its nonce (so the token carries none)
    def drop_nonce(authorization):
        base, query = authorization.split("?", 1)
        return f"{base}?{urlencode([(k, v) for k, v in parse_qsl(query) if k != 'nonce'])}"

    response, _callback = provider_sign_in(client, "siti", tamper_authorization=drop_nonce)
    assert NOT_VERIFIED in refusal_page(client, response)
    assert signed_in_user(client) is None


def test_a_refusal_at_the_provider_ends_on_the_sign_in_page(client, oidc, people):
    client.get("/accounts/oidc/authenticate/")
    state = next(iter(client.session["oidc_states"]))
    response = client.get("/accounts/oidc/callback/", {"error": "access_denied", "state": state})
    assert NOT_VERIFIED in refusal_page(client, response)


def test_a_provider_whose_discovery_names_another_issuer_is_not_trusted(client, oidc, settings):
    # given Prima configured with a name the provider does not answer to
    settings.OIDC_ISSUER = oidc.issuer.replace("127.0.0.1", "localhost")
    response = client.get("/accounts/oidc/authenticate/")
    assert "cannot be reached" in refusal_page(client, response)


# --- The ID token's checks, on tokens the real provider issued.


def verify(token: str, nonce: str):
    backend = DirectoryOIDCBackend()
    backend.OIDC_OP_JWKS_ENDPOINT = f"{backend_issuer()}/jwks"
    return backend.verify_token(token, nonce=nonce)


def backend_issuer() -> str:
    from django.conf import settings

    return settings.OIDC_ISSUER


def test_an_untouched_token_passes_every_check(oidc):
    token = provider_id_token(oidc.issuer, client_id="prima", account="siti", nonce="n-1")
    assert verify(token, "n-1")["sub"] == "siti"


def test_a_tampered_signature_is_refused(oidc):
    token = provider_id_token(oidc.issuer, client_id="prima", account="siti", nonce="n-2")
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    with pytest.raises(SuspiciousOperation):
        verify(tampered, "n-2")


def test_a_tampered_payload_is_refused(oidc):
    token = provider_id_token(oidc.issuer, client_id="prima", account="joko", nonce="n-3")
    header, _payload, signature = token.split(".")
    other_payload = provider_id_token(oidc.issuer, client_id="prima", account="siti", nonce="n-3").split(".")[1]
    with pytest.raises(SuspiciousOperation):
        verify(f"{header}.{other_payload}.{signature}", "n-3")


def test_a_token_for_another_audience_is_refused(oidc):
    token = provider_id_token(oidc.issuer, client_id="other-app", account="siti", nonce="n-4")
    assert jwt.decode(token, options={"verify_signature": False})["aud"] == "other-app"
    with pytest.raises(SuspiciousOperation, match="Audience"):
        verify(token, "n-4")


def test_an_expired_token_is_refused(oidc, settings):
    # given Prima as the client whose ID tokens live one second, and no clock leeway
    settings.OIDC_RP_CLIENT_ID = "short-lived"
    settings.OIDC_CLOCK_SKEW_SECONDS = 0
    token = provider_id_token(oidc.issuer, client_id="short-lived", account="siti", nonce="n-5")
    time.sleep(2.1)
    with pytest.raises(SuspiciousOperation, match="expired"):
        verify(token, "n-5")
    # the same token within the allowed clock skew is accepted: only its age was at fault
    settings.OIDC_CLOCK_SKEW_SECONDS = 60
    assert verify(token, "n-5")["sub"] == "siti"


def test_a_token_with_another_nonce_is_refused(oidc):
    token = provider_id_token(oidc.issuer, client_id="prima", account="siti", nonce="n-6")
    with pytest.raises(SuspiciousOperation, match="Nonce"):
        verify(token, "n-7")


def test_a_token_from_an_unknown_issuer_is_refused(oidc, tmp_path):
    # given a second, real provider that Prima does not trust, with the same clients and people
    rogue = start_openid_provider(tmp_path, redirect_uris=["http://testserver/accounts/oidc/callback/"])
    try:
        token = provider_id_token(rogue.issuer, client_id="prima", account="siti", nonce="n-8")
        # its key is not among the trusted issuer's keys
        with pytest.raises(SuspiciousOperation):
            verify(token, "n-8")
        # and even checked with the rogue's own key, its issuer is not the configured one
        backend = DirectoryOIDCBackend()
        backend.OIDC_OP_JWKS_ENDPOINT = f"{rogue.issuer}/jwks"
        key = backend.retrieve_matching_jwk(token)
        with pytest.raises(SuspiciousOperation, match="issuer"):
            backend.get_payload_data(token, key)
    finally:
        rogue.stop()


def test_switching_a_person_off_ends_their_provider_session(client, oidc, people):
    provider_sign_in(client, "siti")
    assert signed_in_user(client) == people.siti
    people.siti.is_active = False
    people.siti.save(update_fields=["is_active"])
    assert signed_in_user(client) is None


def test_signing_out_offers_the_providers_sign_out(client, oidc, people):
    provider_sign_in(client, "siti")
    response = client.post("/accounts/logout/", follow=True)
    page = response.content.decode()
    assert signed_in_user(client) is None
    assert "You are signed out of Prima." in page
    assert f'href="{oidc.issuer}/session/end?id_token_hint=' in page


def test_a_provider_session_ends_after_the_idle_timeout(client, oidc, people, settings):
    provider_sign_in(client, "siti")
    assert signed_in_user(client) == people.siti
    session = client.session
    now = int(time.time())
    session[SessionTimeoutMiddleware.STARTED] = now - settings.SESSION_IDLE_TIMEOUT - 10
    session[SessionTimeoutMiddleware.SEEN] = now - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    assert signed_in_user(client) is None


def test_an_email_shared_by_two_people_matches_neither(client, oidc, people):
    User.objects.create_user("dewi.2", email=people.dewi.email.upper())
    response, _callback = provider_sign_in(client, "dewi")
    assert "matches more than one Prima person" in refusal_page(client, response)
    assert signed_in_user(client) is None


def test_an_expired_token_at_the_callback_ends_on_the_sign_in_page(client, oidc, people, settings):
    # given Prima as the client whose ID tokens live one second, with its clock five seconds
    # ahead of the provider's
    settings.OIDC_RP_CLIENT_ID = "short-lived"
    settings.OIDC_RP_CLIENT_SECRET = "short-lived-test-secret"
    settings.OIDC_CLOCK_SKEW_SECONDS = -5
    response, _callback = provider_sign_in(client, "siti")
    assert NOT_VERIFIED in refusal_page(client, response)
    assert signed_in_user(client) is None


def test_a_token_signed_with_another_algorithm_ends_on_the_sign_in_page(client, oidc, people, settings):
    settings.OIDC_RP_SIGN_ALGO = "ES256"
    response, _callback = provider_sign_in(client, "siti")
    assert NOT_VERIFIED in refusal_page(client, response)
    assert signed_in_user(client) is None


def test_the_providers_locale_becomes_an_empty_language_for_e_mails_and_never_overrides_one(client, oidc, people):
    # given siti, whose directory locale is id-ID, with no language of her own; dewi has none in the directory
    provider_sign_in(client, "siti")
    people.siti.refresh_from_db()
    assert people.siti.language == "id"
    # when she has chosen English since, the provider's locale leaves it be
    User.objects.filter(pk=people.siti.pk).update(language="en")
    client.logout()
    provider_sign_in(client, "siti")
    people.siti.refresh_from_db()
    assert people.siti.language == "en"
    client.logout()
    provider_sign_in(client, "dewi")
    people.dewi.refresh_from_db()
    assert people.dewi.language == ""
