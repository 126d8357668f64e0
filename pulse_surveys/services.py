"""Every write in pulse surveys: the bank, surveys, rounds, answering, closing, reminders."""

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from operator import itemgetter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.bulk import insert_rows
from core.errors import Conflict, NotAllowed
from core.jobs import enqueue_on_commit
from core.notifications import notification_send
from employees.models import Department, User
from feedback import selectors as feedback_selectors
from pulse_surveys import anonymity, ballots, history, noise, results
from pulse_surveys.models import (
    TEXT_MAX_LENGTH,
    Answer,
    Ballot,
    Cadence,
    Driver,
    DriverAnalysis,
    Invitation,
    Participation,
    Question,
    QuestionKind,
    Response,
    Round,
    RoundQuestion,
    RoundResult,
    RoundResultDriver,
    RoundStatus,
    Survey,
    SurveyQuestion,
    round_scoped_id,
    round_scoped_ids,
)
from pulse_surveys.results import protect as _protection  # noqa: F401  (its name before results.py)

# The whole audience's result has no department; this is its key in the suppression tree.
TOTAL = results.TOTAL
_SHUFFLE = random.SystemRandom()
# Materialises a closed round's results (and then its driver impact).
ROUND_RESULTS_JOB = "tasks.surveys.survey_round_close_task"


# --- The bank ---------------------------------------------------------------------------------


@transaction.atomic
def driver_create(*, key: str, name_en: str, name_id: str = "", position: int = 0) -> Driver:
    driver = Driver(key=key, name_en=name_en, name_id=name_id, position=position)
    driver.full_clean()
    driver.save()
    return driver


@transaction.atomic
def question_create(
    *, text_en: str, kind: str, text_id: str = "", driver: Driver | None = None, key: str | None = None
) -> Question:
    if kind == QuestionKind.LIKERT and driver is None:
        raise ValidationError({"driver": [_("A rating question belongs to a driver.")]})
    question = Question(key=key or None, text_en=text_en, text_id=text_id, kind=kind, driver=driver)
    question.full_clean()
    question.save()
    return question


# --- Surveys ----------------------------------------------------------------------------------


def _clean_reminder_days(reminder_days: Iterable[int] | None, open_days: int) -> list[int]:
    days = sorted({int(day) for day in (reminder_days or [])}, reverse=True)
    if any(day < 0 or day >= open_days for day in days):
        message = _("Reminders are sent between 0 and %(days)s days before close.") % {"days": open_days - 1}
        raise ValidationError({"reminder_days": [message]})
    return days


def _set_questions(survey: Survey, questions: list[Question]) -> None:
    if not questions:
        raise ValidationError({"questions": [_("A survey asks at least one question.")]})
    if len({q.pk for q in questions}) != len(questions):
        raise ValidationError({"questions": [_("A question can be asked only once in a survey.")]})
    if any(not q.is_active for q in questions):
        raise ValidationError({"questions": [_("Inactive questions cannot be asked.")]})
    SurveyQuestion.objects.filter(survey=survey).delete()
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(survey=survey, question=question, position=position)
        for position, question in enumerate(questions)
    )


