"""Every write of the SKM collected in Prima: collections, visit codes, the public form's
responses, and the `skm` external-score series they feed.

A response is one INSERT (with its checks); after it commits, a job rewrites the unit's month
of the series under a lock of the unit's row (one grouped query), shared by the answers of a
few seconds, so concurrent answers never leave the series behind and never wait for each
other. A retried request (same `Idempotency-Key`) is answered from the first one.
"""

import datetime as dt
import hashlib
import hmac
import secrets
import time
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import Conflict, TooManyRequests
from core.jobs import enqueue_on_commit
from core.periods import Period
from employees.models import Department
from feedback import selectors as feedback_selectors
from service_quality import services
from service_quality.dimensions import SKM_ELEMENT_KEYS
from service_quality.ikm import SKM_MAX_ANSWER, SKM_MIN_ANSWER, krejcie_morgan_sample_size
from service_quality.models import (
    SUGGESTION_MAX_LENGTH,
    AgeBand,
    Channel,
    CollectedResponse,
    CollectionStatus,
    Education,
    ExpectationLevel,
    ExternalScore,
    Occupation,
    Origin,
    ScoreConflict,
    Sex,
    SkmCollection,
    SkmResponse,
    Source,
    VisitCode,
)
from service_quality.questionnaires import Questionnaire, clean_ratings, rating_aggregates, rating_results

# Requests a minute that one address (or one device) may send to the public form; a kiosk, which
# sends its queue in one go, may send more (config/settings.py, from the environment).
RATE_WINDOW_SECONDS = 60
# Prefix of the rate-limit counters (tests give each test its own, since the counters live in
# Redis and outlast a test).
RATE_NAMESPACE = "service_quality:skm:rate"
RATE_PER_ADDRESS = settings.PRIMA_SKM_RATE_PER_ADDRESS
RATE_PER_DEVICE = settings.PRIMA_SKM_RATE_PER_DEVICE
RATE_PER_KIOSK = settings.PRIMA_SKM_RATE_PER_KIOSK
# One device answers a unit's survey once within this time.
DUPLICATE_WINDOW = dt.timedelta(minutes=30)
# This many answers from one address to one collection within a minute (not from its kiosk) are
# a burst: the latest are kept but flagged, and left out of the IKM until HR looks at them.
BURST_SIZE = 5
BURST_WINDOW = dt.timedelta(minutes=1)
# Visit codes: no 0/O, 1/I/L, so that a code read off a ticket is typed right.
VISIT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
VISIT_CODE_LENGTH = 8
MAX_VISIT_CODES_PER_SHEET = 1000
SERVICE_MAX_LENGTH = 200
TOKEN_BYTES = 9  # 12 URL-safe characters, 72 random bits: short enough for a poster, not guessable


def keyed_hash(value: str) -> str:
    """A device id or address as a keyed hash: comparable, not reversible without the key."""
    if not value:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


# --- Collections.


