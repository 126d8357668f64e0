"""Shared fixtures: the service gate, factories and the personas every test speaks of.

The personas live in a small organisation:

    HQ (Kantor Pusat)
    ├── OPS (Direktorat Pelayanan)
    │   ├── CS  (Layanan Pelanggan, service unit)   budi (manager), ani, andi (employees)
    │   └── LKT (Loket Perizinan, service unit)     mira (manager), bayu (employee)
    └── HRD (SDM)                                    hana (HR), lina (leadership)
"""

import uuid

import pytest
from rest_framework.test import APIClient

from config.celery import app as celery_app
from tests.factories import DepartmentFactory, UserFactory
from tests.services import HOW_TO, postgres_problem, redis_problem, services_required


def pytest_collection_modifyitems(config, items):
    for item in items:
        needs = []
        if item.get_closest_marker("integration"):
            needs = [postgres_problem, redis_problem]
        elif item.get_closest_marker("postgres"):
            needs = [postgres_problem]
        problems = [problem for problem in (need() for need in needs) if problem]
        if not problems:
            continue
        reason = "; ".join(problems)
        if services_required():
            item.user_properties.append(("missing_service", reason))
        else:
            item.add_marker(pytest.mark.skip(reason=f"{reason} — {HOW_TO}"))


def pytest_runtest_setup(item):
    reason = dict(item.user_properties).get("missing_service")
    if reason:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)


@pytest.fixture(autouse=True)
def _default_language():
    """A request in Bahasa Indonesia leaves that language active in the thread (the locale
    middleware never switches back); every test starts and ends in the default."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_passwords_and_eager_jobs(request, settings):
    """Quick password hashing; outside integration tests jobs run in-process."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if request.node.get_closest_marker("integration"):
        yield
        return
    settings.CELERY_TASK_ALWAYS_EAGER = True  # what the app reports (e.g. /healthz) matches
    eager, propagates = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = eager, propagates


@pytest.fixture(autouse=True)
def _own_skm_rate_limits(monkeypatch):
    """The public SKM form's rate-limit counters live in Redis and outlast a test: each test
    counts in a namespace of its own, as if it had the minute to itself."""
    from service_quality import collecting

    monkeypatch.setattr(collecting, "RATE_NAMESPACE", f"test:{uuid.uuid4().hex}")


class Org:
    """The personas' organisation (see the module docstring)."""


@pytest.fixture
def org(db):
    o = Org()
    o.hq = DepartmentFactory(code="HQ", name="Kantor Pusat")
    o.ops = DepartmentFactory(code="OPS", name="Direktorat Pelayanan", parent=o.hq)
    o.cs = DepartmentFactory(code="CS", name="Layanan Pelanggan", parent=o.ops, is_service_unit=True)
    o.lkt = DepartmentFactory(code="LKT", name="Loket Perizinan", parent=o.ops, is_service_unit=True)
    o.hrd = DepartmentFactory(code="HRD", name="Sumber Daya Manusia", parent=o.hq)
    o.hana = UserFactory(username="hana", role="hr", department=o.hrd)
    o.lina = UserFactory(username="lina", role="leadership", department=o.hrd)
    o.budi = UserFactory(username="budi", role="manager", department=o.cs)
    o.mira = UserFactory(username="mira", role="manager", department=o.lkt)
    o.ani = UserFactory(username="ani", role="employee", department=o.cs, manager=o.budi)
    o.andi = UserFactory(username="andi", role="employee", department=o.cs, manager=o.budi)
    o.bayu = UserFactory(username="bayu", role="employee", department=o.lkt, manager=o.mira)
    return o


@pytest.fixture
def api():
    """`api(user)` → an APIClient signed in as `user` (or anonymous for None)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
