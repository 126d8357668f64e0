"""Load on the HTTP API, from a second process on loopback, against gunicorn in production mode.

    DATABASE_URL=postgres://…/prima_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/0 python -m bench.api

Starts gunicorn (`--workers`, default 2 × cores + 1) with DEBUG=0, a freshly generated
SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=0, the database and Redis of the
environment, and `bench.settings`, which adds the raw-SQL baseline route. Then, with a small
asyncio HTTP client holding `--concurrency` requests in flight:

1. pulse submissions by distinct employees (token auth) to a newly opened round, through
   Prima's API; the same people's same answers to a second round through the baseline view
   (`bench.baseline`: the same inserts in hand-written SQL); the throughput ratio is the figure;
2. round results (the whole audience, a department, a manager's own department) and the home
   page of a leadership user (the dashboard: every app's panels);
3. leave requests by distinct employees.

Prints throughput, p50/p95/p99 latency and errors per phase, then checks in the database that
every 201 left exactly one participation and one response with its answers (nothing lost,
nothing doubled), counts the queries each read makes (in-process), and removes what it wrote.
"""

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench._common import ROOT, database_url, machine, percentile, require_postgresql, save_results, setup_django

ANSWER_TIMEOUT = 120.0
# Requests in flight for the reads measured without queueing (one per core of this machine).
LIGHT_CONCURRENCY = 2
# Prima's submissions and the baseline's alternate in this many slices each.
SUBMISSION_SLICES = 4


@dataclass
class Call:
    method: str
    path: str
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    tag: object = None  # what the call stands for (checked afterwards)


@dataclass
class Outcome:
    call: Call
    status: int
    seconds: float


# --- A small HTTP/1.1 client (gunicorn's sync workers close every connection) --------------------


async def _send(host: str, port: int, call: Call) -> Outcome:
    started = time.perf_counter()
    head = [f"{call.method} {call.path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    head += [f"{name}: {value}" for name, value in call.headers.items()]
    if call.body or call.method == "POST":
        head.append(f"Content-Length: {len(call.body)}")
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + call.body)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), ANSWER_TIMEOUT)
        writer.close()
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    except (OSError, TimeoutError, ValueError, IndexError):
        status = 0
    return Outcome(call, status, time.perf_counter() - started)


async def _run(host: str, port: int, calls: list[Call], concurrency: int) -> tuple[list[Outcome], float]:
    pending = iter(calls)
    outcomes: list[Outcome] = []

    async def worker():
        for call in pending:
            outcomes.append(await _send(host, port, call))

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return outcomes, time.perf_counter() - started


def run_phase(name: str, calls: list[Call], *, expected: int, port: int, concurrency: int, out=print) -> dict:
    outcomes, seconds = asyncio.run(_run("127.0.0.1", port, calls, concurrency))
    phase = _phase(name, outcomes, seconds, expected)
    show_phase(phase, out)
    return phase


def merge_phases(name: str, parts: list[dict], *, expected: int) -> dict:
    """One phase run in slices: its outcomes together, over the slices' summed time."""
    outcomes = [outcome for part in parts for outcome in part["outcomes"]]
    return _phase(name, outcomes, sum(part["seconds"] for part in parts), expected)


def _phase(name: str, outcomes: list[Outcome], seconds: float, expected: int) -> dict:
    latencies = [outcome.seconds * 1000 for outcome in outcomes]
    errors = [outcome for outcome in outcomes if outcome.status != expected]
    statuses: dict[str, int] = {}
    for outcome in outcomes:
        statuses[str(outcome.status)] = statuses.get(str(outcome.status), 0) + 1
    phase = {
        "name": name,
        "requests": len(outcomes),
        "seconds": round(seconds, 3),
        "throughput": round(len(outcomes) / seconds, 2) if seconds else None,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "errors": len(errors),
        "statuses": statuses,
        "outcomes": outcomes,
    }
    return phase


