"""`python -m bench.org_import`: the organisation file and SCIM at an organisation's real size.

Into an emptied database (its name must contain "bench"):
1. a departments file of 1,000 departments, then a people file of 50,000 people (CSV, as HR
   would upload it), each checked and applied through the same services as the page, timed from
   the bytes to `applied`, with the process's peak memory;
2. the same people file with 1% of its rows changed (moves, new managers, new e-mail addresses):
   timed, and the rows the database wrote counted;
3. SCIM: a client provisions N people (create, then find each by a `userName eq` filter, then
   PATCH each) through Prima's WSGI application, with the queries of every request counted, at
   two sizes of organisation to show they do not grow with it.
Results go to bench/results/org-import-<database>.json; `bench.report` puts them in
docs/BENCHMARKS.md.
"""

import argparse
import io
import json
import random
import resource
import sys
import time

from bench._common import Stopwatch, machine, require_postgresql, save_results, setup_django

PEOPLE_COLUMNS = (
    "employee_number,first_name,last_name,email,department_code,manager_employee_number,"
    "role,hire_date,monthly_wage,sex,active"
)


def departments_file(count: int) -> bytes:
    rows = ["code,name,parent_code,is_service_unit", "D0000,Kantor Pusat,,0"]
    for n in range(1, count):
        parent = f"D{(n - 1) // 10:04d}"
        rows.append(f"D{n:04d},Unit {n},{parent},{1 if n % 3 == 0 else 0}")
    return ("\n".join(rows) + "\n").encode()


def people_rows(people: int, departments: int, rng: random.Random) -> list[list[str]]:
    rows = []
    for n in range(people):
        number = f"{199000000000000000 + n}"
        department = n % departments
        # the first person of each department manages it; they report to the first person overall
        first_of_department = department
        manager = "" if n == 0 else f"{199000000000000000 + (0 if n == first_of_department else first_of_department)}"
        rows.append(
            [
                number,
                f"Nama{n}",
                f"Keluarga{n % 997}",
                f"p{n}@kemen.go.id",
                f"D{department:04d}",
                manager,
                "manager" if n == first_of_department else "employee",
                f"20{10 + n % 15:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                f"{5_000_000 + rng.randrange(0, 20_000_000, 50_000)}.00",
                "female" if n % 2 else "male",
                "1",
            ]
        )
    return rows


def as_csv(rows: list[list[str]]) -> bytes:
    return ("\n".join([PEOPLE_COLUMNS, *(",".join(row) for row in rows)]) + "\n").encode()


def _empty_organisation() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE employees_departmentmove, employees_orgimport, employees_scimtoken, core_auditentry, "
            "authtoken_token RESTART IDENTITY CASCADE"
        )
        cursor.execute("DELETE FROM employees_user WHERE NOT is_superuser")
        cursor.execute("UPDATE employees_user SET department_id = NULL, manager_id = NULL")
        cursor.execute("DELETE FROM employees_department")


def _peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _import(kind: str, content: bytes, watch: Stopwatch, label: str) -> dict:
    from employees.models import ImportStatus
    from employees.services import org_import_apply, org_import_apply_start, org_import_upload

    with watch.stage(f"{label}: check"):
        org_import = org_import_upload(kind=kind, mode="partial", file_name=f"{kind}.csv", content=content, actor=None)
    assert org_import.status == ImportStatus.CHECKED, org_import.errors[:5]
    with watch.stage(f"{label}: apply"):
        org_import_apply_start(org_import=org_import, actor=None, queue=False)
        result = org_import_apply(org_import_id=org_import.pk)
    assert result.status == ImportStatus.APPLIED
    return result.counts


def _row_versions() -> dict[str, dict[int, str]]:
    """Each row's `xmin` (the transaction that last wrote it), so that the rows an import wrote
    are exactly those whose version changed."""
    from django.db import connection

    versions = {}
    with connection.cursor() as cursor:
        for table in ("employees_user", "employees_department", "employees_departmentmove"):
            cursor.execute(f"SELECT id, xmin::text FROM {table}")
            versions[table] = dict(cursor.fetchall())
    return versions


def _rows_written(before: dict, after: dict) -> dict[str, int]:
    return {name: sum(1 for pk, xmin in rows.items() if before[name].get(pk) != xmin) for name, rows in after.items()}


