"""`read_at_once`: read-only calls on several connections at once, each result in its call's
place, nothing left open afterwards; one after another inside a transaction (whose rows the
other connections could not see) or with one stream. A report's inputs read that way are the
inputs read one after another."""

import dataclasses
import datetime as dt
import threading
import time

import numpy as np
import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from bench.replica_pair import free_port
from config.replica import read_at_once
from correlation import inputs
from employees.models import User
from tests.builders import objects_of_every_kind
from tests.correlation.conftest import import_csv
from tests.factories import UserFactory

# committed rows, which the other connections see; the rows the migrations seed (such as the
# leave policy) are restored after each test's flush
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def backend() -> tuple[int, str]:
    """(the connection's server process, the thread) of the calling thread, after a query of
    20 ms (long enough for every thread to have started and taken calls)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), pg_sleep(0.02)")
        return cursor.fetchone()[0], threading.current_thread().name


def open_connections() -> int:
    """Clients connected to the test database (autovacuum and parallel workers left out)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND backend_type = 'client backend'"
        )
        return cursor.fetchone()[0]


def connections_after_closing(expected: int) -> int:
    """`open_connections()` once it is `expected`, or after 5 s: a closed connection's server
    process takes a moment to leave."""
    deadline = time.monotonic() + 5
    while (count := open_connections()) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return count


def test_calls_run_on_two_connections_and_answer_in_their_order(settings):
    settings.DATABASE_READ_STREAMS = 2
    before = open_connections()
    squares = [lambda n=n: (n * n, backend()) for n in range(12)]

    answered = read_at_once(squares)

    assert [square for square, _where in answered] == [n * n for n in range(12)]
    servers = {server for _square, (server, _thread) in answered}
    threads = {thread for _square, (_server, thread) in answered}
    assert len(servers) == 2 and len(threads) == 2
    assert backend()[0] in servers  # this thread's own connection took calls too
    assert connections_after_closing(before) == before  # the extra connection is closed again


def test_with_one_stream_or_inside_a_transaction_the_calls_run_here_one_after_another(settings):
    here = backend()
    settings.DATABASE_READ_STREAMS = 1
    assert {where for _n, where in read_at_once([lambda n=n: (n, backend()) for n in range(4)])} == {here}

    settings.DATABASE_READ_STREAMS = 4
    with transaction.atomic():
        assert {where for _n, where in read_at_once([lambda n=n: (n, backend()) for n in range(4)])} == {here}


def test_an_error_in_any_call_is_raised_once_every_thread_has_stopped(settings):
    settings.DATABASE_READ_STREAMS = 3
    before = open_connections()

    def fails():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")

    with pytest.raises(Exception, match="division by zero"):
        read_at_once([backend, backend, fails, backend, backend])
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("prima-read-")]
    assert connections_after_closing(before) == before


def test_a_thread_that_cannot_connect_leaves_its_calls_to_this_one(settings, monkeypatch, caplog):
    # given this thread connected, and the database's address changed to a port nobody listens on
    settings.DATABASE_READ_STREAMS = 2
    here = backend()
    monkeypatch.setitem(connections.settings["default"], "PORT", str(free_port()))

    # when calls are read at once
    answered = read_at_once([lambda n=n: (n, backend()) for n in range(4)])

    # then this thread's connection read them all, and the missing stream was logged
    assert answered == [(n, here) for n in range(4)]
    assert "no extra connection for reads at once" in caplog.text


def _as_plain(read: inputs.Inputs) -> dict:
    """An Inputs as comparable values (arrays as lists)."""

    def plain(value):
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, np.ndarray):
            return [plain(item) for item in value.tolist()]
        if isinstance(value, list):
            return [plain(item) for item in value]
        return "NaN" if isinstance(value, float) and np.isnan(value) else value

    return {field.name: plain(getattr(read, field.name)) for field in dataclasses.fields(read)}


def _pulse_results_in_both_service_units(org) -> None:
    """A closed round that every unit shows: three people or more in each, all answering."""
    from pulse_surveys import services
    from pulse_surveys.models import Question

    for name, unit in (("dewi", org.lkt), ("eko", org.lkt), ("fajar", org.hrd)):
        UserFactory(username=name, role="employee", department=unit)
    questions = list(Question.objects.filter(kind="likert").order_by("pk")[:2])
    survey = services.survey_create(title="Everyone", questions=questions, anonymity_threshold=3, actor=org.hana)
    now = timezone.now()
    closed = services.round_create(
        survey=survey, opens_at=now - dt.timedelta(days=10), closes_at=now + dt.timedelta(days=6)
    )
    for number, person in enumerate(User.objects.order_by("pk")):
        answers = [{"question": question.pk, "value": 2 + number % 4} for question in questions]
        services.response_submit(pulse_round=closed, employee=person, answers=answers)
    services.round_close(pulse_round=closed)


def _decided(made: dict, org) -> None:
    """The leave request approved, budi's bonus proposal submitted and approved by HR, and his
    improvement action done."""
    from improvement.models import Action
    from improvement.services import action_status_change
    from leave.models import LeaveRequest
    from leave.services import leave_request_approve
    from rewards.models import Bonus
    from rewards.services import bonus_approve, bonus_submit

    leave_request_approve(request=LeaveRequest.objects.get(pk=made["leave_request"]), actor=org.budi)
    proposal = bonus_submit(bonus=Bonus.objects.get(pk=made["proposal"]), actor=org.budi)
    bonus_approve(bonus=proposal, actor=org.hana)
    action_status_change(action=Action.objects.get(pk=made["action"]), actor=org.budi, status="done")


def test_a_report_s_inputs_read_at_once_are_those_read_one_after_another(org, settings, monkeypatch):
    # given one object of every kind a report reads (pulse results, leave, rewards, scores…)
    made = objects_of_every_kind(org)
    _pulse_results_in_both_service_units(org)
    _decided(made, org)
    import_csv(
        kind="internal",
        header=["department_code", "period", "score", "respondents"],
        rows=[["LKT", "2025-06", "71.5", 9]],
        actor=org.hana,
    )
    span = {"period_from": dt.date(2025, 1, 1), "period_to": dt.date(2027, 12, 1), "external_source": "skm"}

    # when the inputs are read one after another, then on two connections at once
    settings.DATABASE_READ_STREAMS = 1
    one_after_another = _as_plain(inputs.read(**span))
    settings.DATABASE_READ_STREAMS = 2
    threads: list[str] = []
    monkeypatch.setattr(inputs, "read_at_once", _noting_threads(inputs.read_at_once, threads))
    at_once = _as_plain(inputs.read(**span))

    # then two threads read them, and they are the same, field by field, and not empty
    assert set(threads) == {"MainThread", "prima-read-1"}
    assert at_once == one_after_another
    for name in ("internal", "external", "leave_days", "headcount_history"):
        assert at_once[name]["department_id"], name
    # (training hours are none: the one training is a month ahead)
    for name in ("bonus", "recognitions", "internal_imports", "actions_completed", "drivers"):
        assert at_once[name], name
    assert at_once["headcount"]


def _noting_threads(read_at_once, threads: list[str]):
    """`read_at_once` noting in `threads` the thread of each call."""

    def noted(calls):
        def noting(call):
            def run():
                threads.append(threading.current_thread().name)
                return call()

            return run

        return read_at_once([noting(call) for call in calls])

    return noted