def _check_collection(*, department: Department, period_from, period_to, expected_customers, questionnaires) -> None:
    errors = {}
    if not isinstance(questionnaires, list | tuple) or not set(questionnaires) <= set(Questionnaire.values):
        errors["questionnaires"] = [_("Choose among the questionnaires offered.")]
    if not department.is_service_unit:
        errors["department"] = [_("Only a service unit collects SKM answers.")]
    if period_from and period_to and period_to < period_from:
        errors["period_to"] = [_("The last day comes before the first.")]
    if expected_customers is None or expected_customers < 1:
        errors["expected_customers"] = [_("Give the number of customers expected in the period (at least 1).")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def collection_create(
    *,
    department: Department,
    period_from: dt.date,
    period_to: dt.date,
    expected_customers: int,
    actor,
    questionnaires: list[str] | tuple[str, ...] = (),
) -> SkmCollection:
    """Opens a collection; its sample target is Krejcie & Morgan's minimum for the customers
    expected in the period. `questionnaires` adds any of Questionnaire after SKM's elements."""
    _check_collection(
        department=department,
        period_from=period_from,
        period_to=period_to,
        expected_customers=expected_customers,
        questionnaires=questionnaires,
    )
    collection = SkmCollection.objects.create(
        department=department,
        period_from=period_from,
        period_to=period_to,
        expected_customers=expected_customers,
        questionnaires=[name for name in Questionnaire.values if name in questionnaires],
        sample_target=krejcie_morgan_sample_size(expected_customers),
        token=secrets.token_urlsafe(TOKEN_BYTES),
        kiosk_key=secrets.token_urlsafe(24),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="service_quality.collection.create",
        target=collection,
        summary=f"{department.code} {period_from}–{period_to}, {expected_customers} customers expected",
    )
    return collection


@transaction.atomic
def collection_close(*, collection: SkmCollection, actor) -> SkmCollection:
    if collection.status == CollectionStatus.CLOSED:
        raise Conflict(_("This collection is closed already."), code="state")
    collection.status = CollectionStatus.CLOSED
    collection.save(update_fields=["status"])
    audit_record(actor=actor, action="service_quality.collection.close", target=collection, summary=str(collection))
    # Its months are final now: their series are written at once (a refresh queued by the last
    # answers may still be waiting), then the driver impact for IKM of those months' rounds.
    periods = sorted(set(CollectedResponse.objects.filter(collection=collection).values_list("period", flat=True)))
    for period in periods:
        collected_series_refresh(department_id=collection.department_id, period=period)
    if periods:
        enqueue_on_commit("tasks.surveys.survey_ikm_impact_refresh_task", [period.isoformat() for period in periods])
    return collection


@transaction.atomic
def collection_publish_suggestions(*, collection: SkmCollection, publish: bool, actor) -> SkmCollection:
    """HR's approval to show the customers' suggestions on the unit's public results page."""
    collection.publish_suggestions = publish
    collection.save(update_fields=["publish_suggestions"])
    audit_record(
        actor=actor,
        action="service_quality.collection.publish_suggestions",
        target=collection,
        summary=f"{collection}: {'shown' if publish else 'hidden'}",
    )
    return collection


@transaction.atomic
def visit_codes_issue(*, collection: SkmCollection, count: int, actor) -> list[VisitCode]:
    """`count` new one-time codes for the counter to hand out."""
    if not 1 <= count <= MAX_VISIT_CODES_PER_SHEET:
        raise ValidationError({"count": [_("Ask for 1 to %(n)d codes at a time.") % {"n": MAX_VISIT_CODES_PER_SHEET}]})
    if collection.status != CollectionStatus.OPEN:
        raise Conflict(_("This collection is closed."), code="state")
    codes: set[str] = set()
    existing = set(VisitCode.objects.filter(collection=collection).values_list("code", flat=True))
    while len(codes) < count:
        code = "".join(secrets.choice(VISIT_CODE_ALPHABET) for _index in range(VISIT_CODE_LENGTH))
        if code not in existing:
            codes.add(code)
    issued = VisitCode.objects.bulk_create([VisitCode(collection=collection, code=code) for code in sorted(codes)])
    audit_record(actor=actor, action="service_quality.visit_codes.issue", target=collection, summary=f"{count} codes")
    return issued


# --- The public form's responses.


@dataclass(frozen=True)
class Sender:
    """Who sent an answer, as far as the public form knows: a device id (a cookie the form sets),
    the address, and the kiosk key when the answer comes from the unit's kiosk."""

    device: str = ""
    address: str = ""
    kiosk_key: str = ""


def open_collection(token: str, *, today: dt.date | None = None) -> SkmCollection:
    """The collection a public link names, if customers may answer it today; else 404."""
    today = today or timezone.localdate()
    collection = SkmCollection.objects.select_related("department").filter(token=token).first()
    if (
        collection is None
        or collection.status != CollectionStatus.OPEN
        or not collection.period_from <= today <= collection.period_to
    ):
        raise Http404(_("This survey does not exist or is not open."))
    return collection


def _redis():
    """The cache's Redis client, made once per process (building one per call costs more than
    the call), or None when the cache is not Redis (development without services)."""
    global _REDIS_CLIENT
    if _REDIS_CLIENT is None:
        backend = getattr(cache, "_cache", None)
        _REDIS_CLIENT = backend.get_client(write=True) if hasattr(backend, "get_client") else False
    return _REDIS_CLIENT or None


_REDIS_CLIENT = None


def _within_rates(limits: dict[str, int]) -> bool:
    """Counts this request in each named per-minute counter; False if any passed its limit.
    With Redis, every counter is counted in one round trip (a pipeline of INCR and EXPIRE)."""
    bucket = int(time.time() // RATE_WINDOW_SECONDS)
    keys = {f"{RATE_NAMESPACE}:{name}:{bucket}": limit for name, limit in limits.items()}
    client = _redis()
    if client is None:
        counts = []
        for key in keys:
            cache.add(key, 0, timeout=RATE_WINDOW_SECONDS * 2)
            counts.append(cache.incr(key))
    else:
        pipeline = client.pipeline(transaction=False)
        for key in keys:
            full_key = cache.make_and_validate_key(key)
            pipeline.incr(full_key)
            pipeline.expire(full_key, RATE_WINDOW_SECONDS * 2)
        counts = pipeline.execute()[::2]
    return all(count <= limit for count, limit in zip(counts, keys.values(), strict=True))


def _choice(errors: dict, field: str, value, allowed: list, *, required: bool = True):
    if value in (None, ""):
        if required:
            errors[field] = [_("This answer is required.")]
        return None
    if value not in allowed:
        errors[field] = [_("Choose one of the options given.")]
        return None
    return value


def _short_text(errors: dict, field: str, value, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[field] = [_("Write text here.")]
        return ""
    if len(value) > limit:
        errors[field] = [_("Write at most %(n)d characters.") % {"n": limit}]
        return ""
    return value.replace("\x00", "").strip()


def clean_submission(data, questionnaires: list[str] = ()) -> dict:
    """The model fields of one response from the form's body, or a ValidationError that names
    each wrong field in the respondent's language. `questionnaires`: the collection's further
    questionnaires, whose every question must be answered (`ratings`)."""
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("Send the answers as a JSON object.")]})
    errors: dict[str, list] = {}
    fields: dict = {}
    answers = data.get("answers")
    if not isinstance(answers, dict):
        errors["answers"] = [_("Answer all nine questions.")]
        answers = {}
    for key in SKM_ELEMENT_KEYS:
        value = answers.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not SKM_MIN_ANSWER <= value <= SKM_MAX_ANSWER:
            errors[f"answers.{key}"] = [_("Choose an answer from 1 to 4.")]
        else:
            fields[key] = value
    unknown = set(answers) - set(SKM_ELEMENT_KEYS)
    if unknown:
        errors["answers"] = [_("Unknown questions: %(keys)s.") % {"keys": ", ".join(sorted(map(str, unknown)))}]
    profile = data.get("profile")
    if not isinstance(profile, dict):
        errors["profile"] = [_("Tell us your age, sex, education and occupation.")]
        profile = {}
    for field, choices in (
        ("age_band", AgeBand.values),
        ("sex", Sex.values),
        ("education", Education.values),
        ("occupation", Occupation.values),
    ):
        value = _choice(errors, f"profile.{field}", profile.get(field), choices)
        if value is not None:
            fields[field] = value
    level = data.get("expectation_level")
    if level is not None and (isinstance(level, bool) or level not in ExpectationLevel.values):
        errors["expectation_level"] = [_("Choose one of the options given, or none.")]
    else:
        fields["expectation_level"] = level
    fields["ratings"] = clean_ratings(data.get("ratings"), list(questionnaires), errors)
    fields["service"] = _short_text(errors, "service", data.get("service"), SERVICE_MAX_LENGTH)
    fields["suggestion"] = _short_text(errors, "suggestion", data.get("suggestion"), SUGGESTION_MAX_LENGTH)
    code = data.get("visit_code")
    if code not in (None, "") and not isinstance(code, str):
        errors["visit_code"] = [_("This visit code is not valid.")]
    fields["visit_code"] = code.strip().upper() if isinstance(code, str) else ""
    if data.get("website"):  # the honeypot: a field people never see and bots fill in
        errors["non_field_errors"] = [_("This answer could not be accepted.")]
    if errors:
        raise ValidationError(errors)
    return fields


