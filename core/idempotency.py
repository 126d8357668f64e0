"""`Idempotency-Key` on API POSTs: the same key with the same request returns the first answer
(marked `Idempotent-Replayed: true`); the same key with a different request is refused with
422; a second request while the first still runs gets 409. Only answers that did something
(below 400) are kept: after a refusal the key is free again. Keys are per user and kept for
IDEMPOTENCY_TTL (a day).

Pulse answers are the exception to "a different request is refused": no fingerprint of an
anonymous submission's body is kept next to the person who sent it (a hash of a few small
integers is easily reversed), so a retried key there returns the first answer whatever the body.
"""

import datetime as dt
import hashlib
import re

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
IDEMPOTENCY_TTL = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255
# Bodies that must never be fingerprinted beside their sender: anonymous pulse answers.
ANONYMOUS_BODIES = [re.compile(r"^/api/v1/pulse/rounds/\d+/responses/$")]
# Forms the public answers with no sign-in: their keys share one scope (clients make them random).
PUBLIC_PATHS = [re.compile(r"^/api/v1/public/")]
PUBLIC_SCOPE = "public"


def _user_id(request) -> int | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    authorization = request.headers.get("Authorization", "")
    scheme, _sep, key = authorization.partition(" ")
    if scheme.lower() == "token" and key:
        from rest_framework.authtoken.models import Token

        token = Token.objects.filter(key=key.strip(), user__is_active=True).only("user_id").first()
        return token.user_id if token else None
    return None


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            return JsonResponse({"detail": _("The Idempotency-Key header must be 1 to 255 characters.")}, status=400)
        user_id = _user_id(request)
        if user_id is None and not any(pattern.match(request.path) for pattern in PUBLIC_PATHS):
            return self.get_response(request)  # the view answers 401
        body = b"" if any(pattern.match(request.path) for pattern in ANONYMOUS_BODIES) else request.body
        request_hash = hashlib.sha256(request.method.encode() + request.path.encode() + b"\0" + body).hexdigest()
        scope = PUBLIC_SCOPE if user_id is None else str(user_id)
        IdempotencyRecord.objects.filter(scope=scope, key=key, created__lt=timezone.now() - IDEMPOTENCY_TTL).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(scope=scope, key=key, request_hash=request_hash)
        except IntegrityError:
            return self._replay(IdempotencyRecord.objects.get(scope=scope, key=key), request_hash)

        response = self.get_response(request)
        if response.status_code >= 400 or getattr(response, "streaming", False):
            # Not an answer worth repeating: a refusal changed nothing (and so leaves nothing
            # behind either), and the client may correct the request and send it again.
            record.delete()
            return response
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        record.status_code = response.status_code
        record.content_type = response.get("Content-Type", "")
        record.body = response.content
        record.save(update_fields=["status_code", "content_type", "body"])
        return response

    @staticmethod
    def _replay(record: IdempotencyRecord, request_hash: str) -> HttpResponse:
        if record.request_hash != request_hash:
            return JsonResponse(
                {"detail": _("This Idempotency-Key was already used for a different request.")}, status=422
            )
        if record.status_code is None:
            return JsonResponse({"detail": _("A request with this Idempotency-Key is still running.")}, status=409)
        response = HttpResponse(bytes(record.body), status=record.status_code, content_type=record.content_type)
        response["Idempotent-Replayed"] = "true"
        return response


def idempotency_records_purge() -> int:
    """Deletes records older than the TTL; returns how many."""
    deleted, _details = IdempotencyRecord.objects.filter(created__lt=timezone.now() - IDEMPOTENCY_TTL).delete()
    return deleted
