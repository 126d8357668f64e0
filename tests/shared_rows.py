"""Rows that several tests read, written once for their module rather than once per test."""

import contextlib

from django.db import transaction
from django.test import override_settings

from config.celery import app as celery_app


@contextlib.contextmanager
def written_once(django_db_blocker):
    """For a module-scoped fixture: what it writes inside is written once, in a transaction
    rolled back after the module's last test, and every test runs in a savepoint of it (what a
    test changes is undone before the next). Jobs run in-process and passwords hash quickly, as
    in every test (tests/conftest.py), which a module's fixture is set up before."""
    eager = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], CELERY_TASK_ALWAYS_EAGER=True
    )
    try:
        with django_db_blocker.unblock(), fast, transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = eager
