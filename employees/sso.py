"""The sign-in and sign-out pages for every configured method: a password form (Prima's own
passwords and, when configured, the LDAP directory's) and a "Sign in with …" button for the
OpenID Connect provider."""

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, resolve_url
from django.urls import path
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from core.security import SIGN_IN_REFUSAL_ATTRIBUTE, SignInForm
from employees.auth_backends import ldap_configured, oidc_configured, oidc_provider_configuration
from employees.directory import REFUSALS

logger = logging.getLogger(__name__)

# Session keys: how the person signed in, and (after sign-out) the provider's sign-out address.
SIGN_IN_METHOD = "prima_sign_in_method"
PROVIDER_SIGN_OUT = "prima_provider_sign_out"

# What goes wrong between Prima and the provider: an unreachable or misbehaving provider, or a
# token that fails a check. The details go to the log, never to the page.
PROVIDER_ERRORS = (SuspiciousOperation, requests.RequestException, ValueError, KeyError)


class SignInView(auth_views.LoginView):
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            oidc_enabled=oidc_configured(),
            oidc_name=settings.OIDC_PROVIDER_NAME,
            ldap_enabled=ldap_configured(),
            local_login=settings.LOCAL_LOGIN,
            provider_sign_out=self.request.session.pop(PROVIDER_SIGN_OUT, None),
        )
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        backend = getattr(form.get_user(), "backend", "")
        self.request.session[SIGN_IN_METHOD] = "ldap" if backend.endswith("DirectoryLDAPBackend") else "password"
        return response


class SignOutView(auth_views.LogoutView):
    """Ends the Prima session; after an OpenID Connect sign-in, the sign-in page then offers the
    provider's own sign-out (a link: the page's form-action policy keeps a sign-out form from
    redirecting to another site)."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")
        via_oidc = request.session.get(SIGN_IN_METHOD) == "oidc"
        response = super().post(request, *args, **kwargs)
        if via_oidc and id_token and oidc_configured():
            try:
                end_session = oidc_provider_configuration().get("end_session_endpoint")
            except PROVIDER_ERRORS as error:
                logger.warning("The provider's sign-out address is unknown: %s", error)
                end_session = None
            if end_session:
                back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
                query = urlencode(
                    {
                        "id_token_hint": id_token,
                        "post_logout_redirect_uri": back,
                        "client_id": settings.OIDC_RP_CLIENT_ID,
                    }
                )
                request.session[PROVIDER_SIGN_OUT] = f"{end_session}?{query}"
        return response


def _refused(request, message):
    messages.error(request, message)
    return redirect(settings.LOGIN_URL)


class OIDCSignInView(OIDCAuthenticationRequestView):
    """Sends the person to the provider with `state`, `nonce` and a PKCE challenge."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the endpoints come from discovery, in get()

    def get(self, request):
        if not oidc_configured():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_provider_configuration()["authorization_endpoint"]
        except PROVIDER_ERRORS as error:
            logger.warning("OpenID Connect discovery failed: %s", error)
            return _refused(request, REFUSALS["unreachable"])
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the person back. Every refusal (a replayed `state`, a token that
    fails a check, a person Prima does not know or has switched off) ends on the sign-in page
    with a message that gives nothing away."""

    def get(self, request):
        if not oidc_configured():
            raise Http404
        try:
            return super().get(request)
        except PROVIDER_ERRORS as error:
            logger.warning("OpenID Connect sign-in refused: %s", error)
            return _refused(request, REFUSALS["unverified"])

    def login_failure(self):
        return _refused(self.request, getattr(self.request, SIGN_IN_REFUSAL_ATTRIBUTE, None) or REFUSALS["unverified"])

    def login_success(self):
        response = super().login_success()
        self.request.session[SIGN_IN_METHOD] = "oidc"
        return response


urlpatterns = [
    path("oidc/authenticate/", OIDCSignInView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", OIDCCallbackView.as_view(), name="oidc_authentication_callback"),
]