# The open collection a public link names, with this sender's duplicate and burst checks, in
# one statement. Plain SQL: the ORM spent more time composing this query than PostgreSQL spends
# answering it. The burst check is true when this address already sent BURST_SIZE - 1 answers
# to the collection within BURST_WINDOW (the (BURST_SIZE - 1)th of them exists); both run on
# the indexes sq_collected_device_recent and sq_collected_address_recent.
_COLLECTION_WITH_CHECKS = """
    SELECT collection.*,
        %(device)s <> '' AND EXISTS (
            SELECT 1 FROM {responses} answer
            WHERE answer.device_hash = %(device)s AND answer.submitted_at >= %(duplicate_since)s
                AND answer.department_id = collection.department_id
        ) AS device_answered,
        %(address)s <> '' AND EXISTS (
            SELECT 1 FROM {responses} answer
            WHERE answer.collection_id = collection.id AND answer.address_hash = %(address)s
                AND answer.submitted_at >= %(burst_since)s
            LIMIT 1 OFFSET %(burst_before)s
        ) AS address_burst
    FROM {collections} collection
    WHERE collection.token = %(token)s AND collection.status = %(open)s
        AND collection.period_from <= %(today)s AND collection.period_to >= %(today)s
"""


def _collection_with_checks(token: str, *, today: dt.date, now: dt.datetime, device_hash: str, address_hash: str):
    """The open collection a public link names, with `device_answered` (this device answered
    the unit within DUPLICATE_WINDOW) and `address_burst`; else 404."""
    sql = _COLLECTION_WITH_CHECKS.format(
        responses=CollectedResponse._meta.db_table, collections=SkmCollection._meta.db_table
    )
    params = {
        "token": token,
        "open": CollectionStatus.OPEN,
        "today": today,
        "device": device_hash,
        "duplicate_since": now - DUPLICATE_WINDOW,
        "address": address_hash,
        "burst_since": now - BURST_WINDOW,
        "burst_before": BURST_SIZE - 2,
    }
    collection = next(iter(SkmCollection.objects.raw(sql, params)), None)
    if collection is None:
        raise Http404(_("This survey does not exist or is not open."))
    return collection