@transaction.atomic
def survey_create(
    *,
    title: str,
    questions: list[Question],
    cadence: str = Cadence.MONTHLY,
    departments: Iterable[Department] = (),
    anonymity_threshold: int = settings.PRIMA_ANONYMITY_THRESHOLD_DEFAULT,
    questions_per_round: int | None = None,
    open_days: int = 5,
    reminder_days: Iterable[int] | None = None,
    starts_at: dt.datetime | None = None,
    is_active: bool = True,
    actor: User | None = None,
) -> Survey:
    survey = Survey(
        title=title,
        cadence=cadence,
        anonymity_threshold=anonymity_threshold,
        questions_per_round=questions_per_round,
        open_days=open_days,
        reminder_days=_clean_reminder_days(reminder_days, open_days),
        starts_at=starts_at,
        is_active=is_active,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    survey.full_clean()
    survey.save()
    _set_questions(survey, list(questions))
    survey.departments.set(list(departments))
    if actor is not None:
        audit_record(actor=actor, action="pulse.survey.create", target=survey, summary=title)
    return survey


def survey_has_answers(survey: Survey) -> bool:
    return Participation.objects.filter(round__survey=survey).exists()


@transaction.atomic
def survey_update(*, survey: Survey, actor: User | None = None, **changes) -> Survey:
    """Changes a survey. The reporting threshold is fixed once any of its rounds has answers:
    lowering it afterwards would show groups that people answered in expecting to be hidden."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    threshold = changes.get("anonymity_threshold", survey.anonymity_threshold)
    if threshold != survey.anonymity_threshold and survey_has_answers(survey):
        raise Conflict(_("The anonymity threshold cannot change once a round has answers."), code="threshold_locked")
    questions = changes.pop("questions", None)
    departments = changes.pop("departments", None)
    for field, value in changes.items():
        setattr(survey, field, value)
    survey.reminder_days = _clean_reminder_days(survey.reminder_days, survey.open_days)
    survey.full_clean()
    survey.save()
    if questions is not None:
        _set_questions(survey, list(questions))
    if departments is not None:
        survey.departments.set(list(departments))
    Round.objects.filter(survey=survey).exclude(status=RoundStatus.CLOSED).update(
        anonymity_threshold=survey.anonymity_threshold
    )
    if actor is not None:
        audit_record(actor=actor, action="pulse.survey.update", target=survey, summary=survey.title)
    return survey


# --- Rounds -----------------------------------------------------------------------------------


def _questions_for_round(survey: Survey, number: int) -> list[Question]:
    """The survey's questions, or with a cap per round a rotating window of its rating
    questions; eNPS and free-text questions are asked in every round."""
    questions = [sq.question for sq in survey.survey_questions.select_related("question") if sq.question.is_active]
    cap = survey.questions_per_round
    if not cap or cap >= len(questions):
        return questions
    rotating = [q for q in questions if q.kind == QuestionKind.LIKERT]
    if not rotating:
        return questions[:cap]
    window = min(len(rotating), max(1, cap - (len(questions) - len(rotating))))
    start = (number - 1) * window % len(rotating)
    chosen = {rotating[(start + offset) % len(rotating)].pk for offset in range(window)}
    return [q for q in questions if q.kind != QuestionKind.LIKERT or q.pk in chosen]


def _audience(survey: Survey):
    people = User.objects.filter(is_active=True)
    paths = list(survey.departments.values_list("path", flat=True))
    if paths:
        in_subtrees = Q()
        for path in paths:
            in_subtrees |= Q(department__path__startswith=path)
        people = people.filter(in_subtrees)
    return people


@transaction.atomic
def round_create(*, survey: Survey, opens_at: dt.datetime, closes_at: dt.datetime, actor: User | None = None) -> Round:
    """Schedules a round; one whose opening time has come opens at once."""
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": [_("A round closes after it opens.")]})
    now = timezone.now()
    if closes_at <= now:
        raise ValidationError({"closes_at": [_("A round cannot close in the past.")]})
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.is_active:
        raise Conflict(_("The survey is not active."), code="survey_inactive")
    number = (survey.rounds.aggregate(last=Max("number"))["last"] or 0) + 1
    pulse_round = Round.objects.create(
        survey=survey,
        number=number,
        opens_at=opens_at,
        closes_at=closes_at,
        anonymity_threshold=survey.anonymity_threshold,
    )
    RoundQuestion.objects.bulk_create(
        RoundQuestion(round=pulse_round, question=question, position=position)
        for position, question in enumerate(_questions_for_round(survey, number))
    )
    if actor is not None:
        audit_record(actor=actor, action="pulse.round.create", target=pulse_round, summary=str(pulse_round))
    if opens_at <= now:
        round_open(pulse_round=pulse_round)
    return pulse_round


@transaction.atomic
def round_open(*, pulse_round: Round) -> Round:
    """Opens a scheduled round and snapshots its audience: who is invited, in which department."""
    pulse_round = Round.objects.select_for_update().select_related("survey").get(pk=pulse_round.pk)
    if pulse_round.status != RoundStatus.SCHEDULED:
        raise Conflict(_("Only a scheduled round can open."), code="round_state")
    Invitation.objects.bulk_create(
        Invitation(round=pulse_round, employee_id=employee_id, department_id=department_id)
        for employee_id, department_id in _audience(pulse_round.survey).values_list("id", "department_id")
    )
    pulse_round.status = RoundStatus.OPEN
    pulse_round.save(update_fields=["status"])
    return pulse_round


def _next_opening(survey: Survey, last: Round | None) -> dt.datetime | None:
    if last is None:
        return survey.starts_at
    if survey.cadence == Cadence.ONCE:
        return None
    if survey.cadence == Cadence.WEEKLY:
        return last.opens_at + dt.timedelta(days=7)
    if survey.cadence == Cadence.BIWEEKLY:
        return last.opens_at + dt.timedelta(days=14)
    local = timezone.localtime(last.opens_at)
    year, month = divmod(local.year * 12 + local.month, 12)
    first_of_next = local.replace(year=year, month=month + 1, day=1)
    return first_of_next + dt.timedelta(days=min(local.day, 28) - 1)


def rounds_open_due(*, now: dt.datetime | None = None) -> list[int]:
    """Opens scheduled rounds whose time has come, and starts the next round of every active
    survey whose cadence says one is due. Returns the ids of the rounds opened."""
    now = now or timezone.now()
    opened = []
    for pulse_round in Round.objects.filter(status=RoundStatus.SCHEDULED, opens_at__lte=now):
        try:
            opened.append(round_open(pulse_round=pulse_round).pk)
        except Conflict:
            continue  # opened meanwhile by another run
    pending = Round.objects.filter(survey=OuterRef("pk")).exclude(status=RoundStatus.CLOSED)
    surveys = Survey.objects.filter(is_active=True, starts_at__lte=now).exclude(Exists(pending))
    for survey in surveys:
        last = survey.rounds.order_by("-number").first()
        due = _next_opening(survey, last)
        if due is None or due > now:
            continue
        try:
            pulse_round = round_create(survey=survey, opens_at=now, closes_at=now + dt.timedelta(days=survey.open_days))
        except (IntegrityError, Conflict):
            continue  # another run created it
        opened.append(pulse_round.pk)
    return opened


@transaction.atomic
def round_close(*, pulse_round: Round, actor: User | None = None) -> Round:
    """Closes an open round (no more answers) and has its results materialised by a job."""
    pulse_round = Round.objects.select_for_update().get(pk=pulse_round.pk)
    if pulse_round.status != RoundStatus.OPEN:
        raise Conflict(_("Only an open round can be closed."), code="round_state")
    now = timezone.now()
    pulse_round.status = RoundStatus.CLOSED
    pulse_round.closed_at = now
    pulse_round.period = timezone.localdate(now).replace(day=1)
    pulse_round.save(update_fields=["status", "closed_at", "period"])
    if actor is not None:
        audit_record(actor=actor, action="pulse.round.close", target=pulse_round, summary=str(pulse_round))
    enqueue_on_commit(ROUND_RESULTS_JOB, pulse_round.pk)
    return pulse_round


# A closed round whose results are not ready this long after closing has lost its job.
RESULTS_JOB_GRACE = dt.timedelta(minutes=10)


def rounds_close_expired(*, now: dt.datetime | None = None) -> list[int]:
    """Closes open rounds past their closing time, and sends the results job again for any
    round whose results never arrived (a job that failed). Returns the ids of rounds closed."""
    now = now or timezone.now()
    closed = []
    for pulse_round in Round.objects.filter(status=RoundStatus.OPEN, closes_at__lte=now):
        try:
            closed.append(round_close(pulse_round=pulse_round).pk)
        except Conflict:
            continue
    stale = Round.objects.filter(status=RoundStatus.CLOSED, results_ready=False, closed_at__lte=now - RESULTS_JOB_GRACE)
    for round_id in stale.values_list("pk", flat=True):
        enqueue_on_commit(ROUND_RESULTS_JOB, round_id)
    return closed


# --- Answering --------------------------------------------------------------------------------


def _clean_answers(questions: dict[int, Question], answers: list[dict]) -> list[Answer]:
    """Validates a submission against the round's questions; every problem is reported."""
    errors: list[str] = []
    cleaned: list[Answer] = []
    seen: set[int] = set()
    for item in answers:
        question = questions.get(item.get("question"))
        if question is None:
            errors.append(_("Question %(id)s is not part of this round.") % {"id": item.get("question")})
            continue
        if question.pk in seen:
            errors.append(_("Question %(id)s is answered twice.") % {"id": question.pk})
            continue
        seen.add(question.pk)
        value, text = item.get("value"), item.get("text")
        if question.kind == QuestionKind.TEXT:
            if value is not None:
                errors.append(_("Question %(id)s takes a text, not a number.") % {"id": question.pk})
            elif text is not None and len(str(text)) > TEXT_MAX_LENGTH:
                errors.append(_("The answer to question %(id)s is too long.") % {"id": question.pk})
            elif text is not None and str(text).strip():
                cleaned.append(Answer(question=question, text=str(text).strip()))
            continue
        low, high = question.value_range
        if text not in (None, ""):
            errors.append(_("Question %(id)s takes a number, not a text.") % {"id": question.pk})
        elif value is None:
            seen.discard(question.pk)
        elif isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors.append(
                _("The answer to question %(id)s must be a whole number from %(low)s to %(high)s.")
                % {"id": question.pk, "low": low, "high": high}
            )
        else:
            cleaned.append(Answer(question=question, value=value))
    missing = [q.pk for q in questions.values() if q.required and q.pk not in seen]
    if missing:
        ids = ", ".join(map(str, missing))
        errors.append(_("Please answer every rating question (missing: %(ids)s).") % {"ids": ids})
    if errors:
        raise ValidationError({"answers": errors})
    return cleaned


def response_submit(*, pulse_round: Round | int, employee: User, answers: list[dict]) -> None:
    """Stores one person's answers to a round (the round or its id: the round is read with the
    invitation). Who answered (`Participation`) and a sealed ballot of what was answered
    (`pulse_surveys.ballots`) are written in one transaction — so that nothing is lost or doubled
    — and nothing readable pairs them: the ballot opens only when the round closes, into a
    response written in random order among all the others. Returns nothing, so that no receipt
    can tie a person to their response.

    Everything is read and checked before the transaction: the invitation with its round and
    whether the person answered already, then the round's questions. The participation is the
    first write, so that its unique constraint decides between two submissions that race."""
    round_id = pulse_round.pk if isinstance(pulse_round, Round) else pulse_round
    invitation = (
        Invitation.objects.filter(round_id=round_id, employee=employee)
        .select_related("round")
        .annotate(answered=Exists(Participation.objects.filter(round_id=round_id, employee=employee)))
        .first()
    )
    if invitation is None:
        raise NotAllowed(_("You are not invited to this round."), code="not_invited")
    pulse_round = invitation.round
    now = timezone.now()
    if pulse_round.status != RoundStatus.OPEN or not pulse_round.opens_at <= now < pulse_round.closes_at:
        raise Conflict(_("This round is not open for answers."), code="round_not_open")
    if invitation.answered:
        raise _already_answered()
    questions = {q.pk: q for q in pulse_round.questions.all()}
    cleaned = _clean_answers(questions, answers)
    sealed = ballots.ballot_seal(
        round_id=pulse_round.pk,
        size=ballots.ballot_size(questions.values()),
        department_id=invitation.department_id,
        items=[(answer.question_id, answer.value, answer.text) for answer in cleaned],
    )
    with transaction.atomic():
        if not _round_open_for_this_transaction(pulse_round.pk):
            raise Conflict(_("This round is not open for answers."), code="round_not_open")
        try:
            Participation.in_round(pulse_round, employee=employee, answered_on=timezone.localdate(now)).save(
                force_insert=True
            )
        except IntegrityError:
            # A second submission that raced the first: the unique constraint decides. Nothing
            # else is written yet; leaving the block rolls the transaction back.
            raise _already_answered() from None
        Ballot.objects.create(round=pulse_round, sealed=sealed)


def _round_open_for_this_transaction(round_id: int) -> bool:
    """Whether the round is still open, holding it open until this transaction ends: on
    PostgreSQL a KEY SHARE lock, which submissions share among themselves and which closing
    (`FOR UPDATE`) waits for — so no ballot is ever written after its round's ballots were
    opened, where it would never be opened (SQLite writes one transaction at a time)."""
    if connection.vendor != "postgresql":
        return Round.objects.filter(pk=round_id, status=RoundStatus.OPEN).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM pulse_surveys_round WHERE id = %s FOR KEY SHARE", [round_id])
        row = cursor.fetchone()
    return row is not None and row[0] == RoundStatus.OPEN


def _already_answered() -> Conflict:
    return Conflict(_("You have already answered this round."), code="already_answered")


# --- Closing: ballots opened, storage order erased, results materialised -----------------------

# Ballots opened per batch when a round closes: a batch holds at most this many padded ballots
# (a few kB each with a free-text question) and their answers in memory.
BALLOTS_OPENED_PER_BATCH = 2000


def _open_ballots(pulse_round: Round) -> None:
    """Opens the round's sealed ballots into responses and answers, inside the caller's
    transaction, and deletes the ballots. Ballots are taken in random order, batch by batch.
    Every response and answer gets a new round-scoped id, random within the round, and each
    batch is written in the order of those ids, each response's answers next to each other
    (which their key says anyway): an order drawn afresh, which follows neither the ballots nor
    the participations written with them, and which fills the tables' keys from one end rather
    than at random places. Opening twice is impossible: the ballots go with the
    transaction that writes their responses."""
    ballot_ids = list(Ballot.objects.filter(round=pulse_round).values_list("id", flat=True))
    _SHUFFLE.shuffle(ballot_ids)
    # Colleagues' names leave the comments as they are opened: no readable copy keeps them.
    names = feedback_selectors.name_index() if ballot_ids else None
    round_id = pulse_round.pk
    for start in range(0, len(ballot_ids), BALLOTS_OPENED_PER_BATCH):
        batch = ballot_ids[start : start + BALLOTS_OPENED_PER_BATCH]
        opened = [
            ballots.ballot_open(bytes(sealed), round_id=round_id)
            for sealed in Ballot.objects.filter(pk__in=batch).values_list("sealed", flat=True)
        ]
        # The database returns the ballots in an order of its own (that of their writing, as
        # likely as not): which of them gets which of the batch's new ids is drawn afresh.
        _SHUFFLE.shuffle(opened)
        response_ids = round_scoped_ids(round_id, len(opened))
        responses = [
            (response_id, round_id, department_id)
            for response_id, (department_id, _items) in zip(response_ids, opened, strict=True)
        ]
        answers = [
            (response_id, question_id, value, names.redact(text) if text else text)
            for response_id, (_department_id, items) in zip(response_ids, opened, strict=True)
            for question_id, value, text in sorted(items, key=itemgetter(0))
        ]
        answer_ids = round_scoped_ids(round_id, len(answers))
        insert_rows(Response, ["id", "round", "department"], responses)
        insert_rows(
            Answer,
            ["id", "round", "response", "question", "value", "text"],
            ((answer_id, round_id, *answer) for answer_id, answer in zip(answer_ids, answers, strict=True)),
        )
    Ballot.objects.filter(round=pulse_round).delete()
    if ballot_ids and connection.vendor == "postgresql":
        _gather_statistics(Response, Answer)


def _gather_statistics(*models) -> None:
    """PostgreSQL: the tables' statistics gathered again inside the caller's transaction, which
    counts its own rows. The rows just written for a round did not exist when the statistics
    were last gathered (nor will they be, until a tenth of the table has changed), so the planner
    would take the round for empty and join its rows one by one: at 5,000 people, 19 s instead
    of a tenth of a second for the two reads of the round's answers that follow. ANALYZE reads a
    sample: about a second at 75 million answers. Its lock is held to the end of the transaction,
    so a second round closing at the same time waits here until the first has committed. (A
    database role that does not own the tables gets a warning and keeps the old statistics.)"""
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _rewrite_in_random_order(pulse_round: Round, *, responses: bool = True) -> None:
    """Writes the round's participations again, in random order and with new ids, and with
    `responses` its responses and answers too, so that neither the rows' storage order
    (SQLite's rowid, PostgreSQL's physical order and transaction ids) nor anything else still
    pairs a participation with its response. Responses just opened from ballots need no
    rewrite: they were written in an order of their own drawing, all in the closing
    transaction. On PostgreSQL the rows never leave the database (`_rewrite_in_database`)."""
    if connection.vendor == "postgresql":
        _rewrite_in_database(pulse_round.pk, responses=responses)
        return
    participations = list(Participation.objects.filter(round=pulse_round).values_list("employee_id", "answered_on"))
    _SHUFFLE.shuffle(participations)
    Participation.objects.filter(round=pulse_round).delete()
    Participation.objects.bulk_create(
        Participation.in_round(pulse_round, employee_id=employee_id, answered_on=answered_on)
        for employee_id, answered_on in participations
    )
    if not responses:
        return
    old_responses = list(Response.objects.filter(round=pulse_round).values_list("id", "department_id"))
    answers = defaultdict(list)
    for response_id, question_id, value, text in Answer.objects.filter(round=pulse_round).values_list(
        "response_id", "question_id", "value", "text"
    ):
        answers[response_id].append((question_id, value, text))
    _SHUFFLE.shuffle(old_responses)
    Response.objects.filter(round=pulse_round).delete()
    new_responses = [Response.in_round(pulse_round, department_id=department) for _id, department in old_responses]
    Response.objects.bulk_create(new_responses)
    new_answers = [
        Answer.in_round(pulse_round, response=new, question_id=question_id, value=value, text=text)
        for (old_id, _department), new in zip(old_responses, new_responses, strict=True)
        for question_id, value, text in answers[old_id]
    ]
    _SHUFFLE.shuffle(new_answers)
    Answer.objects.bulk_create(new_answers, batch_size=2000)


# The round's rewrite in set-based statements: the new ids' random part comes from
# gen_random_uuid() (PostgreSQL's strong random source, as SystemRandom is in Python), and the
# ids are round-scoped as `round_scoped_id` makes them: %(prefix)s is the round's number in 8 hex
# digits, in place of the random UUID's first 8. The rows are written in the order of their new
# ids — a random order, drawn afresh, that follows nothing the rows held before — and answers
# next to the other answers of their response (which their key says anyway), so that the
# indexes on those keys are filled from one end rather than at random places. The map from old to
# new response ids lives in a temporary table only while the rewrite runs.
_REWRITE_RESPONSES = (
    "CREATE TEMPORARY TABLE pulse_rewrite_response ON COMMIT DROP AS "
    "SELECT id AS old_id, (%(prefix)s || substr(gen_random_uuid()::text, 9))::uuid AS new_id, department_id "
    "FROM pulse_surveys_response "
    "WHERE round_id = %(round)s",
    "INSERT INTO pulse_surveys_response (id, round_id, department_id) "
    "SELECT new_id, %(round)s, department_id FROM pulse_rewrite_response ORDER BY new_id",
    "INSERT INTO pulse_surveys_answer (id, round_id, response_id, question_id, value, text) "
    "SELECT (%(prefix)s || substr(gen_random_uuid()::text, 9))::uuid, %(round)s, m.new_id, a.question_id, "
    "a.value, a.text "
    "FROM pulse_surveys_answer a JOIN pulse_rewrite_response m ON m.old_id = a.response_id "
    "WHERE a.round_id = %(round)s ORDER BY m.new_id, a.question_id",
    "DELETE FROM pulse_surveys_answer a USING pulse_rewrite_response m "
    "WHERE a.round_id = %(round)s AND a.response_id = m.old_id",
    "DELETE FROM pulse_surveys_response r USING pulse_rewrite_response m WHERE r.id = m.old_id",
    "DROP TABLE pulse_rewrite_response",
)
_REWRITE_PARTICIPATIONS = (
    # Participations are deleted before they are written again: (round, employee) is unique.
    "CREATE TEMPORARY TABLE pulse_rewrite_participation ON COMMIT DROP AS "
    "SELECT employee_id, answered_on FROM pulse_surveys_participation WHERE round_id = %(round)s",
    "DELETE FROM pulse_surveys_participation WHERE round_id = %(round)s",
    "INSERT INTO pulse_surveys_participation (id, round_id, employee_id, answered_on) "
    "SELECT (%(prefix)s || substr(gen_random_uuid()::text, 9))::uuid AS new_id, %(round)s, employee_id, answered_on "
    "FROM pulse_rewrite_participation ORDER BY new_id",
    "DROP TABLE pulse_rewrite_participation",
)


def _rewrite_in_database(round_id: int, *, responses: bool) -> None:
    """PostgreSQL: the rewrite as set-based statements in the caller's transaction."""
    statements = (*_REWRITE_RESPONSES, *_REWRITE_PARTICIPATIONS) if responses else _REWRITE_PARTICIPATIONS
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, {"round": round_id, "prefix": round_scoped_id(round_id).hex[:8]})


