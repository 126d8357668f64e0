"""An organisation import whose worker is killed while applying it: the apply is one
transaction, so nothing of the file is written, and the stuck-job sweep starts it again on a
new worker, which applies it whole. Never left `applying`."""

import datetime as dt
import threading

import pytest
from django.core.cache import cache
from django.utils import timezone

from core import jobs
from employees.apps import ORG_IMPORT_JOB
from employees.importing import PEOPLE_COLUMNS
from employees.models import ImportStatus, OrgImport, User
from employees.services import org_import_apply, org_import_apply_start, org_import_upload
from tests.integration.test_jobs_under_faults import psycopg_connection, wait_for

pytestmark = pytest.mark.integration

DEPARTMENTS = "code,name,parent_code,is_service_unit\nKP,Kantor Pusat,,0\nLOKET,Loket Perizinan,KP,1\n"
HEADER = ",".join(PEOPLE_COLUMNS)
FIRST = f"{HEADER}\n100,Sari,Wulandari,sari@kemen.go.id,KP,,leadership,2010-01-04,25000000,female,1\n"
NEWCOMERS = ["201", "202", "203", "204", "205"]
# Sari changes name (an update of a row the test will hold locked) and five people join;
# the people are created first, so a worker blocked on Sari's row has written them, uncommitted.
SECOND = f"{HEADER}\n100,Sari,Wijaya,sari@kemen.go.id,KP,,leadership,2010-01-04,25000000,female,1\n" + "".join(
    f"{number},Orang,{number},p{number}@kemen.go.id,LOKET,100,employee,2022-01-03,7000000,female,1\n"
    for number in NEWCOMERS
)


def _applied_in_process(text: str, *, kind: str, actor) -> None:
    org_import = org_import_upload(
        kind=kind, mode="partial", file_name=f"{kind}.csv", content=text.encode(), actor=actor
    )
    org_import_apply_start(org_import=org_import, actor=actor, queue=False)
    assert org_import_apply(org_import_id=org_import.pk).status == ImportStatus.APPLIED


def _lock_waiter() -> int | None:
    """The backend of this database waiting on a row lock, if any."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _backend_gone(pid: int) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 0


@pytest.fixture
def forget_import_signs():
    """The cache outlives the test database: the sweep's keys for the test's import go with it."""
    ids: list[int] = []
    yield ids.append
    for pk in ids:
        cache.delete_many([jobs._alive_key(ORG_IMPORT_JOB, pk), jobs._restarts_key(ORG_IMPORT_JOB, pk)])


def test_an_import_whose_worker_is_killed_mid_apply_writes_nothing_and_is_applied_again_by_the_sweep(
    worker_factory, monkeypatch, settings, forget_import_signs
):
    # given Redis hands a lost job back only after an hour, so that only the sweep can recover it
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "3600")
    settings.PRIMA_JOB_STUCK_MINUTES = 15
    # and an organisation with Sari, and a checked file that renames her and adds five people
    hr = User.objects.create_user(username="hr-officer", role="hr")
    _applied_in_process(DEPARTMENTS, kind="departments", actor=hr)
    _applied_in_process(FIRST, kind="people", actor=hr)
    sari = User.objects.get(employee_number="100")
    org_import = org_import_upload(
        kind="people", mode="partial", file_name="people.csv", content=SECOND.encode(), actor=hr
    )
    assert org_import.status == ImportStatus.CHECKED, org_import.errors
    forget_import_signs(org_import.pk)
    # and a worker that will block inside the apply, on Sari's row held by another connection
    lock = psycopg_connection()
    lock.execute("SELECT id FROM employees_user WHERE id = %s FOR UPDATE", [sari.pk])
    first = worker_factory()
    org_import_apply_start(org_import=org_import, actor=hr)
    try:
        waiter = wait_for(_lock_waiter, 60, "the worker to block inside the apply")
        # when the worker is killed (SIGKILL) there, with the newcomers written but not committed
        first.kill()
    finally:
        threading.Thread(target=lambda: (lock.rollback(), lock.close())).start()
    wait_for(lambda: _backend_gone(waiter), 60, "the killed worker's database session to end")
    # then nothing of the file was written: its transaction rolled back with the session
    assert not User.objects.filter(employee_number__in=NEWCOMERS).exists()
    assert User.objects.get(pk=sari.pk).last_name == "Wulandari"
    org_import.refresh_from_db()
    assert org_import.status == ImportStatus.APPLYING
    # when the job's last sign of life has lapsed, beat runs the sweep, and a new worker starts
    cache.delete(jobs._alive_key(ORG_IMPORT_JOB, org_import.pk))
    later = timezone.now() + dt.timedelta(minutes=settings.PRIMA_JOB_STUCK_MINUTES + 1)
    done = jobs.stuck_jobs_sweep(now=later)
    assert done[ORG_IMPORT_JOB]["restarted"] == [org_import.pk]
    worker_factory()
    # then the import is applied, whole, on the new worker
    finished = wait_for(
        lambda: OrgImport.objects.exclude(status=ImportStatus.APPLYING).filter(pk=org_import.pk).first(),
        60,
        "the import to be applied on the new worker",
    )
    assert finished.status == ImportStatus.APPLIED, finished.failure
    assert set(User.objects.filter(employee_number__in=NEWCOMERS).values_list("employee_number", flat=True)) == set(
        NEWCOMERS
    )
    assert User.objects.get(pk=sari.pk).last_name == "Wijaya"