def response_submit(*, token: str, data, sender: Sender, now: dt.datetime | None = None) -> CollectedResponse:
    """Records one customer's answers. Raises Http404 (unknown or closed collection),
    TooManyRequests, ValidationError (nothing stored) or Conflict (a duplicate, a used code).

    Without a visit code it costs two statements: one SELECT (the collection and this sender's
    recent answers) and the INSERT; Redis is asked once (the rate limits) and once more after
    the answer (the series' refresh)."""
    now = now or timezone.now()
    address_hash, device_hash = keyed_hash(sender.address), keyed_hash(sender.device)
    collection = _collection_with_checks(
        token, today=timezone.localdate(now), now=now, device_hash=device_hash, address_hash=address_hash
    )
    # Bad input is refused before it counts towards the rate limit: it stores nothing anyway.
    fields = clean_submission(data, collection.questionnaires)
    kiosk = bool(sender.kiosk_key) and hmac.compare_digest(sender.kiosk_key, collection.kiosk_key)
    if kiosk:
        limits = {f"kiosk:{collection.pk}": RATE_PER_KIOSK}
    else:
        limits = {f"address:{address_hash}": RATE_PER_ADDRESS}
        if device_hash:
            limits[f"device:{device_hash}"] = RATE_PER_DEVICE
    if not _within_rates(limits):
        raise TooManyRequests()
    if not kiosk and collection.device_answered:
        raise Conflict(_("This device has answered this survey already. Thank you!"), code="duplicate")
    burst = not kiosk and collection.address_burst
    code = fields.pop("visit_code")
    if fields["suggestion"]:
        # Names of staff leave the suggestion before it is stored: no one reads it with them.
        fields["suggestion"] = feedback_selectors.name_index().redact(fields["suggestion"])
    with transaction.atomic() if code else nullcontext():
        visit_code = None
        if code:
            visit_code = VisitCode.objects.select_for_update().filter(collection=collection, code=code).first()
            if visit_code is None:
                raise ValidationError({"visit_code": [_("This visit code is not valid.")]})
            if visit_code.response_id is not None or visit_code.used_at is not None:
                raise Conflict(_("This visit code has been used already."), code="duplicate")
        response = CollectedResponse.objects.create(
            collection=collection,
            department_id=collection.department_id,
            period=Period.of(timezone.localdate(now)).first_day,
            channel=Channel.KIOSK if kiosk else Channel.FORM,
            verified=visit_code is not None,
            flagged=burst,
            flag_reason="burst" if burst else "",
            device_hash="" if kiosk else device_hash,
            address_hash=address_hash,
            **fields,
        )
        if visit_code is not None:
            visit_code.response = response
            visit_code.used_at = now
            visit_code.save(update_fields=["response", "used_at"])
        department_id, period = collection.department_id, response.period
        transaction.on_commit(lambda: series_refresh_soon(department_id=department_id, period=period))
    return response


# --- The series.

# Answers to one unit within this many seconds share one rewrite of its month in the series.
SERIES_REFRESH_DELAY_SECONDS = 3
SERIES_REFRESH_JOB = "tasks.service_quality.skm_series_refresh_task"


def _refresh_flag(department_id: int, period: dt.date) -> str:
    return f"service_quality:skm:series:{department_id}:{period.isoformat()}"


def series_refresh_soon(*, department_id: int, period: dt.date) -> None:
    """Queues the rewrite of a unit's month of the series, once for the answers of a few
    seconds (at once where jobs run in-process). The job clears the flag before it reads, so an
    answer that comes while it runs queues the next one."""
    from celery import current_app

    if current_app.conf.task_always_eager:
        enqueue_on_commit(SERIES_REFRESH_JOB, department_id, period.isoformat())
    elif _flag_set(_refresh_flag(department_id, period), timeout=SERIES_REFRESH_DELAY_SECONDS * 20):
        enqueue_on_commit(SERIES_REFRESH_JOB, department_id, period.isoformat(), countdown=SERIES_REFRESH_DELAY_SECONDS)