def show_phase(phase: dict, out=print) -> None:
    out(
        f"  {phase['name']:<38} {phase['requests']:>6} req {phase['throughput'] or 0:>8.1f}/s  "
        f"p50 {phase['p50_ms'] or 0:>7.1f}  p95 {phase['p95_ms'] or 0:>7.1f}  p99 {phase['p99_ms'] or 0:>7.1f} ms  "
        f"errors {phase['errors']} {phase['statuses'] if phase['errors'] else ''}"
    )


# --- The server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with production settings, as its own process group."""

    def __init__(self, *, workers: int, queue: str, broker: str):
        from django.conf import settings

        self.port = _free_port()
        self.static_root = tempfile.mkdtemp(prefix="prima-bench-static-")
        self.log = Path(tempfile.mkstemp(prefix="prima-bench-gunicorn-", suffix=".log")[1])
        self.workers = workers
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "PRIMA_BENCH_BASELINE": "1",
            "PRIMA_BENCH_STATIC_ROOT": self.static_root,
            "DEBUG": "0",
            # The bench process signs the sessions it creates with the same key.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker,
            "CELERY_QUEUE_PREFIX": queue,
            "LOG_LEVEL": "WARNING",
        }
        self.env.pop("REDIS_URL", None)
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 90.0) -> None:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--timeout", "180"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: see {self.log}")
            outcome = asyncio.run(_send("127.0.0.1", self.port, Call("GET", "/healthz")))
            if outcome.status:
                return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s: see {self.log}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- The data a run needs, and what it checks ------------------------------------------------------


def _tokens(users) -> dict[int, str]:
    """A fresh API token for each user (as `POST /auth/token/` would hand out)."""
    from rest_framework.authtoken.models import Token

    ids = [user.pk for user in users]
    Token.objects.filter(user_id__in=ids).delete()
    # Keys drawn here as Token.generate_key() draws them; bulk_create does not call save().
    tokens = [Token(key=Token.generate_key(), user_id=user_id) for user_id in ids]
    Token.objects.bulk_create(tokens, batch_size=2000)
    return {token.user_id: token.key for token in tokens}


