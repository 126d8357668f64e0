"""Backup and restore, as the README describes it: `pg_dump -Fc` of a database holding the demo
organisation, `pg_restore` into an empty database, and every table holds the same rows."""

import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from tests.services import services_required

pytestmark = pytest.mark.postgres


def _connect(dbname: str) -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


def row_counts(dbname: str) -> dict[str, int]:
    with _connect(dbname) as conn:
        tables = [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        count = 'SELECT count(*) FROM "{}"'  # names read from pg_tables, not from input
        return {table: conn.execute(count.format(table)).fetchone()[0] for table in tables}


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if services_required():
            pytest.fail(f"REQUIRE_SERVICES=1 but {name} is not installed", pytrace=False)
        pytest.skip(f"{name} is not installed")
    return found


def _client_args() -> list[str]:
    db = connection.settings_dict
    return ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]


def test_a_dump_of_the_demo_restores_into_an_empty_database_with_every_row(transactional_db, tmp_path, settings):
    # given the demo organisation, committed
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", verbosity=0)
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "prima.dump"
    target = f"{source}_restore_{uuid.uuid4().hex[:8]}"

    # when it is dumped and restored into a new, empty database
    subprocess.run([_tool("pg_dump"), *_client_args(), "-Fc", "-f", str(dump), source], check=True, timeout=600)
    with _connect("postgres") as conn:
        conn.execute(f'CREATE DATABASE "{target}"')
    try:
        subprocess.run(
            [_tool("pg_restore"), *_client_args(), "--no-owner", "--exit-on-error", "-d", target, str(dump)],
            check=True,
            timeout=600,
        )
        # then every table has the same number of rows
        original, restored = row_counts(source), row_counts(target)
    finally:
        with _connect("postgres") as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
    assert restored == original
    assert sum(1 for count in original.values() if count > 0) >= 30
