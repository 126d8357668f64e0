"""The personas' organisation with one object of every kind, shared by the page walks."""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import override_settings

import tests.conftest
from config.celery import app as celery_app
from tests.builders import objects_of_every_kind, personas_of


@dataclass
class World:
    personas: dict
    ids: dict


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module (inside a transaction rolled back at its end); every test
    runs in a savepoint of it."""
    eager = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    try:
        with django_db_blocker.unblock(), fast, transaction.atomic():
            org = tests.conftest.org.__wrapped__(None)
            ids = objects_of_every_kind(org)
            yield World(personas_of(org), ids)
            transaction.set_rollback(True)
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = eager