def _session_cookie(user) -> str:
    """A signed-in browser session for `user`, as the sign-in page would create."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "core.security.LocalPasswordBackend"  # a password sign-in
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _answers_body(rng: random.Random, questions) -> bytes:
    answers = []
    for question in questions:
        if question.kind == "likert":
            answers.append({"question": question.pk, "value": rng.randint(1, 5)})
        elif question.kind == "enps":
            answers.append({"question": question.pk, "value": rng.randint(0, 10)})
        elif rng.random() < 0.1:
            answers.append({"question": question.pk, "text": "Mohon tambahan petugas di loket pada jam sibuk."})
    return json.dumps({"answers": answers}).encode()


def _next_working_day(today: dt.date) -> dt.date:
    import holidays

    off = holidays.country_holidays("ID", years=[today.year, today.year + 1])
    day = today + dt.timedelta(days=7)
    while day.weekday() >= 5 or day in off:
        day += dt.timedelta(days=1)
    return day


@dataclass
class Plan:
    prima_round: object
    baseline_round: object
    closed_round: object
    submitters: list
    submission_bodies: dict
    tokens: dict
    reader_tokens: dict
    managers: list
    departments: list
    leader_cookie: str
    leave_type: object
    leave_day: dt.date
    leave_people: list
    setup_seconds: dict


def prepare(*, submissions: int, leave_requests: int, seed: int, out=print) -> Plan:
    from django.utils import timezone

    from employees.models import Department, Role, User
    from leave.models import LeaveBalance, LeavePolicy, LeaveRequest, LeaveType
    from leave.models import Status as LeaveStatus
    from pulse_surveys import services
    from pulse_surveys.models import Invitation, Round, RoundStatus, Survey

    rng = random.Random(seed)
    timings = {}
    closed = Round.objects.filter(status=RoundStatus.CLOSED, results_ready=True).order_by("-closed_at").first()
    if closed is None:
        raise SystemExit("No closed round with results: run `python -m bench.generate` first.")
    survey = Survey.objects.get(pk=closed.survey_id)
    now = timezone.now()
    prima_round = baseline_round = None
    submitters, bodies = [], {}
    if submissions:
        started = time.perf_counter()
        prima_round = services.round_create(
            survey=survey, opens_at=now - dt.timedelta(minutes=5), closes_at=now + dt.timedelta(days=7)
        )
        baseline_round = services.round_create(
            survey=survey, opens_at=now - dt.timedelta(minutes=5), closes_at=now + dt.timedelta(days=7)
        )
        timings["open two rounds (invitations for everyone)"] = round(time.perf_counter() - started, 3)
        invited = list(Invitation.objects.filter(round=prima_round).values_list("employee_id", flat=True))
        submitters = list(User.objects.filter(pk__in=rng.sample(invited, min(submissions, len(invited)))))
        questions = [rq.question for rq in prima_round.round_questions.select_related("question").order_by("position")]
        bodies = {person.pk: _answers_body(rng, questions) for person in submitters}

    readers = list(User.objects.filter(role__in=[Role.HR, Role.LEADERSHIP], is_active=True).order_by("pk")[:20])
    managers = list(
        User.objects.filter(role=Role.MANAGER, is_active=True, department__isnull=False).order_by("pk")[:200]
    )
    parents = list(Department.objects.filter(children__isnull=False).distinct().values_list("pk", flat=True))

    leave_day = _next_working_day(timezone.localdate())
    policy = LeavePolicy.objects.get(is_default=True)
    annual = LeaveType.objects.get(policy=policy, code="annual")
    busy = LeaveRequest.objects.filter(
        status__in=[LeaveStatus.PENDING, LeaveStatus.APPROVED], start_date__lte=leave_day, end_date__gte=leave_day
    ).values_list("employee_id", flat=True)
    with_balance = (
        LeaveBalance.objects.filter(leave_type=annual, year=leave_day.year, employee__is_active=True)
        .exclude(employee_id__in=busy)
        .values_list("employee_id", "entitled", "used", "pending")
    )
    candidates = [employee for employee, entitled, used, pending in with_balance if entitled - used - pending >= 1]
    leave_people = list(User.objects.filter(pk__in=rng.sample(candidates, min(leave_requests, len(candidates)))))

    started = time.perf_counter()
    leader = User.objects.filter(role=Role.LEADERSHIP, is_active=True).order_by("pk").first()
    everyone = {user.pk: user for user in [*submitters, *leave_people, *readers, *managers]}
    tokens = _tokens(everyone.values())
    reader_tokens = {user.pk: tokens[user.pk] for user in [*readers, *managers]}
    timings["tokens and a session"] = round(time.perf_counter() - started, 3)
    for name, seconds in timings.items():
        out(f"  set-up: {name:<44} {seconds:8.2f} s")
    return Plan(
        prima_round=prima_round,
        baseline_round=baseline_round,
        closed_round=closed,
        submitters=submitters,
        submission_bodies=bodies,
        tokens=tokens,
        reader_tokens=reader_tokens,
        managers=managers,
        departments=parents,
        leader_cookie=_session_cookie(leader),
        leave_type=annual,
        leave_day=leave_day,
        leave_people=leave_people,
        setup_seconds=timings,
    )


def _json_headers(token: str) -> dict:
    return {"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"}


def submission_calls(plan: Plan, path: str) -> list[Call]:
    return [
        Call("POST", path, _json_headers(plan.tokens[person.pk]), plan.submission_bodies[person.pk], tag=person.pk)
        for person in plan.submitters
    ]


def read_calls(plan: Plan, reads: int, seed: int) -> dict[str, list[Call]]:
    from employees.models import Role

    rng = random.Random(seed)
    hr_tokens = [token for user_id, token in plan.reader_tokens.items() if user_id not in {m.pk for m in plan.managers}]
    results = f"/api/v1/pulse/rounds/{plan.closed_round.pk}/results/"
    managers = [m for m in plan.managers if m.role == Role.MANAGER]
    calls = {
        "results: whole audience (HR, leadership)": [
            Call("GET", results, _json_headers(rng.choice(hr_tokens))) for _ in range(reads)
        ],
        "results: one department (HR, leadership)": [
            Call("GET", f"{results}?department={rng.choice(plan.departments)}", _json_headers(rng.choice(hr_tokens)))
            for _ in range(reads)
        ],
        "dashboard: home page (leadership)": [
            Call("GET", "/", {"Cookie": plan.leader_cookie, "Accept": "text/html"}) for _ in range(reads)
        ],
    }
    if managers:
        calls["results: own department (manager)"] = [
            Call("GET", results, _json_headers(plan.reader_tokens[rng.choice(managers).pk])) for _ in range(reads)
        ]
    return calls


def leave_calls(plan: Plan) -> list[Call]:
    day = plan.leave_day.isoformat()
    body = {"leave_type": plan.leave_type.pk, "start_date": day, "end_date": day, "reason": "Keperluan keluarga"}
    return [
        Call(
            "POST",
            "/api/v1/leave/requests/",
            _json_headers(plan.tokens[person.pk]),
            json.dumps(body).encode(),
            tag=person.pk,
        )
        for person in plan.leave_people
    ]


def check_submissions(pulse_round, phase: dict) -> dict:
    """Every 201 left exactly one participation and one response with its answers (Prima's still
    sealed in a ballot while the round is open; opened here with the key to count them); nothing
    else was stored."""
    from django.db.models import Count

    from pulse_surveys.ballots import ballot_open
    from pulse_surveys.models import Answer, Ballot, Participation, Response

    accepted = [outcome.call for outcome in phase["outcomes"] if outcome.status == 201]
    accepted_people = {call.tag for call in accepted}
    expected_answers = sum(len(json.loads(call.body)["answers"]) for call in accepted)
    participations = Participation.objects.filter(round=pulse_round)
    people = dict(participations.values_list("employee_id").annotate(n=Count("id")).order_by())
    sealed = [bytes(blob) for blob in Ballot.objects.filter(round=pulse_round).values_list("sealed", flat=True)]
    responses = Response.objects.filter(round=pulse_round).count() + len(sealed)
    answers = Answer.objects.filter(response__round=pulse_round).count() + sum(
        len(ballot_open(blob, round_id=pulse_round.pk)[1]) for blob in sealed
    )
    check = {
        "accepted": len(accepted),
        "participations": sum(people.values()),
        "responses": responses,
        "answers": answers,
        "expected_answers": expected_answers,
        "lost": len(accepted_people - set(people)),
        "doubled": sum(1 for n in people.values() if n > 1),
        "unexpected": len(set(people) - accepted_people),
    }
    check["ok"] = (
        check["participations"] == check["responses"] == check["accepted"]
        and answers == expected_answers
        and check["lost"] == check["doubled"] == check["unexpected"] == 0
    )
    return check


def check_leave(plan: Plan, phase: dict) -> dict:
    from django.db.models import Count

    from leave.models import LeaveRequest

    accepted = {outcome.call.tag for outcome in phase["outcomes"] if outcome.status == 201}
    stored = dict(
        LeaveRequest.objects.filter(
            employee_id__in=[person.pk for person in plan.leave_people], start_date=plan.leave_day
        )
        .values_list("employee_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    check = {
        "accepted": len(accepted),
        "stored": sum(stored.values()),
        "lost": len(accepted - set(stored)),
        "doubled": sum(1 for n in stored.values() if n > 1),
    }
    check["ok"] = check["accepted"] == check["stored"] and check["lost"] == check["doubled"] == 0
    return check


def query_counts(plan: Plan) -> dict:
    """How many queries each read makes, counted in-process with the test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    results = f"/api/v1/pulse/rounds/{plan.closed_round.pk}/results/"
    hr_token = next(t for u, t in plan.reader_tokens.items() if u not in {m.pk for m in plan.managers})
    reads = {
        "results: whole audience (HR, leadership)": (results, {"HTTP_AUTHORIZATION": f"Token {hr_token}"}),
        "results: one department (HR, leadership)": (
            f"{results}?department={plan.departments[0]}",
            {"HTTP_AUTHORIZATION": f"Token {hr_token}"},
        ),
        "dashboard: home page (leadership)": ("/", {"HTTP_COOKIE": plan.leader_cookie}),
    }
    # A manager of a department with sub-departments, so that the breakdown is read at every scale.
    parents = set(plan.departments)
    manager = next((m for m in plan.managers if m.department_id in parents), None)
    if manager is not None:
        manager_token = plan.reader_tokens[manager.pk]
        reads["results: own department (manager)"] = (results, {"HTTP_AUTHORIZATION": f"Token {manager_token}"})
    counts = {}
    with override_settings(ALLOWED_HOSTS=["*"]):
        for name, (path, headers) in reads.items():
            client = Client()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, **headers)
            counts[name] = {"status": response.status_code, "queries": len(queries), "bytes": len(response.content)}
    return counts