def _scim_cycle(people: int, prefix: str) -> dict:
    """Creates, finds and patches `people` users through the WSGI application; queries counted."""
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections, connection
    from django.test.utils import CaptureQueriesContext

    from employees.services import scim_token_create

    _token, secret = scim_token_create(name=f"bench-{prefix}")
    application = get_wsgi_application()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    queries: dict[str, list[int]] = {"create": [], "filter": [], "patch": []}
    seconds: dict[str, float] = {"create": 0.0, "filter": 0.0, "patch": 0.0}

    def call(kind: str, method: str, path: str, body: dict | None = None, query: str = "") -> dict:
        payload = json.dumps(body).encode() if body is not None else b""
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(payload),
            "CONTENT_LENGTH": str(len(payload)),
            "CONTENT_TYPE": "application/scim+json",
            "HTTP_AUTHORIZATION": f"Bearer {secret}",
        }
        status = []
        started = time.perf_counter()
        connection.queries_log.clear()  # the log keeps 9,000 queries; a long run would count none
        with CaptureQueriesContext(connection) as captured:
            chunks = application(environ, lambda code, headers: status.append(code))
            content = b"".join(chunks)
        seconds[kind] += time.perf_counter() - started
        queries[kind].append(len(captured.captured_queries))
        if not status[0].startswith("2"):
            raise SystemExit(f"SCIM {method} {path}: {status[0]} {content[:300]!r}")
        return json.loads(content) if content else {}

    from urllib.parse import urlencode

    ids = []
    for n in range(people):
        created = call(
            "create",
            "POST",
            "/scim/v2/Users",
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "userName": f"{prefix}{n}",
                "name": {"givenName": "Scim", "familyName": str(n)},
                "emails": [{"value": f"{prefix}{n}@kemen.go.id", "primary": True}],
                "active": True,
            },
        )
        ids.append(created["id"])
    for n in range(people):
        found = call("filter", "GET", "/scim/v2/Users", query=urlencode({"filter": f'userName eq "{prefix}{n}"'}))
        assert found["totalResults"] == 1
    for identifier in ids:
        call(
            "patch",
            "PATCH",
            f"/scim/v2/Users/{identifier}",
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "replace", "path": "name.familyName", "value": "Diubah"}],
            },
        )
    return {
        kind: {
            "requests": len(counts),
            "queries_min": min(counts),
            "queries_max": max(counts),
            "ms_per_request": round(seconds[kind] * 1000 / len(counts), 2),
        }
        for kind, counts in queries.items()
    }


def bench(*, people: int, departments: int, scim_people: int, seed: int = 20261205) -> dict:
    """Empties the organisation, then runs every step; returns the figures."""
    rng = random.Random(seed)
    watch = Stopwatch()
    _empty_organisation()
    results: dict = {"machine": machine(), "people": people, "departments": departments}
    rows = people_rows(people, departments, rng)
    content = as_csv(rows)
    results["file_mib"] = round(len(content) / 1024 / 1024, 2)
    started = time.perf_counter()
    results["departments_counts"] = _import("departments", departments_file(departments), watch, "departments")
    results["departments_seconds"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    results["people_counts"] = _import("people", content, watch, "people")
    results["people_seconds"] = round(time.perf_counter() - started, 2)
    results["peak_mib"] = _peak_mib()
    # 1% of the rows change: a third move, a third get another manager, a third a new address.
    changed = rng.sample(range(departments, people), people // 100)
    for position, index in enumerate(changed):
        row = rows[index]
        if position % 3 == 0:
            row[4] = f"D{(int(row[4][1:]) + 1) % departments:04d}"
        elif position % 3 == 1:
            row[5] = f"{199000000000000000 + (index % departments + 1) % departments}"
        else:
            row[3] = f"baru{index}@kemen.go.id"
    before = _row_versions()
    started = time.perf_counter()
    results["again_counts"] = _import("people", as_csv(rows), watch, "1% changed")
    results["again_seconds"] = round(time.perf_counter() - started, 2)
    results["again_rows_written"] = _rows_written(before, _row_versions())
    results["again_rows_changed"] = len(changed)
    results["scim_small_organisation"] = _scim_cycle(max(scim_people // 10, 2), "kecil")
    results["scim"] = _scim_cycle(scim_people, "scim")
    results["stages"] = watch.stages
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.org_import", description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--departments", type=int, default=1_000)
    parser.add_argument("--scim-people", type=int, default=5_000)
    args = parser.parse_args(argv)
    setup_django()
    require_postgresql("The organisation import benchmark")
    from django.db import connection

    if "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit("Refusing to empty a database whose name does not contain 'bench'.")
    results = bench(people=args.people, departments=args.departments, scim_people=args.scim_people)
    path = save_results("org-import", results)
    print(json.dumps({key: value for key, value in results.items() if key != "machine"}, indent=2))
    print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
