"""The home page, the health probe and the error pages."""

import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import extensions
from core.heartbeat import worker_heartbeat_fresh


@require_GET
@login_required
def home(request):
    return render(request, "home.html", {"panels": extensions.home_panels(request)})


@require_GET
@login_required
def inbox(request):
    """What waits for the person, each kind one click from where it is done."""
    return render(request, "inbox.html", {"items": extensions.inbox_items(request.user)})


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    cache.get("prima:healthz")
    return "ok"


def _check_worker() -> str:
    """A worker recorded a heartbeat lately (`core.heartbeat`): beat sends the job, a worker
    runs it. A site where either is down stops being healthy within eleven minutes."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    return "ok" if worker_heartbeat_fresh() else "unreachable"


def _sent_token_matches(sent: str, token: str) -> bool:
    return bool(token) and hmac.compare_digest(sent.encode(), token.encode())


def _may_read_health_details(request) -> bool:
    """Staff, or a probe that sends the operators' token (`PRIMA_HEALTHZ_TOKEN`) in the
    `X-Health-Token` header. Everyone else learns only whether Prima is up: the details name
    the broker and the worker mode, which is nobody else's business."""
    if request.user.is_authenticated and request.user.is_staff:
        return True
    return _sent_token_matches(request.headers.get("X-Health-Token", ""), settings.PRIMA_HEALTHZ_TOKEN)


@require_GET
@never_cache
def healthz(request):
    """Reachability of the database and the broker, and a fresh heartbeat of a worker (eager
    mode: no broker or worker is needed and both report `eager`). The public answer is only
    `{"status": "ok"}` or `{"status": "unavailable"}` (503); staff and the token see each check."""
    report, healthy = {}, True
    for name, check in (("database", _check_database), ("broker", _check_broker), ("worker", _check_worker)):
        try:
            report[name] = check()
        except Exception as error:  # noqa: BLE001 - a probe reports every failure
            report[name] = f"error: {type(error).__name__}"
        healthy = healthy and report[name] in ("ok", "eager")
    status = "ok" if healthy else "unavailable"
    body = {**report, "status": status} if _may_read_health_details(request) else {"status": status}
    return JsonResponse(body, status=200 if healthy else 503)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    return render(request, "500.html", status=500)


@require_GET
@never_cache
def metrics(request):
    """Prometheus metrics (`core.metrics`), for staff and for a scraper that sends
    `Authorization: Bearer <PRIMA_METRICS_TOKEN>`; everyone else: 403."""
    from core.metrics import exposition

    scheme, _space, sent = request.headers.get("Authorization", "").partition(" ")
    scraper = scheme == "Bearer" and _sent_token_matches(sent, settings.PRIMA_METRICS_TOKEN)
    staff = request.user.is_authenticated and request.user.is_staff
    if not (scraper or staff):
        return HttpResponseForbidden(_("Metrics are for operators."), content_type="text/plain; charset=utf-8")
    return HttpResponse(exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")