def clean_up_writes(plan: Plan) -> None:
    """Removes what the load wrote: its two rounds (with their invitations, participations,
    responses and answers) and the leave requests (returning their pending days)."""
    from django.db import transaction
    from django.db.models import F

    from leave.models import LeaveBalance, LeaveRequest
    from pulse_surveys.models import Round

    with transaction.atomic():
        Round.objects.filter(pk__in=[r.pk for r in (plan.prima_round, plan.baseline_round) if r is not None]).delete()
        requests = LeaveRequest.objects.filter(
            employee_id__in=[person.pk for person in plan.leave_people], start_date=plan.leave_day, status="pending"
        )
        for request in requests:
            LeaveBalance.objects.filter(
                employee_id=request.employee_id, leave_type_id=request.leave_type_id, year=request.start_date.year
            ).update(pending=F("pending") - request.working_days)
        requests.delete()


def clean_up_access(plan: Plan, queue: str, broker: str) -> None:  # queue: the run's queue prefix
    """Removes the tokens and the session the run created, and the jobs it queued."""
    from django.contrib.sessions.models import Session
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user_id__in=[*plan.tokens, *plan.reader_tokens]).delete()
    Session.objects.filter(session_key=plan.leader_cookie.split("=", 1)[1]).delete()
    if broker:
        import redis

        from config.queues import QUEUES

        redis.Redis.from_url(broker).delete(*(f"{queue}{name}" for name in QUEUES))


