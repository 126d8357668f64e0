"""Sign-in protection: lockout after repeated failures (django-axes) on both the sign-in page
and the token endpoint, and session timeouts."""

import time

from axes.backends import AxesStandaloneBackend
from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check for every sign-in that comes with a request (the page and the token
    endpoint). Programmatic `authenticate()` without a request (shell, tests) is not an attack
    surface and is left to ModelBackend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LocalPasswordBackend(ModelBackend):
    """Prima's own passwords. With `LOCAL_LOGIN=0` only superusers may use them (the break-glass
    account for when the directory is down); everyone else signs in through the directory. The
    sign-in page and the token endpoint both pass through here."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and (settings.LOCAL_LOGIN or user.is_superuser)


# Where a sign-in method leaves, on the request, a refusal's message that is safe to show (a
# directory person Prima does not know, or has switched off).
SIGN_IN_REFUSAL_ATTRIBUTE = "prima_sign_in_refusal"


def sign_in_refusal(request) -> str | None:
    return getattr(request, SIGN_IN_REFUSAL_ATTRIBUTE, None)


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("Too many failed sign-in attempts. Try again in %(minutes)d minutes.") % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message(), "code": "locked_out"}, status=429)
    return render(request, "registration/locked_out.html", {"message": lockout_message()}, status=429)


# Longer than any password a person types, short enough that hashing one costs nothing (the
# limit Django itself applied before 1.6.1 for the same reason).
PASSWORD_MAX_LENGTH = 4096


class TokenRequestSerializer(AuthTokenSerializer):
    """A username no longer than a username can be, and a bounded password: anything longer is
    refused before it reaches authentication (and the lockout's records of failed attempts)."""

    username = serializers.CharField(max_length=150, write_only=True)  # AbstractUser.username's
    password = serializers.CharField(
        max_length=PASSWORD_MAX_LENGTH,
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
    )

    def validate(self, attrs):
        try:
            return super().validate(attrs)
        except serializers.ValidationError:
            refusal = sign_in_refusal(self.context.get("request"))
            if refusal:
                raise serializers.ValidationError(str(refusal), code="authorization") from None
            raise


class SignInForm(AuthenticationForm):
    """The sign-in page's form, with the token endpoint's bounds: Django's form only sets the
    username's length on the widget, and none on the password."""

    username = UsernameField(max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            refusal = sign_in_refusal(self.request)
            if refusal:
                raise ValidationError(refusal, code="refused") from None
            raise


class ObtainTokenView(ObtainAuthToken):
    """`POST /api/v1/auth/token/`: a token for a username and password, with the same lockout
    as the sign-in page."""

    serializer_class = TokenRequestSerializer

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False) or getattr(request._request, "axes_locked_out", False):
                return Response({"detail": lockout_message(), "code": "locked_out"}, status=429)
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        from rest_framework.authtoken.models import Token

        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


class SessionTimeoutMiddleware:
    """Ends a browser session after `SESSION_IDLE_TIMEOUT` seconds without a request, and in any
    case `SESSION_ABSOLUTE_TIMEOUT` seconds after sign-in."""

    STARTED, SEEN = "_prima_started", "_prima_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            started = request.session.setdefault(self.STARTED, now)
            seen = request.session.get(self.SEEN, now)
            if now - seen > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
            else:
                request.session[self.SEEN] = now
        return self.get_response(request)
