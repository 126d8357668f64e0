"""Fixtures for the sign-in tests: the real directory servers (tests/sso/servers.py), Prima
configured to use them, and the people of the directory as the organisation import left them.

The directory (tests/sso/provider/users.json):

    siti  employee number …2001, groups prima-hr, all-staff       in Prima as an employee
    joko  employee number …1002, group all-staff                   in Prima
    dewi  no employee number, dewi@kementerian.example             in Prima by e-mail only
    rudi  employee number …1003, groups prima-managers, all-staff  not in Prima
"""

import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from employees.auth_backends import _discovered
from employees.sso_settings import parse_role_groups
from tests.factories import UserFactory
from tests.sso.servers import (
    LDAP_BIND_DN,
    LDAP_BIND_PASSWORD,
    LDAP_SUFFIX,
    USERS,
    start_ldap_server,
    start_openid_provider,
)

CALLBACK = "http://testserver/accounts/oidc/callback/"
ROLE_GROUPS = "leadership:prima-leaders;hr:prima-hr;manager:prima-managers"


@pytest.fixture(scope="session")
def openid_provider(tmp_path_factory):
    provider = start_openid_provider(
        tmp_path_factory.mktemp("oidc"),
        redirect_uris=[CALLBACK],
        post_logout_uris=["http://testserver/accounts/login/"],
    )
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def ldap_server(tmp_path_factory):
    server = start_ldap_server(tmp_path_factory.mktemp("ldap"))
    yield server
    server.stop()


@pytest.fixture
def oidc(settings, openid_provider):
    """Prima pointed at the provider, as the README's OIDC_* variables do."""
    settings.OIDC_ISSUER = openid_provider.issuer
    settings.OIDC_RP_CLIENT_ID = "prima"
    settings.OIDC_RP_CLIENT_SECRET = "prima-test-secret"
    settings.OIDC_RP_SCOPES = "openid email profile employee"
    settings.OIDC_PROVIDER_NAME = "Kementerian ID"
    _discovered.clear()
    yield openid_provider
    openid_provider.users_file.write_text(json.dumps(USERS))


@pytest.fixture
def ldap_directory(settings, ldap_server):
    """Prima pointed at the LDAP server, as the README's LDAP_* variables do."""
    from employees.sso_settings import ldap_searches

    settings.AUTH_LDAP_SERVER_URI = ldap_server.uri
    settings.AUTH_LDAP_BIND_DN = LDAP_BIND_DN
    settings.AUTH_LDAP_BIND_PASSWORD = LDAP_BIND_PASSWORD
    settings.AUTH_LDAP_USER_SEARCH, settings.AUTH_LDAP_GROUP_SEARCH, settings.AUTH_LDAP_GROUP_TYPE = ldap_searches(
        user_base=f"ou=people,{LDAP_SUFFIX}",
        user_filter="(uid=%(user)s)",
        group_base=f"ou=groups,{LDAP_SUFFIX}",
        group_type="groupOfNames",
    )
    return ldap_server


@pytest.fixture
def role_groups(settings):
    settings.SSO_ROLE_GROUPS = parse_role_groups(ROLE_GROUPS)


@pytest.fixture
def people(org):
    """The directory's people as Prima knows them (rudi is not known). Siti's Prima e-mail is
    an old one: she is matched by her employee number."""
    org.siti = UserFactory(
        username="siti.r",
        email="siti.old@kementerian.example",
        employee_number=USERS["siti"]["employee_number"],
        role="employee",
        department=org.hrd,
    )
    org.joko = UserFactory(
        username="joko.s",
        email="",
        employee_number=USERS["joko"]["employee_number"],
        role="employee",
        department=org.cs,
    )
    org.dewi = UserFactory(username="dewi.l", email=USERS["dewi"]["email"], employee_number=None, department=org.cs)
    return org


def _follow_provider(session: requests.Session, url: str, issuer: str, form: dict | None = None) -> str:
    """Follows the provider's redirects (and posts the sign-in form once) until it sends the
    browser away from itself; returns that address."""
    response = session.get(url, allow_redirects=False, timeout=10)
    while True:
        if response.status_code in (302, 303):
            location = urljoin(response.url, response.headers["Location"])
            if not location.startswith(issuer):
                return location
            response = session.get(location, allow_redirects=False, timeout=10)
        elif response.status_code == 200 and form is not None and "<form" in response.text:
            response = session.post(response.url, data=form, allow_redirects=False, timeout=10)
            form = None
        else:
            raise AssertionError(f"the provider answered {response.status_code}: {response.text[:300]}")


def provider_sign_in(client, account: str, *, password: str | None = None, tamper_authorization=None):
    """A person in a browser: Prima's "Sign in with …" → the provider's page → back to Prima's
    callback. Returns Prima's answer to the callback (not followed) and the callback address."""
    start = client.get("/accounts/oidc/authenticate/")
    assert start.status_code == 302, start
    authorization = start["Location"]
    if tamper_authorization is not None:
        authorization = tamper_authorization(authorization)
    issuer = authorization.split("/auth?")[0]
    form = {"login": account, "password": password or USERS[account]["password"]}
    callback = _follow_provider(requests.Session(), authorization, issuer, form)
    assert callback.startswith(CALLBACK), callback
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}"), f"{parts.path}?{parts.query}"


def provider_id_token(issuer: str, *, client_id: str, account: str, nonce: str = "") -> str:
    """An ID token the provider issues to `client_id` through the code flow with PKCE, taken
    straight from its token endpoint (as a man in the middle would have it)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {
        "client_id": client_id,
        "response_type": "code",
        "scope": "openid email employee",
        "redirect_uri": CALLBACK,
        "state": secrets.token_urlsafe(16),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    if nonce:
        params["nonce"] = nonce
    authorization = requests.Request("GET", f"{issuer}/auth", params=params).prepare().url
    form = {"login": account, "password": USERS[account]["password"]}
    callback = _follow_provider(requests.Session(), authorization, issuer, form)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    response = requests.post(
        f"{issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "client_id": client_id,
            "client_secret": f"{client_id}-test-secret",
            "code_verifier": verifier,
        },
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["id_token"]