def _flag_set(key: str, *, timeout: int) -> bool:
    """cache.add, through the process's one Redis client where there is one."""
    client = _redis()
    if client is None:
        return cache.add(key, 1, timeout=timeout)
    return bool(client.set(cache.make_and_validate_key(key), 1, nx=True, ex=timeout))


def collected_series_refresh(*, department_id: int, period: dt.date) -> int:
    """The job's work: one writer per unit at a time (a row lock), the month's totals read after
    the lock, so the last writer counts every answer committed before it. Returns the respondents."""
    cache.delete(_refresh_flag(department_id, period))
    with transaction.atomic():
        Department.objects.select_for_update().filter(pk=department_id).first()
        written = collected_scores_write(department_id=department_id, period=period)
    return written[0].respondents if written else 0


def collected_totals(department_id: int, period: dt.date) -> dict:
    """A unit's month of collected answers in one aggregate: respondents, each element's total
    and, per further question, its respondents, total and satisfied; flagged answers left out."""
    return CollectedResponse.objects.filter(department_id=department_id, period=period, flagged=False).aggregate(
        respondents=Count("id"), **{f"total_{key}": Sum(key) for key in SKM_ELEMENT_KEYS}, **rating_aggregates()
    )


def collected_scores_write(*, department_id: int, period: dt.date) -> list[ExternalScore]:
    """Rewrites a unit's month of the `skm` series from its collected answers (the same
    computation an import of the same answers makes), and of `csat` and `servqual` from the
    answers to further questionnaires (the scores an import of them would hold)."""
    totals = collected_totals(department_id, period)
    if not totals["respondents"]:
        return []
    rows = services.skm_scores_from_totals(
        department_id=department_id,
        period=period,
        respondents=totals["respondents"],
        element_totals=[totals[f"total_{key}"] or 0 for key in SKM_ELEMENT_KEYS],
        origin=Origin.COLLECTED,
    )
    rows += [
        ExternalScore(
            department_id=department_id,
            period=period,
            source=result.question.source,
            dimension=result.question.dimension,
            value=result.score,
            respondents=result.respondents,
            derived=False,
            origin=Origin.COLLECTED,
        )
        for result in rating_results(totals)
    ]
    return services.skm_series_write(rows, origin=Origin.COLLECTED)


@transaction.atomic
def score_conflict_resolve(*, conflict: ScoreConflict, keep: str, actor) -> ScoreConflict:
    """HR keeps the collected or the imported SKM results of a unit's month; the other is taken
    out of the series (and stays where it came from: the responses or the import)."""
    if keep not in Origin.values:
        raise ValidationError({"keep": [_("Choose collected or imported.")]})
    conflict = ScoreConflict.objects.select_for_update().get(pk=conflict.pk)
    conflict.kept, conflict.resolved_by, conflict.resolved_at = keep, actor, timezone.now()
    conflict.save(update_fields=["kept", "resolved_by", "resolved_at"])
    replaced = ExternalScore.objects.filter(
        department_id=conflict.department_id, period=conflict.period, source=conflict.source
    )
    # SKM is rewritten whichever is kept (the imported respondents are kept as SkmResponse);
    # CSAT and SERVQUAL lose only the other origin's values.
    (replaced if conflict.source == Source.SKM else replaced.exclude(origin=keep)).delete()
    if keep == Origin.COLLECTED:
        collected_scores_write(department_id=conflict.department_id, period=conflict.period)
    elif conflict.source != Source.SKM:
        services.held_imported_write(conflict)
    else:
        imported = SkmResponse.objects.filter(department_id=conflict.department_id, period=conflict.period).aggregate(
            respondents=Count("id"), **{f"total_{key}": Sum(key) for key in SKM_ELEMENT_KEYS}
        )
        if imported["respondents"]:
            rows = services.skm_scores_from_totals(
                department_id=conflict.department_id,
                period=conflict.period,
                respondents=imported["respondents"],
                element_totals=[imported[f"total_{key}"] for key in SKM_ELEMENT_KEYS],
                origin=Origin.IMPORTED,
            )
            services.skm_series_write(rows, origin=Origin.IMPORTED)
    audit_record(
        actor=actor,
        action="service_quality.skm_conflict.resolve",
        target=conflict,
        summary=f"{conflict}: kept {keep}",
    )
    return conflict
