"""Public SKM pages: the form (phone), the kiosk (a tablet at the counter, working offline),
the kiosk's service worker, and a unit's published results. Bahasa Indonesia unless the
respondent chooses English; nothing here needs or accepts a Prima sign-in."""

import secrets
from pathlib import Path

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core.errors import Conflict, TooManyRequests
from core.web import error_lines
from employees.models import Department
from service_quality import collecting, collection_selectors
from service_quality.collection_api import DEVICE_COOKIE, signed_in
from service_quality.models import ExpectationLevel
from service_quality.questionnaires import questions_of

LANGUAGE_COOKIE = "prima_skm_language"
PUBLIC_LANGUAGES = ("id", "en")
DEVICE_COOKIE_AGE = 365 * 24 * 3600
SERVICE_WORKER = Path(__file__).parent / "static" / "service_quality" / "skm_sw.js"

# PermenPANRB 14/2017's questions, one per element (U1–U9), in the regulation's order.
QUESTIONS = (
    ("u1", _("How well do the service's requirements fit the kind of service?")),
    ("u2", _("How easy is the service's procedure to understand and follow?")),
    ("u3", _("How fast was the service given?")),
    ("u4", _("How fair is the cost or tariff of the service?")),
    ("u5", _("How well does what you received match what the service standard promises?")),
    ("u6", _("How competent were the staff who served you?")),
    ("u7", _("How courteous and friendly were the staff?")),
    ("u8", _("How well are complaints, suggestions and feedback handled here?")),
    ("u9", _("How good are the facilities and infrastructure?")),
)
SCALE = ((1, _("Not good")), (2, _("Fair")), (3, _("Good")), (4, _("Very good")))
QUESTIONS_PER_STEP = 5


def _language(request) -> str:
    chosen = request.GET.get("lang") or request.COOKIES.get(LANGUAGE_COOKIE)
    return chosen if chosen in PUBLIC_LANGUAGES else "id"


def _render_public(request, template: str, context: dict, *, language: str) -> HttpResponse:
    with translation.override(language):
        response = render(request, template, {**context, "language": language})
    response.headers["Content-Language"] = language
    if request.GET.get("lang") in PUBLIC_LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=DEVICE_COOKIE_AGE, samesite="Lax")
    return response


def _options(name: str, choices, values) -> list[tuple]:
    """(value, text, checked) of one question: checked as the respondent left it."""
    given = values.get(name) if values is not None else None
    return [(value, text, given == str(value)) for value, text in choices]


def _form_context(collection, *, kiosk: bool, values=None, errors: list[str] | None = None) -> dict:
    """What the form shows; `values` (a sent form) keeps what the respondent chose, `errors`
    lists what to correct (the form sent without JavaScript)."""
    questions = [{"key": key, "text": text, "options": _options(key, SCALE, values)} for key, text in QUESTIONS]
    ratings = [
        {
            "key": question.key,
            "text": lazy(lambda question=question: question.text, str)(),  # read in the form's language
            "options": _options(f"rating_{question.key}", question.scale, values),
        }
        for question in questions_of(collection.questionnaires)
    ]
    steps = [questions[start : start + QUESTIONS_PER_STEP] for start in range(0, len(questions), QUESTIONS_PER_STEP)]
    rating_steps = [ratings[start : start + QUESTIONS_PER_STEP] for start in range(0, len(ratings), QUESTIONS_PER_STEP)]
    return {
        "collection": collection,
        "kiosk": kiosk,
        "steps": steps,
        "rating_steps": rating_steps,
        "last_step": len(steps) + len(rating_steps) + 2,
        "profile": [
            (name, label, _options(name, dict(collection_selectors.PROFILE_FIELDS)[name].choices, values))
            for name, label in collection_selectors.PROFILE_LABELS
        ],
        "expectation_levels": _options("expectation_level", ExpectationLevel.choices, values),
        "values": values or {},
        "errors": errors or [],
    }