def _result_tree(department_ids: set) -> dict:
    """The departments holding invitations with all their ancestors, as `{node: parent}`
    under the TOTAL node."""
    departments = {d.pk: d for d in Department.objects.filter(pk__in=department_ids - {None})}
    ancestor_ids = {a for d in departments.values() for a in d.ancestor_ids} - set(departments)
    departments.update({d.pk: d for d in Department.objects.filter(pk__in=ancestor_ids)})
    parents = {TOTAL: None}
    for pk, department in departments.items():
        parents[pk] = department.parent_id if department.parent_id in departments else TOTAL
    return parents


def rounds_results_materialise(round_ids: list[int], *, rewrite_storage: bool = True) -> None:
    """Materialises several closed rounds, in the order given (oldest first, as they closed),
    each in its own transaction (a savepoint inside a caller's). What each round's anonymity
    decision reads of the other rounds is read once for the whole sequence instead of once per
    later round: for rebuilding a history while nothing else materialises the same rounds."""
    known: dict = {}
    for round_id in round_ids:
        round_results_materialise(round_id=round_id, rewrite_storage=rewrite_storage, known=known)


@transaction.atomic
def round_results_materialise(*, round_id: int, rewrite_storage: bool = True, known: dict | None = None) -> Round:
    """Computes and stores the results of a closed round for every department's subtree and
    the whole audience, suppressed as `pulse_surveys.anonymity` decides. Idempotent.
    `rewrite_storage=False` is for rows written in random order in the first place (the demo).
    `known`: other rounds as already read (see `history.earlier_shown_rounds`)."""
    pulse_round = Round.objects.select_for_update().get(pk=round_id)
    if known is not None:  # this round's results change now: read them again when asked
        known.pop(round_id, None)
    if pulse_round.status != RoundStatus.CLOSED:
        raise Conflict(_("Results are materialised once a round is closed."), code="round_state")
    # Responses already stored before the ballots are opened (a close run again; rows written
    # directly, as an older version did) are written again with the participations.
    written_before = rewrite_storage and pulse_round.responses.exists()
    _open_ballots(pulse_round)
    if rewrite_storage:
        _rewrite_in_random_order(pulse_round, responses=written_before)

    questions = {q.pk: results.QuestionSpec(q.kind, q.driver_id, q.value_range) for q in pulse_round.questions.all()}
    invited_own = Counter(dict(pulse_round.invitations.values_list("department_id").annotate(n=Count("id")).order_by()))
    responded_own = Counter(dict(pulse_round.responses.values_list("department_id").annotate(n=Count("id")).order_by()))
    values_own: dict = defaultdict(lambda: defaultdict(Counter))
    # The round's answers through their own index; their responses (for the department) are
    # looked for among the round's only, not among every round's.
    round_answers = Answer.objects.filter(round=pulse_round, response__round=pulse_round)
    for department_id, question_id, value, n in (
        round_answers.filter(value__isnull=False)
        .values_list("response__department_id", "question_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    ):
        values_own[results.node_of(department_id)][question_id][value] += n
    comments_own = defaultdict(list)
    for department_id, text in round_answers.filter(value__isnull=True).values_list("response__department_id", "text"):
        comments_own[results.node_of(department_id)].append(text)

    parents = _result_tree(set(invited_own) | set(responded_own))
    own_respondents = Counter({results.node_of(d): n for d, n in responded_own.items()})
    members = history.members_by_node([pulse_round.pk])[pulse_round.pk]
    respondents = history.answered([pulse_round.pk])[pulse_round.pk]
    history.remember_members(pulse_round.pk, members, respondents)
    decisions = anonymity.decide(
        parents,
        own_respondents,
        pulse_round.anonymity_threshold,
        members=members,
        answered=respondents,
        earlier=history.earlier_shown_rounds(pulse_round, known),
    )
    groups = results.round_results(
        questions=questions,
        parents=parents,
        invited={results.node_of(d): n for d, n in invited_own.items()},
        responded=own_respondents,
        values=values_own,
        comments=comments_own,
        decisions=decisions,
        budget=noise.round_epsilon(),
    )
    rows = [
        (
            RoundResult(
                round=pulse_round,
                department_id=None if group.node == TOTAL else group.node,
                parent_department_id=None if group.parent in (None, TOTAL) else group.parent,
                is_total=group.node == TOTAL,
                invited=group.invited,
                responded=group.responded,
                suppressed=group.suppressed,
                reason=group.reason,
                score=group.score,
                enps=group.enps,
                protected=group.protected,
                epsilon=group.epsilon,
                score_margin=group.score_margin,
                score_noise_scale=group.score_noise_scale,
                score_noise_variance=group.score_noise_variance,
                enps_margin=group.enps_margin,
                enps_noise_scale=group.enps_noise_scale,
                enps_noise_variance=group.enps_noise_variance,
                distributions=group.distributions,
                comments=group.comments,
            ),
            group.drivers,
        )
        for group in groups
    ]

    RoundResult.objects.filter(round=pulse_round).delete()
    DriverAnalysis.objects.filter(round=pulse_round).delete()  # stale: recomputed from the new results
    RoundResult.objects.bulk_create([result for result, _scores in rows])
    RoundResultDriver.objects.bulk_create(
        RoundResultDriver(
            result=result,
            driver_id=driver_id,
            score=score,
            margin=margin,
            noise_scale=scale,
            noise_variance=noise_variance,
        )
        for result, scores in rows
        for driver_id, (score, margin, scale, noise_variance) in scores.items()
    )
    pulse_round.results_ready = True
    pulse_round.save(update_fields=["results_ready"])
    return pulse_round


# --- Reminders --------------------------------------------------------------------------------


@transaction.atomic
def reminders_plan(*, today: dt.date | None = None) -> dict[int, list[int]]:
    """Marks who gets a reminder today: invited people who have not answered an open round that
    closes in one of its survey's reminder days, at most one e-mail a day per person. Returns
    `{employee_id: [round ids]}` and sends the e-mails by job once this commits."""
    today = today or timezone.localdate()
    due_round_ids = [
        pulse_round.pk
        for pulse_round in Round.objects.filter(status=RoundStatus.OPEN).select_related("survey")
        if (timezone.localdate(pulse_round.closes_at) - today).days in (pulse_round.survey.reminder_days or [])
    ]
    if not due_round_ids:
        return {}
    answered = Participation.objects.filter(round_id=OuterRef("round_id"), employee_id=OuterRef("employee_id"))
    reminded_today = Invitation.objects.filter(employee_id=OuterRef("employee_id"), last_reminded_on=today)
    invitations = (
        Invitation.objects.select_for_update()
        .filter(round_id__in=due_round_ids, employee__is_active=True)
        .exclude(Exists(answered))
        .exclude(Exists(reminded_today))
        .values_list("pk", "employee_id", "round_id")
    )
    plan: dict[int, list[int]] = defaultdict(list)
    invitation_ids = []
    for invitation_id, employee_id, round_id in invitations:
        plan[employee_id].append(round_id)
        invitation_ids.append(invitation_id)
    Invitation.objects.filter(pk__in=invitation_ids).update(last_reminded_on=today)
    for employee_id, round_ids in plan.items():
        enqueue_on_commit("tasks.surveys.survey_reminder_send_task", employee_id, round_ids)
    return dict(plan)


def reminder_send(*, employee_id: int, round_ids: list[int]) -> bool:
    """Sends one reminder e-mail for the rounds the person still has not answered."""
    employee = User.objects.filter(pk=employee_id, is_active=True).exclude(email="").first()
    if employee is None:
        return False
    answered = Participation.objects.filter(round_id=OuterRef("pk"), employee=employee)
    rounds = list(
        Round.objects.filter(pk__in=round_ids, status=RoundStatus.OPEN, invitations__employee=employee)
        .exclude(Exists(answered))
        .select_related("survey")
        .order_by("closes_at")
    )
    if not rounds:
        return False
    # PRIMA_BASE_URL (e.g. https://prima.example.go.id) makes the link absolute when it is set.
    base_url = getattr(settings, "PRIMA_BASE_URL", "").rstrip("/")

    def compose():
        lines = [
            _("%(title)s — open until %(closes)s")
            % {"title": r.survey.title, "closes": timezone.localtime(r.closes_at).strftime("%d-%m-%Y %H:%M")}
            for r in rounds
        ]
        body = "\n".join(
            [
                _("Hello %(name)s,") % {"name": employee.first_name or employee.username},
                "",
                _("A short pulse survey is waiting for your answers:"),
                *[f"- {line}" for line in lines],
                "",
                _("It takes two minutes and is anonymous: nobody can see what you answered."),
                f"{base_url}{reverse('pulse_surveys:mine')}",
            ]
        )
        return _("Reminder: your pulse survey"), body

    notification_send([employee], compose)
    return True
