"""Settings come from the environment; a bad value stops the start with the variable's name."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import envbool, envint, envurl

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://x/y"),
        ("CELERY_BROKER_URL", "amqp://guest@x//"),
        ("SESSION_IDLE_TIMEOUT", "soon"),
        ("LANGUAGE_CODE", "fr"),
        ("PRIMA_ANONYMITY_EPSILON", "2.5"),  # above ln 9
        ("PRIMA_ANONYMITY_EPSILON", "lots"),
        ("DATABASE_REPLICA_URL", "mysql://x/y"),
        ("DATABASE_REPLICA_URL", "postgres://x/y"),  # with no PostgreSQL primary to copy
        ("DATABASE_REPLICA_MAX_LAG_SECONDS", "-1"),
        ("DATABASE_REPLICA_PIN_SECONDS", "a while"),
        ("CELERY_QUEUE_PREFIX", "prima reports"),
        ("CELERY_QUEUE", "prima"),  # replaced by the named queues
    ],
)
def test_a_bad_value_fails_at_start_naming_the_variable(variable, value):
    result = run_check(**{variable: value})
    assert result.returncode != 0
    assert variable in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check(DEBUG="0", ALLOWED_HOSTS="prima.example")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_passes_the_deploy_check_with_no_warnings(tmp_path):
    clean = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    # an empty database: the check must not depend on migrated tables (as in a fresh deployment)
    clean["SQLITE_PATH"] = str(tmp_path / "empty.sqlite3")
    env = {
        **clean,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "production-test-secret-key-9f8e7d6c5b4a",
        "ALLOWED_HOSTS": "a.b",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_embedded_default_is_sqlite_with_eager_jobs():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
            "django.setup();from django.conf import settings as s;"
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.MAILERS['default']['BACKEND'])",
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


class TestReaders:
    def test_envbool_reads_the_usual_spellings(self, monkeypatch):
        for raw, expected in [("1", True), ("yes", True), ("off", False), ("FALSE", False)]:
            monkeypatch.setenv("PRIMA_FLAG", raw)
            assert envbool("PRIMA_FLAG", not expected) is expected

    def test_envint_enforces_a_minimum(self, monkeypatch):
        monkeypatch.setenv("PRIMA_N", "3")
        with pytest.raises(ImproperlyConfigured, match="PRIMA_N must be at least 10"):
            envint("PRIMA_N", 20, minimum=10)

    def test_envurl_rejects_a_url_without_a_scheme(self, monkeypatch):
        monkeypatch.setenv("PRIMA_URL", "127.0.0.1:6379")
        with pytest.raises(ImproperlyConfigured, match="PRIMA_URL"):
            envurl("PRIMA_URL", schemes=("redis",))


def test_production_logs_one_json_object_a_line():
    clean = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    env = {**clean, "DEBUG": "0", "SECRET_KEY": "y" * 20 + "production-test-secret-key-1a2b3c", "ALLOWED_HOSTS": "a.b"}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django,logging,os;os.environ['DJANGO_SETTINGS_MODULE']='config.settings';django.setup();"
            "logging.getLogger('prima.replica').warning('read replica unusable (%s)', 'stopped')",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert line["message"] == "read replica unusable (stopped)"
    assert line["level"] == "WARNING" and line["logger"] == "prima.replica" and line["time"]