def count_queries(*, out=print) -> dict:
    """Only the reads' query counts (no server, no load): for comparing organisations of
    different sizes."""
    require_postgresql("The API benchmark")
    plan = prepare(submissions=0, leave_requests=0, seed=11, out=out)
    try:
        counts = query_counts(plan)
    finally:
        clean_up_access(plan, "", "")
    for name, count in counts.items():
        out(f"  queries {name:<38} {count['queries']:>3} ({count['bytes']} bytes, status {count['status']})")
    from employees.models import Department, User

    return {
        "organisation": {"departments": Department.objects.count(), "employees": User.objects.count()},
        "query_counts": counts,
        "machine": machine(),
    }


def _summary(phase: dict) -> dict:
    return {key: value for key, value in phase.items() if key != "outcomes"}


def bench(
    *,
    submissions: int = 2000,
    reads: int = 300,
    leave_requests: int = 500,
    concurrency: int = 16,
    workers: int | None = None,
    seed: int = 11,
    out=print,
) -> dict:
    from django.conf import settings

    require_postgresql("The API benchmark")
    broker = settings.CELERY_BROKER_URL or ""
    queue = f"prima-bench-{os.getpid()}."
    workers = workers or 2 * (os.cpu_count() or 1) + 1
    out(f"API load: {workers} gunicorn workers, {concurrency} requests in flight …")
    plan = prepare(submissions=submissions, leave_requests=leave_requests, seed=seed, out=out)
    server = Server(workers=workers, queue=queue, broker=broker)
    phases = {}
    try:
        server.start()
        prima_path = f"/api/v1/pulse/rounds/{plan.prima_round.pk}/responses/"
        baseline_path = f"/bench/baseline/rounds/{plan.baseline_round.pk}/responses/"
        # Warm every worker (imports, connections) before measuring.
        warm = [Call("GET", "/healthz")] * (4 * workers)
        run_phase("warm-up", warm, expected=503, port=server.port, concurrency=workers, out=lambda *_: None)
        for name, calls in read_calls(plan, 2 * workers, seed + 1).items():
            run_phase(name, calls, expected=200, port=server.port, concurrency=workers, out=lambda *_: None)
        # Prima and the baseline take turns, slice by slice, so that a change in the machine's load
        # during the run weighs on both alike.
        sides = {
            "submit: Prima API": submission_calls(plan, prima_path),
            "submit: raw SQL baseline": submission_calls(plan, baseline_path),
        }
        slices: dict[str, list[dict]] = {name: [] for name in sides}
        for index in range(SUBMISSION_SLICES):
            for name, calls in sides.items():
                part = calls[index::SUBMISSION_SLICES]
                if part:
                    slices[name].append(
                        run_phase(
                            name, part, expected=201, port=server.port, concurrency=concurrency, out=lambda *_: None
                        )
                    )
        for name, parts in slices.items():
            phases[name] = merge_phases(name, parts, expected=201)
            show_phase(phases[name], out)
        for name, calls in read_calls(plan, reads, seed + 2).items():
            phases[name] = run_phase(name, calls, expected=200, port=server.port, concurrency=concurrency, out=out)
        # The same reads with one request in flight per core: what a request costs without a queue.
        for name, calls in read_calls(plan, max(1, reads // 3), seed + 3).items():
            light = f"{name}, {LIGHT_CONCURRENCY} in flight"
            phases[light] = run_phase(
                light, calls, expected=200, port=server.port, concurrency=LIGHT_CONCURRENCY, out=out
            )
        phases["leave: request"] = run_phase(
            "leave: request", leave_calls(plan), expected=201, port=server.port, concurrency=concurrency, out=out
        )
    finally:
        server.stop()
    checks = {
        "submit: Prima API": check_submissions(plan.prima_round, phases["submit: Prima API"]),
        "submit: raw SQL baseline": check_submissions(plan.baseline_round, phases["submit: raw SQL baseline"]),
        "leave: request": check_leave(plan, phases["leave: request"]),
    }
    for name, check in checks.items():
        out(f"  check {name:<32} {'ok' if check['ok'] else 'FAILED'} {check}")
    clean_up_writes(plan)
    # Counted with the run's rounds gone, so that both scales are read in the same state.
    counts = query_counts(plan)
    for name, count in counts.items():
        out(f"  queries {name:<38} {count['queries']:>3} ({count['bytes']} bytes, status {count['status']})")
    clean_up_access(plan, queue, broker)
    prima, baseline = phases["submit: Prima API"], phases["submit: raw SQL baseline"]
    ratio = prima["throughput"] / baseline["throughput"] if baseline["throughput"] else None
    out(f"  submission throughput: Prima / raw SQL = {ratio:.2f} (goal ≥ 0.60)" if ratio else "  no ratio")
    from employees.models import Department, User

    return {
        "workers": workers,
        "concurrency": concurrency,
        "organisation": {"departments": Department.objects.count(), "employees": User.objects.count()},
        "setup_seconds": plan.setup_seconds,
        "phases": {name: _summary(phase) for name, phase in phases.items()},
        "checks": checks,
        "query_counts": counts,
        "submission_ratio": ratio,
        "machine": machine(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=2000, help="distinct employees answering (per side)")
    parser.add_argument("--reads", type=int, default=300, help="requests per read endpoint")
    parser.add_argument("--leave-requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--queries-only", action="store_true", help="only count the reads' queries")
    args = parser.parse_args(argv)
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    setup_django()
    if args.queries_only:
        print(f"Results: {save_results('api-queries', count_queries())}")
        return 0
    result = bench(
        submissions=args.submissions,
        reads=args.reads,
        leave_requests=args.leave_requests,
        concurrency=args.concurrency,
        workers=args.workers,
    )
    print(f"Results: {save_results('api', result)}")
    return 0 if all(check["ok"] for check in result["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