def _number(value: str | None):
    """A whole number from a form field, or the text as it came (the check names it wrong)."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        return value


def submission_from_form(post, collection) -> dict:
    """The JSON body the form's script would send, from the same form posted without it."""
    return {
        "answers": {key: _number(post.get(key)) for key, _text in QUESTIONS if post.get(key) not in (None, "")},
        "profile": {name: post.get(name, "") for name, _label in collection_selectors.PROFILE_LABELS},
        "ratings": {
            question.key: _number(post.get(f"rating_{question.key}"))
            for question in questions_of(collection.questionnaires)
            if post.get(f"rating_{question.key}") not in (None, "")
        },
        "expectation_level": _number(post.get("expectation_level")),
        "service": post.get("service", ""),
        "suggestion": post.get("suggestion", ""),
        "visit_code": post.get("visit_code", ""),
        "website": post.get("website", ""),
    }


def _error_lines(error: ValidationError, collection) -> list[str]:
    """Each problem of a sent form, led by the question it concerns."""
    labels = {f"answers.{key}": text for key, text in QUESTIONS}
    labels.update({f"profile.{name}": label for name, label in collection_selectors.PROFILE_LABELS})
    labels.update({f"ratings.{question.key}": question.text for question in questions_of(collection.questionnaires)})
    return error_lines(error, labels)


def _open_or_404(token: str):
    return collecting.open_collection(token)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def form(request, token: str):
    """The form a customer opens from the poster's QR code, on their own phone. Its script
    sends the answers to the API; without JavaScript the form posts here, is checked the same
    way, and ends on the same thanks."""
    collection = _open_or_404(token)
    language = _language(request)
    if request.method == "POST":
        return _form_post(request, collection, language=language)
    response = _render_public(
        request, "service_quality/public/form.html", _form_context(collection, kiosk=False), language=language
    )
    if not request.COOKIES.get(DEVICE_COOKIE):
        response.set_cookie(
            DEVICE_COOKIE, secrets.token_urlsafe(24), max_age=DEVICE_COOKIE_AGE, httponly=True, samesite="Lax"
        )
    return response


def _form_post(request, collection, *, language: str) -> HttpResponse:
    with translation.override(language):
        status, errors = 201, []
        if signed_in(request):
            status, errors = 403, [_("Staff signed in to Prima may not answer the customers' survey. Sign out first.")]
        else:
            try:
                collecting.response_submit(
                    token=collection.token,
                    data=submission_from_form(request.POST, collection),
                    sender=collecting.Sender(
                        device=request.COOKIES.get(DEVICE_COOKIE, "")[:64], address=request.META.get("REMOTE_ADDR", "")
                    ),
                )
            except ValidationError as error:
                status, errors = 400, _error_lines(error, collection)
            except TooManyRequests as error:
                status, errors = 429, [str(error.message)]
            except Conflict as error:
                status, errors = 409, [str(error.message)]
    if status == 201:
        response = _render_public(
            request, "service_quality/public/thanks.html", {"collection": collection}, language=language
        )
        response.status_code = 200
        return response
    context = _form_context(collection, kiosk=False, values=request.POST, errors=errors)
    response = _render_public(request, "service_quality/public/form.html", context, language=language)
    response.status_code = status
    return response


@require_safe
def kiosk(request, token: str):
    """The same form on the unit's tablet: it resets after each answer, and a queue in the
    browser (with the service worker keeping the page) sends answers given offline once the
    network is back. The kiosk key comes in the link's fragment, never to the server's logs."""
    collection = _open_or_404(token)
    return _render_public(
        request, "service_quality/public/form.html", _form_context(collection, kiosk=True), language=_language(request)
    )


@require_safe
def service_worker(request):
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/s/"
    return response


@require_safe
def unit_results(request, pk: int):
    """A unit's published SKM results (PermenPANRB 14/2017 requires publication): IKM, grade
    and element means of each collection; no personal data, and suggestions only when HR
    approved showing them."""
    department = get_object_or_404(Department, pk=pk, is_service_unit=True)
    collections = collection_selectors.public_collections(department)
    if not collections:
        raise Http404
    rows = []
    language = _language(request)
    with translation.override(language):  # suggestions show "[name]" in the reader's language
        for collection in collections:
            results = collection_selectors.collection_results(collection)
            suggestions = collection_selectors.suggestions(collection) if collection.publish_suggestions else []
            rows.append({"collection": collection, "results": results, "suggestions": suggestions})
    return _render_public(
        request,
        "service_quality/public/results.html",
        {"department": department, "rows": rows, "today": timezone.localdate()},
        language=language,
    )
