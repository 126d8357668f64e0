"""`Idempotency-Key` on API POSTs: the same key with the same request returns the first answer
(marked `Idempotent-Replayed: true`); the same key with a different request is refused with
422; a second request while the first still runs gets 409. Only answers that did something
(below 400) are kept: after a refusal the key is free again. Keys are per user and kept for
IDEMPOTENCY_TTL (a day).

Pulse answers are the exception to "a different request is refused": no fingerprint of an
anonymous submission's body is kept next to the person who sent it (a hash of a few small
integers is easily reversed), so a retried key there returns the first answer whatever the body.

The public forms' answers (no sign-in) keep their key and their answer in one transaction: a
retry sent while the first request still runs waits for it and gets its answer, never a 409.
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


def _insert(scope: str, key: str, request_hash: str) -> IdempotencyRecord:
    # One INSERT when no transaction is open (the usual case: a failed INSERT in autocommit
    # leaves nothing to roll back); inside one, a savepoint keeps it usable after a refusal.
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(scope=scope, key=key, request_hash=request_hash)
    return IdempotencyRecord.objects.create(scope=scope, key=key, request_hash=request_hash)


def _claim(scope: str, key: str, request_hash: str):
    """The new record of a first request, or (the earlier record, this request's hash) to
    replay. A record older than the TTL is deleted only when its key comes again (and daily by
    `idempotency_records_purge`), so a first request costs one INSERT."""
    for _attempt in range(2):
        try:
            return _insert(scope, key, request_hash)
        except IntegrityError:
            earlier = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
            if earlier is None:
                continue  # deleted in between: claim it again
            if earlier.created >= timezone.now() - IDEMPOTENCY_TTL:
                return earlier, request_hash
            IdempotencyRecord.objects.filter(pk=earlier.pk).delete()
    return _insert(scope, key, request_hash)


def _claim_public(key: str, request_hash: str):
    """As `_claim`, inside the caller's transaction: INSERT … ON CONFLICT DO NOTHING, which
    waits for a concurrent request with the same key to end instead of failing."""
    sql = (
        "INSERT INTO core_idempotencyrecord (scope, key, request_hash, content_type, body, created) "
        "VALUES (%s, %s, %s, '', '', %s) ON CONFLICT (scope, key) DO NOTHING RETURNING id"
    )
    for _attempt in range(2):
        now = timezone.now()
        with transaction.get_connection().cursor() as cursor:
            cursor.execute(sql, [PUBLIC_SCOPE, key, request_hash, now])
            inserted = cursor.fetchone()
        if inserted is not None:
            return IdempotencyRecord(
                pk=inserted[0], scope=PUBLIC_SCOPE, key=key, request_hash=request_hash, created=now
            )
        earlier = IdempotencyRecord.objects.filter(scope=PUBLIC_SCOPE, key=key).first()
        if earlier is not None and earlier.created >= now - IDEMPOTENCY_TTL:
            return earlier, request_hash
        IdempotencyRecord.objects.filter(scope=PUBLIC_SCOPE, key=key, created__lt=now - IDEMPOTENCY_TTL).delete()
    raise IntegrityError(f"Idempotency-Key {key!r} could not be claimed")


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
        if scope == PUBLIC_SCOPE:
            return self._public(request, key, request_hash)
        record = _claim(scope, key, request_hash)
        if not isinstance(record, IdempotencyRecord):
            return self._replay(*record)

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

    def _public(self, request, key: str, request_hash: str) -> HttpResponse:
        """A public form's answer: the key's record, the answer and the record's response in one
        transaction, so that one commit (one flush of the database's log) makes them durable
        together. A second request with the same key waits for the first at the key's row and
        then gets its response (or, if the first was refused, runs itself)."""
        with transaction.atomic():
            record = _claim_public(key, request_hash)
            if not isinstance(record, IdempotencyRecord):
                return self._replay(*record)
            response = self.get_response(request)
            if response.status_code >= 400 or getattr(response, "streaming", False):
                transaction.set_rollback(True)  # the key's row goes with the refused request
                return response
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            IdempotencyRecord.objects.filter(pk=record.pk).update(
                status_code=response.status_code, content_type=response.get("Content-Type", ""), body=response.content
            )
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
