"""Heavy reads go to a real streaming replica; a writer reads their own writes from the
primary; a replica that is stopped or lagging hands the reads back to the primary, logged.

How a read is proven to come from the replica: its replay is paused, then the primary changes
a service unit's name. A page that still shows the old name read the replica; one that shows
the new name read the primary. Lina (leadership) reads the dashboard's IKM export (a heavy
read); Hana (HR) writes. The ordinary department list of the API is no heavy read.
"""

import csv
import io
import json
import time
import uuid

import pytest

from config.replica import LAG_QUERY
from tests.replica.conftest import _manage, _settings_free_env

FALLBACK = "read replica unusable"


def service_units_in_export(server, browser) -> set[str]:
    answer = browser.get(f"{server.base}/insights/export/ikm.csv", timeout=30)
    assert answer.status_code == 200, answer.text[:500]
    return {row["department"] for row in csv.DictReader(io.StringIO(answer.text))}


def departments_in_api(server, browser) -> set[str]:
    answer = browser.get(f"{server.base}/api/v1/departments/?page_size=500", headers=browser.api_headers, timeout=30)
    assert answer.status_code == 200, answer.text[:500]
    return {row["name"] for row in answer.json()["results"]}


def rename_customer_service_on_the_primary(pair) -> tuple[str, str]:
    old = pair.primary.query("SELECT name FROM employees_department WHERE code = 'CS'")[0]
    new = f"Layanan {uuid.uuid4().hex[:8]}"
    pair.primary.query("UPDATE employees_department SET name = %s WHERE code = 'CS' RETURNING id", (new,))
    return old, new


def test_heavy_reads_are_served_by_the_replica(pair, prima_server):
    # given Lina signed in, and a replica that stopped replaying just before a change
    lina = prima_server.session("lina")
    pair.wait_until_caught_up()
    pair.pause_replay()
    old, new = rename_customer_service_on_the_primary(pair)

    # when she reads the dashboard's export (heavy) and the department list (ordinary)
    exported = service_units_in_export(prima_server, lina)
    listed = departments_in_api(prima_server, lina)

    # then the export is the replica's (old name), the list the primary's (new name)
    assert old in exported and new not in exported
    assert new in listed and old not in listed

    # and once the replica replays again, the export shows the change
    pair.resume_replay()
    pair.wait_until_caught_up()
    assert new in service_units_in_export(prima_server, lina)


def test_a_writer_reads_their_own_write_from_the_primary(pair, prima_server):
    # given Hana and Lina signed in, and a replica that is not replaying
    hana, lina = prima_server.session("hana"), prima_server.session("lina")
    pair.wait_until_caught_up()
    pair.pause_replay()

    # when Hana creates a service unit
    name = f"Loket {uuid.uuid4().hex[:8]}"
    created = hana.post(
        f"{prima_server.base}/api/v1/departments/",
        json={"name": name, "code": f"L{uuid.uuid4().hex[:6]}", "is_service_unit": True},
        headers=hana.api_headers,
        timeout=30,
    )
    assert created.status_code == 201, created.text[:500]

    # then her heavy read comes from the primary and shows it; Lina's, from the replica, not yet
    assert name in service_units_in_export(prima_server, hana)
    assert name not in service_units_in_export(prima_server, lina)


def test_a_stopped_replica_sends_heavy_reads_to_the_primary_with_one_log_line(pair, prima_server):
    # given Lina signed in, a change on the primary, and the replica stopped
    lina = prima_server.session("lina")
    _old, new = rename_customer_service_on_the_primary(pair)
    logged_before = prima_server.log().count(FALLBACK)
    pair.replica.stop()

    # when she reads the export twice
    first = service_units_in_export(prima_server, lina)
    second = service_units_in_export(prima_server, lina)

    # then both answers come from the primary, and the fallback is logged once
    assert new in first and new in second
    assert prima_server.log().count(FALLBACK) == logged_before + 1


def test_a_replica_lagging_beyond_the_bound_sends_heavy_reads_to_the_primary(pair, server_factory):
    # given Prima allowing one second of lag, and a replica that stopped replaying
    server = server_factory("lag", DATABASE_REPLICA_MAX_LAG_SECONDS="1")
    lina = server.session("lina")
    pair.wait_until_caught_up()
    pair.pause_replay()
    old, new = rename_customer_service_on_the_primary(pair)
    deadline = time.monotonic() + 60
    while float(pair.replica.query(LAG_QUERY)[1]) <= 1:
        if time.monotonic() > deadline:
            pytest.fail("the paused replica never fell a second behind")
        time.sleep(0.2)

    # when Lina reads the export
    exported = service_units_in_export(server, lina)

    # then it comes from the primary, and the log says why
    assert new in exported and old not in exported
    fallback = [line for line in server.log().splitlines() if FALLBACK in line]
    assert len(fallback) == 1 and "behind" in fallback[0]


READS_AT_ONCE = """
import json, threading, time
from config.replica import heavy_reads, read_at_once
from employees.models import Department

def name_and_thread():
    time.sleep(0.05)  # long enough for every thread to have started and taken calls
    return Department.objects.get(code="CS").name, threading.current_thread().name

with heavy_reads():
    inside = read_at_once([name_and_thread] * 6)
outside = read_at_once([name_and_thread] * 4)
print(json.dumps({"inside": inside, "outside": outside}))
"""


def test_reads_at_once_follow_the_replica_heavy_reads_chose_on_every_connection(pair):
    # given a replica that stopped replaying just before a change
    pair.wait_until_caught_up()
    pair.pause_replay()
    old, new = rename_customer_service_on_the_primary(pair)

    # when a process of Prima's reads at once on three connections, inside heavy_reads and outside
    env = _settings_free_env(
        DATABASE_URL=pair.primary.url(),
        DATABASE_REPLICA_URL=pair.replica.url(),
        DATABASE_REPLICA_CHECK_SECONDS="0",
        DATABASE_REPLICA_MAX_LAG_SECONDS="3600",
        DATABASE_READ_STREAMS="3",
    )
    shown = json.loads(_manage("shell", "-c", READS_AT_ONCE, env=env).strip().splitlines()[-1])

    # then every call inside read the replica (old name), on three threads; every call outside,
    # which may read the primary, read the change
    assert {name for name, _thread in shown["inside"]} == {old}
    assert len({thread for _name, thread in shown["inside"]}) == 3
    assert {name for name, _thread in shown["outside"]} == {new}
