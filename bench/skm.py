"""The public SKM form under a burst, and the live IKM of a large collection.

    DATABASE_URL=postgres://…/prima_bench_skm CELERY_BROKER_URL=redis://127.0.0.1:6379/0 python -m bench.skm

1. Starts gunicorn in production mode (bench.api.Server) with the form's rate limits lifted
   (one loopback client stands for many phones), opens a collection on a service unit, and sends
   `--answers` submissions from `--concurrency` connections, each with its own device cookie and
   `Idempotency-Key`; then sends a tenth of them again with the same keys (retries). Prints
   throughput and p50/p95/p99, and checks in the database that every key left exactly one
   answer (nothing lost, nothing doubled).
2. Adds `--large` answers to a second collection by COPY and times its live results
   (`collection_results`), counting the queries it makes.

Everything it wrote is removed afterwards.
"""

import argparse
import datetime as dt
import json
import os
import time
import uuid

from bench._common import machine, require_postgresql, save_results, setup_django


def _calls(token: str, count: int):
    from bench.api import Call

    body = {
        "answers": {f"u{index}": 1 + index % 4 for index in range(1, 10)},
        "profile": {"age_band": "30_39", "sex": "female", "education": "bachelor", "occupation": "private"},
        "expectation_level": 1,
        "suggestion": "",
    }
    calls = []
    for _number in range(count):
        key = uuid.uuid4().hex
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": key,
            "Cookie": f"prima_skm_device={uuid.uuid4().hex}",
        }
        calls.append(Call("POST", f"/api/v1/public/skm/{token}/responses/", headers, json.dumps(body).encode(), key))
    return calls


def _unit():
    from employees.models import Department

    unit, _created = Department.objects.get_or_create(
        code="BENCH-SKM", defaults={"name": "Bench SKM unit", "is_service_unit": True}
    )
    return unit


def burst(*, answers: int, concurrency: int, workers: int, broker: str, out=print) -> dict:
    from django.utils import timezone

    from bench.api import Server, run_phase
    from service_quality import collecting
    from service_quality.models import CollectedResponse, ExternalScore, SkmCollection

    today = timezone.localdate()
    unit = _unit()
    collection = collecting.collection_create(
        department=unit, period_from=today, period_to=today, expected_customers=answers, actor=None
    )
    server = Server(workers=workers, queue="prima-bench-skm", broker=broker)
    server.env.update({"PRIMA_SKM_RATE_PER_ADDRESS": "1000000", "PRIMA_SKM_RATE_PER_DEVICE": "1000000"})
    try:
        server.start()
        calls = _calls(collection.token, answers)
        load_before = os.getloadavg()[0]
        first = run_phase(
            "public form: new answers", calls, expected=201, port=server.port, concurrency=concurrency, out=out
        )
        retries = calls[::10]
        again = run_phase(
            "public form: retried keys", retries, expected=201, port=server.port, concurrency=concurrency, out=out
        )
    finally:
        server.stop()
    # The machine is shared: the one-minute load average beside the figures says how much.
    load = {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)}
    out(f"  load average (1 min) {load['before']} before, {load['after']} after the new answers")
    accepted = {outcome.call.tag for outcome in first["outcomes"] if outcome.status == 201}
    stored = CollectedResponse.objects.filter(collection=collection).count()
    check = {
        "accepted": len(accepted),
        "stored": stored,
        "lost": len(accepted) - min(stored, len(accepted)),
        "doubled": max(0, stored - len(accepted)),
    }
    out(f"  accepted {check['accepted']}, stored {check['stored']}: lost {check['lost']}, doubled {check['doubled']}")
    CollectedResponse.objects.filter(collection=collection).delete()
    ExternalScore.objects.filter(department=unit).delete()
    SkmCollection.objects.filter(pk=collection.pk).delete()
    return {
        "answers": {key: value for key, value in first.items() if key != "outcomes"},
        "retries": {key: value for key, value in again.items() if key != "outcomes"},
        "check": check,
        "load_average": load,
    }


def live_ikm(*, large: int, out=print) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench._common import copy_rows
    from service_quality import collecting, collection_selectors
    from service_quality.models import CollectedResponse, SkmCollection

    today = timezone.localdate()
    unit = _unit()
    collection = collecting.collection_create(
        department=unit, period_from=today, period_to=today, expected_customers=large, actor=None
    )
    period = today.replace(day=1)
    now = timezone.now()
    names = [
        "collection_id",
        "department_id",
        "period",
        "submitted_at",
        *[f"u{i}" for i in range(1, 10)],
        "age_band",
        "sex",
        "education",
        "occupation",
        "service",
        "suggestion",
        "channel",
        "verified",
        "flagged",
        "flag_reason",
        "device_hash",
        "address_hash",
        "ratings",
    ]
    rows = (
        (
            collection.pk,
            unit.pk,
            period,
            now,
            *[1 + (number + i) % 4 for i in range(9)],
            "30_39",
            "male",
            "senior",
            "student",
            "",
            "",
            "form",
            number % 3 == 0,
            False,
            "",
            "",
            "",
            "{}",
        )
        for number in range(large)
    )
    with connection.cursor() as cursor:
        copy_rows(cursor, CollectedResponse._meta.db_table, names, rows)
    timings = []
    for _run in range(5):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            results = collection_selectors.collection_results(collection)
            timings.append((time.perf_counter() - started) * 1000)
    out(
        f"  live IKM of {results.responses} answers: {results.ikm}, {len(captured)} query, "
        f"median {sorted(timings)[2]:.1f} ms"
    )
    CollectedResponse.objects.filter(collection=collection).delete()
    SkmCollection.objects.filter(pk=collection.pk).delete()
    return {"answers": results.responses, "queries": len(captured), "median_ms": round(sorted(timings)[2], 1)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args(argv)
    setup_django()
    require_postgresql("bench.skm")
    out = print
    out("SKM public form")
    data = {
        "machine": machine(),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "burst": burst(answers=args.answers, concurrency=args.concurrency, workers=args.workers, broker=args.broker),
        "live_ikm": live_ikm(large=args.large),
    }
    out(f"  written to {save_results('skm', data)}")


if __name__ == "__main__":
    main()
