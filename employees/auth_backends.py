"""Sign-in methods backed by the organisation's directory: OpenID Connect (mozilla-django-oidc)
and LDAP / Active Directory (django-auth-ldap). Each hands what the directory says to
`employees.directory`, which decides who the person is and what role they have."""

import logging
import time

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django_auth_ldap.backend import LDAPBackend
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from employees.directory import DirectoryIdentity, sign_in_or_refuse

logger = logging.getLogger(__name__)

# How long the issuer's discovery document is trusted before it is fetched again.
DISCOVERY_TTL_SECONDS = 3600
_discovered: dict[str, tuple[float, dict]] = {}


def oidc_configured() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def ldap_configured() -> bool:
    return bool(settings.AUTH_LDAP_SERVER_URI)


def oidc_provider_configuration() -> dict:
    """The issuer's `/.well-known/openid-configuration`, whose `issuer` must be the configured
    one exactly (OpenID Connect Discovery 1.0, section 4.3)."""
    issuer = settings.OIDC_ISSUER
    cached = _discovered.get(issuer)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    response = requests.get(f"{issuer.rstrip('/')}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    document = response.json()
    if document.get("issuer") != issuer:
        raise SuspiciousOperation("The discovery document names another issuer.")
    _discovered[issuer] = (time.monotonic() + DISCOVERY_TTL_SECONDS, document)
    return document


class ActiveSessionsOnly:
    """A session kept by a directory method ends when the person is deactivated, as one kept
    by Prima's own passwords does (neither library checks `is_active` here)."""

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


class DirectoryOIDCBackend(ActiveSessionsOnly, OIDCAuthenticationBackend):
    """The code flow's token checks, with the issuer's endpoints from discovery, the ID token's
    issuer and audience checked as well as its signature, expiry and nonce, and the person
    matched by `employees.directory` rather than created from an e-mail address."""

    def __init__(self, *args, **kwargs):
        # Django builds a backend for every request of a signed-in person: nothing is fetched
        # here; the endpoints are looked up when someone actually signs in.
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    def authenticate(self, request, nonce=None, code_verifier=None, **kwargs):
        if request is None or not oidc_configured() or kwargs:
            return None  # a password sign-in: not this method
        provider = oidc_provider_configuration()
        self.OIDC_OP_TOKEN_ENDPOINT = provider["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = provider["userinfo_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = provider["jwks_uri"]
        return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)

    def get_payload_data(self, token, key):
        header = jwt.get_unverified_header(token)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The ID token is signed with another algorithm.")
        try:
            payload = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"The ID token was refused: {error}") from None
        # OpenID Connect Core 1.0, 3.1.3.7: a token for several audiences names us as its party.
        audiences = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("The ID token was issued to another party.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core 1.0, 5.3.2: the UserInfo answer must be about the token's subject.
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The UserInfo answer is about another subject.")
        claims = {**payload, **claims}
        groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
        if isinstance(groups, str):
            groups = [groups]
        email = claims.get("email") or "" if claims.get("email_verified", True) is not False else ""
        identity = DirectoryIdentity(
            method="oidc",
            subject=str(claims["sub"]),
            employee_number=str(claims.get(settings.OIDC_EMPLOYEE_NUMBER_CLAIM) or "").strip(),
            email=str(email).strip(),
            first_name=str(claims.get("given_name") or ""),
            last_name=str(claims.get("family_name") or ""),
            groups=tuple(str(group) for group in groups),
            language=str(claims.get("locale") or ""),
        )
        return sign_in_or_refuse(self.request, identity)


class DirectoryLDAPBackend(ActiveSessionsOnly, LDAPBackend):
    """A username and password checked by binding to the directory. The username is escaped
    into the search filter by django-auth-ldap; the person is matched by `employees.directory`
    (their directory entry's employee number and e-mail), never created from the username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not ldap_configured():
            return None
        self.request = request
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_or_build_user(self, username, ldap_user):
        attrs = ldap_user.attrs or {}

        def first(attribute: str) -> str:
            values = attrs.get(attribute.lower()) or attrs.get(attribute) or []
            return str(values[0]).strip() if values else ""

        groups = set()
        if getattr(settings, "AUTH_LDAP_GROUP_SEARCH", None) is not None:
            groups = set(ldap_user.group_names or ()) | set(ldap_user.group_dns or ())
        identity = DirectoryIdentity(
            method="ldap",
            subject=username,
            employee_number=first(settings.LDAP_EMPLOYEE_NUMBER_ATTRIBUTE),
            email=first(settings.LDAP_EMAIL_ATTRIBUTE),
            first_name=first("givenName"),
            last_name=first("sn"),
            groups=tuple(sorted(groups)),
            language=first("preferredLanguage"),
        )
        return sign_in_or_refuse(self.request, identity), False
